package dev.cachet.driver.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A commit reported unsampled keeps its tables on the primary until a primary sample that started after it; a read
 * held there by it asks the poller for that sample at once instead of waiting for the interval (an hour here, so only
 * the request can bring the round), and the read returns to a replica that has replayed the sampled position.
 */
class ReplicaPollerRequestTest {

  @Test
  void aReadHeldOnThePrimaryByAnUnsampledCommitBringsThePollersNextRoundForward() throws Exception {
    ReplicaState r1 = new ReplicaState("r1:1");
    ReadYourWrites ryw = new ReadYourWrites();
    ReplicaRouter router = new ReplicaRouter(List.of(r1), ReplicaSelector.roundRobin(), ryw, null);
    AtomicLong position = new AtomicLong(100);
    LinkedBlockingQueue<Long> primarySamples = new LinkedBlockingQueue<>();
    NodeProbe probe = host -> {
      if (host.equals("p:1")) {
        primarySamples.add(position.get());
        return NodeStatus.primary(Lsn.of(position.get()), 1);
      }
      return NodeStatus.standby(Lsn.of(position.get()), 1); // the replica keeps up
    };
    ReplicaPoller poller = new ReplicaPoller(router, probe, () -> "p:1", new LagEstimator(8), Ticker.system(),
        Duration.ofHours(1), "request", e -> { });
    router.whenSampleWanted(poller::requestRound);
    poller.start();
    try {
      assertThat(primarySamples.poll(10, TimeUnit.SECONDS)).as("the first round").isEqualTo(100);
      Awaitility.await("the first round probed the replica").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(5)).until(() -> router.chooseFor(Set.of("orders")) == r1);

      ReadYourWrites.WriteTicket write = ryw.beginWrite(Set.of("orders"), false);
      position.set(200); // the commit's record
      ryw.committedUnsampled(write, System.nanoTime());
      assertThat(ryw.awaitingSample()).isTrue();
      assertThat(router.chooseFor(Set.of("customers"))).as("other tables are not held").isSameAs(r1);
      assertThat(primarySamples).as("no read of the written table yet, no round asked for").isEmpty();

      assertThat(router.chooseFor(Set.of("orders"))).as("held on the primary until sampled").isNull();
      assertThat(primarySamples.poll(10, TimeUnit.SECONDS)).as("the round the read asked for").isEqualTo(200);
      // the round resolves the commit after its primary probe returns, then probes the replica
      Awaitility.await("the commit resolved and the replica seen past it").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(5)).until(() -> router.chooseFor(Set.of("customers")) != null
              && ryw.requiredPosition(List.of("orders")).equals(Lsn.of(200)) && r1.hasReplayed(Lsn.of(200)));
      assertThat(ryw.awaitingSample()).isFalse();
      assertThat(router.chooseFor(Set.of("orders"))).as("replayed the sampled position").isSameAs(r1);
      assertThat(primarySamples).as("one round for the request").isEmpty();
    } finally {
      poller.close();
    }
  }
}
