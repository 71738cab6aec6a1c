package dev.cachet.driver.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.cache.ScriptRun;
import dev.cachet.driver.routing.Lsn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.awaitility.Awaitility;

/**
 * The test cluster started by {@code scripts/pg-cluster.sh}: runs the script's commands and opens connections to its
 * nodes (node 0 starts as the primary, 1 and 2 as its replicas).
 */
public final class PgCluster {

  /** Past the script's own waits (60 s each, CACHET_PG_WAIT; `up` starts three nodes), so its message is seen. */
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(300);

  private PgCluster() {}

  /** Runs {@code pg-cluster.sh args...}, returns its standard output; fails on a non-zero exit or timeout. */
  public static String run(String... args) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(ItServers.clusterScript());
    command.addAll(List.of(args));
    return ScriptRun.run(command, Map.of("CACHET_PG_PORT", Integer.toString(ItServers.clusterBasePort()),
        "CACHET_PG_DIR", ItServers.clusterDirectory()), SCRIPT_TIMEOUT);
  }

  /** Tears the cluster down and starts a fresh one (a test that failed over leaves it this way for the next). */
  public static void recreate() {
    run("down");
    run("up");
  }

  /** {@code host:port} of node {@code n}. */
  public static String host(int n) {
    return "127.0.0.1:" + port(n);
  }

  /** The port of node {@code n}. */
  public static int port(int n) {
    return ItServers.clusterBasePort() + n;
  }

  /** The plain pgjdbc URL of node {@code n}'s postgres database. */
  public static String url(int n) {
    return "jdbc:postgresql://" + host(n) + "/postgres";
  }

  /** A new connection to node {@code n}, with connect and socket timeouts. */
  public static Connection connect(int n) throws SQLException {
    return connect(host(n));
  }

  /** A new connection to {@code host:port}, with connect and socket timeouts. */
  public static Connection connect(String hostPort) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    props.setProperty("ApplicationName", "cachet-it");
    return DriverManager.getConnection("jdbc:postgresql://" + hostPort + "/postgres", props);
  }

  /** One value of a query on a connection. */
  public static String queryString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).as("a row from %s", sql).isTrue();
      return rs.getString(1);
    }
  }

  /** One value of a query on node {@code n}, on a connection of its own. */
  public static String queryString(int n, String sql) throws SQLException {
    try (Connection c = connect(n)) {
      return queryString(c, sql);
    }
  }

  /** The primary's insert position, sampled now on node {@code n}. */
  public static Lsn insertLsn(int n) throws SQLException {
    return Lsn.parse(queryString(n, "SELECT pg_current_wal_insert_lsn()"));
  }

  /** Node {@code n}'s replayed position (a standby). */
  public static Lsn replayLsn(int n) throws SQLException {
    return Lsn.parse(queryString(n, "SELECT coalesce(pg_last_wal_replay_lsn(), '0/0')"));
  }

  /** Waits (up to 30 s, polling) until standby {@code n} has replayed {@code target}. */
  public static void awaitReplayed(int n, Lsn target) {
    Awaitility.await("node " + n + " replays " + target).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> replayLsn(n).isAtLeast(target));
  }
}
