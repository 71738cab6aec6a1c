package dev.cachet.driver.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.it.cluster.PgCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The poller and router against the real test cluster: a replica whose replay is paused falls behind, leaves the
 * rotation and is never chosen for a table written since; after resuming it returns.
 */
class ReplicaPollerIT {

  private final List<SQLException> primaryFailures = new CopyOnWriteArrayList<>();
  private JdbcNodeProbe probe;
  private ReplicaState r1;
  private ReplicaState r2;
  private ReplicaRouter router;
  private ReplicaPoller poller;

  @BeforeEach
  void startPolling() {
    if (!PgCluster.run("status").contains("running  primary")) {
      PgCluster.recreate();
    }
    probe = new JdbcNodeProbe(PgCluster::connect, Duration.ofSeconds(5));
    r1 = new ReplicaState(PgCluster.host(1), Duration.ofMillis(100), Duration.ofSeconds(1));
    r2 = new ReplicaState(PgCluster.host(2), Duration.ofMillis(100), Duration.ofSeconds(1));
    router = new ReplicaRouter(List.of(r1, r2), ReplicaSelector.roundRobin(), new ReadYourWrites(),
        Duration.ofMillis(800));
    poller = new ReplicaPoller(router, probe, () -> PgCluster.host(0), new LagEstimator(1024), Ticker.system(),
        Duration.ofMillis(50), "it", primaryFailures::add);
    poller.start();
  }

  @AfterEach
  void stopPolling() {
    poller.close();
    probe.close();
    PgCluster.run("resume-replay", "1");
    PgCluster.run("start-replica", "2");
  }

  @Test
  void aPausedReplicaLeavesTheRotationForWrittenTablesAndReturnsAfterResume() throws SQLException {
    awaitEligible(r1, r2);
    try (Connection primary = PgCluster.connect(0); Statement s = primary.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS poller_it (id int)");
      PgCluster.run("pause-replay", "1");

      ReadYourWrites.WriteTicket ticket = router.readYourWrites().beginWrite(Set.of("poller_it"), false);
      assertThat(router.chooseFor(Set.of("poller_it"))).as("write in flight: primary").isNull();
      s.executeUpdate("INSERT INTO poller_it VALUES (1)");
      Lsn afterCommit = Lsn.parse(PgCluster.queryString(primary, "SELECT pg_current_wal_insert_lsn()"));
      router.readYourWrites().committed(ticket, afterCommit);

      // Replica 2 serves the written table once it has replayed the write; replica 1 never does while paused.
      Awaitility.await("replica 2 serves poller_it").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> router.chooseFor(Set.of("poller_it")) == r2);
      List<ReplicaState> chosen = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        chosen.add(router.chooseFor(Set.of("poller_it")));
      }
      assertThat(chosen).containsOnly(r2);
      assertThat(r1.replayed()).isLessThan(afterCommit);

      // With the primary moving on, its lag passes cachet.maxReplicaLag (800 ms): out of the rotation entirely.
      Awaitility.await("replica 1 leaves the rotation").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> {
            s.execute("SELECT pg_logical_emit_message(false, 'cachet-it', 'tick')");
            return !router.eligible(Lsn.ZERO).contains(r1);
          });
      assertThat(r1.lag()).isGreaterThan(Duration.ofMillis(800));
      assertThat(router.eligible(Lsn.ZERO)).containsExactly(r2);

      PgCluster.run("resume-replay", "1");
      awaitEligible(r1, r2);
      assertThat(router.eligible(afterCommit)).containsExactly(r1, r2);
    }
    assertThat(primaryFailures).isEmpty();
  }

  @Test
  void aStoppedReplicaFailsAndReturnsWhenStarted() {
    awaitEligible(r1, r2);
    PgCluster.run("stop-replica", "2");
    Awaitility.await("replica 2 marked failed").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20)).until(r2::failed);
    assertThat(router.eligible(Lsn.ZERO)).containsExactly(r1);
    for (int i = 0; i < 10; i++) {
      assertThat(router.chooseFor(Set.of("t"))).isSameAs(r1);
    }
    PgCluster.run("start-replica", "2");
    awaitEligible(r1, r2);
    assertThat(primaryFailures).isEmpty();
  }

  private void awaitEligible(ReplicaState... replicas) {
    Awaitility.await("replicas eligible").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> router.eligible(Lsn.ZERO).containsAll(List.of(replicas)));
  }
}
