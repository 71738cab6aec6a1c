package dev.cachet.driver.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.driver.routing.JdbcNodeProbe;
import dev.cachet.driver.routing.Lsn;
import dev.cachet.driver.routing.NodeStatus;
import dev.cachet.driver.routing.PrimaryLocator;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves that {@code scripts/pg-cluster.sh} gives real streaming replication, replay control, replica restarts and
 * failover, observed on the servers themselves.
 */
class PgClusterIT {

  @BeforeAll
  static void clusterIsUpWithTwoStreamingReplicas() throws SQLException {
    String status = PgCluster.run("status");
    if (!status.contains("running  primary")) {
      PgCluster.recreate();
    }
    assertThat(PgCluster.queryString(0, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
        .isEqualTo("2");
    assertThat(PgCluster.queryString(0, "SELECT pg_is_in_recovery()")).isEqualTo("f");
    assertThat(PgCluster.queryString(1, "SELECT pg_is_in_recovery()")).isEqualTo("t");
    assertThat(PgCluster.queryString(2, "SELECT pg_is_in_recovery()")).isEqualTo("t");
  }

  @Test
  void aWriteOnThePrimaryReachesBothReplicas() throws SQLException {
    String table = freshTable();
    Lsn written = insert(table, 1);
    for (int replica = 1; replica <= 2; replica++) {
      PgCluster.awaitReplayed(replica, written);
      assertThat(PgCluster.queryString(replica, "SELECT count(*) FROM " + table + " WHERE id = 1")).isEqualTo("1");
    }
  }

  @Test
  void pausedReplayKeepsAReplicaBehindUntilResumed() throws SQLException {
    String table = freshTable();
    PgCluster.awaitReplayed(1, PgCluster.insertLsn(0));
    PgCluster.run("pause-replay", "1");
    try {
      Lsn written = insert(table, 7);
      // Replica 2 replays it and replica 1 receives it: the WAL was shipped, only replay is held back.
      PgCluster.awaitReplayed(2, written);
      Awaitility.await("replica 1 receives " + written).atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> Lsn.parse(PgCluster.queryString(1, "SELECT pg_last_wal_receive_lsn()")).isAtLeast(written));
      assertThat(PgCluster.replayLsn(1)).isLessThan(written);
      assertThat(PgCluster.queryString(1, "SELECT count(*) FROM " + table)).isEqualTo("0");
      assertThat(PgCluster.queryString(1, "SELECT pg_get_wal_replay_pause_state()")).isEqualTo("paused");
    } finally {
      PgCluster.run("resume-replay", "1");
    }
    PgCluster.awaitReplayed(1, PgCluster.insertLsn(0));
    assertThat(PgCluster.queryString(1, "SELECT count(*) FROM " + table)).isEqualTo("1");
  }

  @Test
  void aStoppedReplicaRefusesConnectionsAndCatchesUpWhenStarted() throws SQLException {
    String table = freshTable();
    PgCluster.run("stop-replica", "2");
    try {
      assertThatThrownBy(() -> PgCluster.connect(2)).isInstanceOfSatisfying(SQLException.class,
          e -> assertThat(e.getSQLState()).startsWith("08"));
      assertThat(PgCluster.queryString(0,
          "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")).isEqualTo("1");
      insert(table, 3);
    } finally {
      PgCluster.run("start-replica", "2");
    }
    PgCluster.awaitReplayed(2, PgCluster.insertLsn(0));
    assertThat(PgCluster.queryString(2, "SELECT count(*) FROM " + table)).isEqualTo("1");
  }

  @Test
  void stopPrimaryAndPromoteMovesThePrimaryToANewTimeline() throws SQLException {
    try (JdbcNodeProbe probe = new JdbcNodeProbe(PgCluster::connect, Duration.ofSeconds(5))) {
      String table = freshTable();
      Lsn written = insert(table, 42);
      PgCluster.awaitReplayed(1, written);
      PgCluster.awaitReplayed(2, written);
      long oldTimeline = probe.probe(PgCluster.host(0)).timeline();

      PgCluster.run("stop-primary");
      assertThatThrownBy(() -> PgCluster.connect(0)).isInstanceOf(SQLException.class);
      PgCluster.run("promote", "1");

      assertThat(PgCluster.queryString(1, "SELECT pg_is_in_recovery()")).isEqualTo("f");
      long controlTimeline = Long.parseLong(PgCluster.queryString(1,
          "SELECT timeline_id FROM pg_control_checkpoint()"));
      NodeStatus promoted = probe.probe(PgCluster.host(1));
      assertThat(promoted.inRecovery()).isFalse();
      assertThat(promoted.timeline()).isGreaterThan(oldTimeline).isEqualTo(controlTimeline);
      assertThat(PgCluster.queryString(1, "SELECT count(*) FROM " + table)).isEqualTo("1");
      try (Connection c = PgCluster.connect(1); Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO " + table + " VALUES (43)");
      }

      // Discovery over the configured hosts finds the promoted node; the other standby is still on the old timeline.
      PrimaryLocator.Located located = new PrimaryLocator(
          List.of(PgCluster.host(0), PgCluster.host(1), PgCluster.host(2)), probe).locate();
      assertThat(located.primary()).isEqualTo(PgCluster.host(1));
      assertThat(located.unreachable()).containsOnlyKeys(PgCluster.host(0));
      assertThat(located.standbys()).containsOnlyKeys(PgCluster.host(2));
      assertThat(located.standbysOnPrimaryTimeline()).isEmpty();

      // Once it follows the new primary, it joins the new timeline and replays the write made there.
      PgCluster.run("follow", "2", "1");
      Lsn afterFailover = PgCluster.insertLsn(1);
      Awaitility.await("replica 2 follows the new primary").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> probe.probe(PgCluster.host(2)).timeline() == promoted.timeline()
              && PgCluster.replayLsn(2).isAtLeast(afterFailover));
      assertThat(PgCluster.queryString(2, "SELECT count(*) FROM " + table)).isEqualTo("2");
      assertThat(new PrimaryLocator(List.of(PgCluster.host(0), PgCluster.host(1), PgCluster.host(2)), probe)
          .locate().standbysOnPrimaryTimeline()).containsExactly(PgCluster.host(2));
    } finally {
      PgCluster.recreate();
    }
  }

  private static String freshTable() throws SQLException {
    String table = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = PgCluster.connect(0); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
    }
    return table;
  }

  /** Inserts a row on the primary and returns the insert position sampled after the commit returned. */
  private static Lsn insert(String table, int id) throws SQLException {
    try (Connection c = PgCluster.connect(0); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO " + table + " VALUES (" + id + ")");
      return Lsn.parse(PgCluster.queryString(c, "SELECT pg_current_wal_insert_lsn()"));
    }
  }
}
