package dev.cachet.driver.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReplicaPollerTest {

  /** A cluster the test scripts: each host answers its current status, or fails. */
  static final class FakeCluster implements NodeProbe {
    final Map<String, NodeStatus> status = new ConcurrentHashMap<>();
    final Set<String> down = ConcurrentHashMap.newKeySet();
    final List<String> probed = new ArrayList<>();

    @Override
    public synchronized NodeStatus probe(String host) throws SQLException {
      probed.add(host);
      if (down.contains(host) || !status.containsKey(host)) {
        throw new SQLException("connection refused: " + host, "08001");
      }
      return status.get(host);
    }
  }

  private final ManualTicker ticker = new ManualTicker();
  private final FakeCluster cluster = new FakeCluster();
  private final ReplicaState r1 = new ReplicaState("r1:1", Duration.ofSeconds(1), Duration.ofSeconds(4));
  private final ReplicaState r2 = new ReplicaState("r2:1", Duration.ofSeconds(1), Duration.ofSeconds(4));
  private final ReadYourWrites ryw = new ReadYourWrites();
  private final ReplicaRouter router =
      new ReplicaRouter(List.of(r1, r2), ReplicaSelector.roundRobin(), ryw, Duration.ofSeconds(2));
  private final List<SQLException> primaryFailures = new ArrayList<>();
  private final ReplicaPoller poller = new ReplicaPoller(router, cluster, () -> "p:1", new LagEstimator(64), ticker,
      Duration.ofMillis(100), "test", primaryFailures::add);

  /** The primary and both replicas at {@code lsn}, on timeline 1. */
  private void allAt(long lsn) {
    cluster.status.put("p:1", NodeStatus.primary(Lsn.of(lsn), 1));
    cluster.status.put("r1:1", NodeStatus.standby(Lsn.of(lsn), 1));
    cluster.status.put("r2:1", NodeStatus.standby(Lsn.of(lsn), 1));
  }

  @Test
  void thePrimaryListedAmongTheReplicasIsProbedOnceAndNeverEligible() {
    ReplicaState p = new ReplicaState("p:1");
    ReplicaRouter all = new ReplicaRouter(List.of(p, r1), ReplicaSelector.roundRobin(), ryw, Duration.ofSeconds(2));
    ReplicaPoller pollAll = new ReplicaPoller(all, cluster, () -> "p:1", new LagEstimator(64), ticker,
        Duration.ofMillis(100), "test", primaryFailures::add);
    cluster.status.put("p:1", NodeStatus.primary(Lsn.of(100), 1));
    cluster.status.put("r1:1", NodeStatus.standby(Lsn.of(100), 1));
    assertThat(pollAll.pollOnce()).isTrue();
    assertThat(cluster.probed).containsExactly("p:1", "r1:1");
    assertThat(p.status()).isEqualTo(NodeStatus.primary(Lsn.of(100), 1));
    assertThat(all.eligible(Lsn.ZERO)).containsExactly(r1);
  }

  @Test
  void aPausedReplicaFallsBehindLeavesTheRotationAndReturnsAfterCatchingUp() {
    allAt(100);
    assertThat(poller.pollOnce()).isTrue();
    assertThat(router.eligible(Lsn.ZERO)).containsExactly(r1, r2);
    assertThat(router.primaryTimeline()).isEqualTo(1);

    // r2 stops replaying at 100 while the primary moves on.
    for (int i = 1; i <= 4; i++) {
      ticker.advance(Duration.ofSeconds(1));
      cluster.status.put("p:1", NodeStatus.primary(Lsn.of(100 + i * 100L), 1));
      cluster.status.put("r1:1", NodeStatus.standby(Lsn.of(100 + i * 100L), 1));
      poller.pollOnce();
    }
    assertThat(r1.lag()).isEqualTo(Duration.ZERO);
    assertThat(r2.lag()).isEqualTo(Duration.ofSeconds(4));
    assertThat(router.eligible(Lsn.ZERO)).containsExactly(r1);

    ticker.advance(Duration.ofSeconds(1));
    cluster.status.put("r2:1", NodeStatus.standby(Lsn.of(500), 1));
    poller.pollOnce();
    assertThat(router.eligible(Lsn.ZERO)).containsExactly(r1, r2);
  }

  @Test
  void primarySamplesResolveUnsampledCommits() {
    allAt(100);
    ReadYourWrites.WriteTicket ticket = ryw.beginWrite(Set.of("t"), false);
    cluster.status.put("p:1", NodeStatus.primary(Lsn.of(150), 1));
    ryw.committedUnsampled(ticket, ticker.read());
    ticker.advance(Duration.ofMillis(1));
    poller.pollOnce();
    assertThat(ryw.requiredPosition(Set.of("t"))).isEqualTo(Lsn.of(150));
    assertThat(router.chooseFor(Set.of("t"))).as("replicas at 100 < 150").isNull();
    cluster.status.put("r1:1", NodeStatus.standby(Lsn.of(150), 1));
    poller.pollOnce();
    assertThat(router.chooseFor(Set.of("t"))).isSameAs(r1);
  }

  @Test
  void aFailedReplicaIsProbedAgainOnlyAfterItsBackoff() {
    allAt(100);
    cluster.down.add("r2:1");
    poller.pollOnce();
    assertThat(r2.failed()).isTrue();
    assertThat(router.eligible(Lsn.ZERO)).containsExactly(r1);

    cluster.probed.clear();
    ticker.advance(Duration.ofMillis(500));
    poller.pollOnce();
    assertThat(cluster.probed).containsExactly("p:1", "r1:1");

    cluster.down.remove("r2:1");
    ticker.advance(Duration.ofMillis(500));
    poller.pollOnce();
    assertThat(cluster.probed).endsWith("r2:1");
    assertThat(router.eligible(Lsn.ZERO)).containsExactly(r1, r2);
  }

  @Test
  void aPrimaryThatCannotBeProbedIsReportedAndLeavesReplicasServing() {
    allAt(100);
    poller.pollOnce();
    cluster.down.add("p:1");
    assertThat(poller.pollOnce()).isFalse();
    assertThat(primaryFailures).hasSize(1);
    assertThat(primaryFailures.get(0).getSQLState()).startsWith("08");
    assertThat(router.eligible(Lsn.ZERO)).containsExactly(r1, r2);

    cluster.down.remove("p:1");
    cluster.status.put("p:1", NodeStatus.standby(Lsn.of(100), 1));
    assertThat(poller.pollOnce()).as("a primary in recovery is not a primary").isFalse();
    assertThat(primaryFailures).hasSize(2);
  }

  @Test
  void requestedRoundsBackOffWhileTheyFreeNoTableAndReturnToFiveMillisecondsWhenOneDoes() {
    long interval = Duration.ofMillis(100).toNanos();
    ReplicaPoller.RequestedSpacing spacing = new ReplicaPoller.RequestedSpacing(interval);
    assertThat(spacing.nanos()).isEqualTo(ReplicaPoller.MIN_REQUESTED_SPACING_NANOS);
    spacing.roundEnded(true, 1);
    assertThat(spacing.nanos()).as("a requested round that freed a table").isEqualTo(5_000_000L);
    long[] seen = new long[6];
    for (int i = 0; i < seen.length; i++) {
      spacing.roundEnded(true, 0);
      seen[i] = spacing.nanos() / 1_000_000L;
    }
    assertThat(seen).as("ms, doubling up to the interval").containsExactly(10, 20, 40, 80, 100, 100);
    spacing.roundEnded(false, 0);
    assertThat(spacing.nanos()).as("a round on the interval that freed nothing changes nothing").isEqualTo(interval);
    assertThat(spacing.nextRoundAfter(true)).as("at the interval a request brings nothing forward")
        .isEqualTo(interval);
    assertThat(spacing.early(true)).isFalse();
    spacing.roundEnded(false, 2);
    assertThat(spacing.nanos()).as("writes sparse again: a tick freed tables").isEqualTo(5_000_000L);
    assertThat(spacing.nextRoundAfter(true)).isEqualTo(5_000_000L);
    assertThat(spacing.early(true)).isTrue();
    assertThat(spacing.nextRoundAfter(false)).as("nobody asked: the interval").isEqualTo(interval);
    assertThat(spacing.early(false)).isFalse();
  }

  @Test
  void aRoundTellsHowManyTablesItsPrimarySampleFreed() {
    allAt(100);
    ReadYourWrites.WriteTicket first = ryw.beginWrite(Set.of("t"), false);
    ryw.committedUnsampled(first, ticker.read());
    ReadYourWrites.WriteTicket inFlight = ryw.beginWrite(Set.of("t"), false);
    ticker.advance(Duration.ofMillis(1));
    poller.pollOnce();
    assertThat(poller.lastRoundFreed()).as("t is still written by another statement").isZero();
    ryw.committedUnsampled(inFlight, ticker.read());
    ticker.advance(Duration.ofMillis(1));
    poller.pollOnce();
    assertThat(poller.lastRoundFreed()).isEqualTo(1);
  }

  @Test
  void runsOnANamedDaemonThreadUntilClosed() throws Exception {
    CountDownLatch polledTwice = new CountDownLatch(2);
    List<Thread> threads = new ArrayList<>();
    NodeProbe probe = host -> {
      if (host.equals("p:1")) {
        synchronized (threads) {
          threads.add(Thread.currentThread());
        }
        polledTwice.countDown();
      }
      return host.equals("p:1") ? NodeStatus.primary(Lsn.of(1), 1) : NodeStatus.standby(Lsn.of(1), 1);
    };
    ReplicaPoller running = new ReplicaPoller(router, probe, () -> "p:1", new LagEstimator(8), Ticker.system(),
        Duration.ofMillis(10), "unit", e -> { });
    running.start();
    assertThat(polledTwice.await(10, TimeUnit.SECONDS)).isTrue();
    running.close();
    Thread thread;
    synchronized (threads) {
      thread = threads.get(0);
    }
    assertThat(thread.getName()).startsWith("cachet-replica-poller-unit");
    assertThat(thread.isDaemon()).isTrue();
    thread.join(5_000);
    assertThat(thread.isAlive()).isFalse();
  }
}
