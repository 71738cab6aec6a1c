package dev.cachet.driver.it.routing;

import static dev.cachet.driver.it.routing.Nodes.fresh;
import static dev.cachet.driver.it.routing.Nodes.onPrimary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.it.cluster.PgCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Cachet sends to the servers of the test cluster (a primary and two streaming replicas), counted by the servers
 * themselves: every statement the application's role runs on any node, from pg_stat_statements (utility statements
 * included). The poller probes as another role, so the application's role shows only what the application's work
 * cost. A hit sends nothing; an autocommit write sends its statement and nothing else (no WAL sample per commit),
 * and read-your-writes still holds right after it.
 */
class RoundTripsIT {

  private static String app;
  private static String probe;
  private static String table;

  @BeforeAll
  static void roleAndTable() throws SQLException {
    if (!PgCluster.run("status").contains("running  primary")) {
      PgCluster.recreate();
    }
    app = fresh("rt_app");
    probe = fresh("rt_probe");
    table = fresh("rt_items");
    onPrimary("CREATE ROLE " + app + " LOGIN PASSWORD '" + app + "-pw'",
        "CREATE ROLE " + probe + " LOGIN PASSWORD '" + probe + "-pw' IN ROLE pg_monitor",
        "CREATE TABLE " + table + "(id int PRIMARY KEY, v text, n int)",
        "INSERT INTO " + table + " SELECT g, 'v' || g, 0 FROM generate_series(1, 10) g",
        "GRANT SELECT, UPDATE ON " + table + " TO " + app);
  }

  private static Connection cachet(String cluster) throws SQLException {
    String url = Nodes.url(cluster, "cachet.probe.user=" + probe + "&cachet.probe.password=" + probe + "-pw");
    return DriverManager.getConnection(url, app, app + "-pw");
  }

  /** Statements the application's role ran on node {@code n}, as pg_stat_statements counts them. */
  private static long appCalls(int n) throws SQLException {
    try (Connection c = PgCluster.connect(n);
        PreparedStatement p = c.prepareStatement("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
            + " WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = ?)")) {
      p.setString(1, app);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long[] appCallsEverywhere() throws SQLException {
    return new long[] {appCalls(0), appCalls(1), appCalls(2)};
  }

  @Test
  void hitsSendNothingToAnyServer() throws SQLException {
    try (Connection c = cachet(fresh("c"));
        PreparedStatement byId = c.prepareStatement("SELECT id, v, n FROM " + table + " WHERE id = ?")) {
      for (int id = 1; id <= 5; id++) {
        byId.setInt(1, id);
        try (ResultSet rs = byId.executeQuery()) {
          assertThat(rs.next()).isTrue(); // a miss, run on a replica, fills the cache
          assertThat(rs.getString(2)).isEqualTo("v" + id);
        }
      }
      long[] before = appCallsEverywhere();
      assertThat(before[0] + before[1] + before[2]).as("the misses ran somewhere").isPositive();
      for (int i = 0; i < 200; i++) {
        int id = 1 + i % 5;
        byId.setInt(1, id);
        try (ResultSet rs = byId.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(2)).isEqualTo("v" + id);
        }
      }
      assertThat(appCallsEverywhere()).as("statements of the application's role per node after 200 hits")
          .containsExactly(before);
    }
  }

  @Test
  void anAutocommitWriteSendsOnlyItsStatementAndIsReadBackAtOnce() throws SQLException {
    try (Connection c = cachet(fresh("c"));
        PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET n = ? WHERE id = 7");
        PreparedStatement read = c.prepareStatement("SELECT n FROM " + table + " WHERE id = 7")) {
      update.setInt(1, 0);
      update.executeUpdate(); // connects the primary; its session set-up is not the writes' cost
      long before = appCalls(0);
      int writes = 25;
      for (int i = 1; i <= writes; i++) {
        update.setInt(1, i);
        assertThat(update.executeUpdate()).isEqualTo(1);
      }
      assertThat(appCalls(0) - before).as("statements on the primary for " + writes + " autocommit writes")
          .isEqualTo(writes);
      for (int i = writes + 1; i <= writes + 20; i++) {
        update.setInt(1, i);
        update.executeUpdate();
        try (ResultSet rs = read.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).as("a read right after the commit returned").isEqualTo(i);
        }
      }
    }
  }
}
