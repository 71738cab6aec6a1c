package dev.cachet.driver.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplicaStateTest {

  private static final long MS = 1_000_000L;

  @Test
  void notEligibleBeforeTheFirstProbe() {
    ReplicaState replica = new ReplicaState("r:1");
    assertThat(replica.eligible(1, null)).isFalse();
    assertThat(replica.replayed()).isNull();
    assertThat(replica.hasReplayed(Lsn.ZERO)).isFalse();
  }

  @Test
  void eligibleOnlyAsAHealthyStandbyOnThePrimaryTimelineWithinTheLagLimit() {
    ReplicaState replica = new ReplicaState("r:1");
    replica.recordStatus(NodeStatus.standby(Lsn.of(100), 2), Duration.ofMillis(300));
    assertThat(replica.eligible(2, Duration.ofSeconds(1))).isTrue();
    assertThat(replica.eligible(2, null)).isTrue();
    assertThat(replica.eligible(3, null)).as("other timeline").isFalse();
    assertThat(replica.eligible(2, Duration.ofMillis(299))).as("too far behind").isFalse();

    replica.recordStatus(NodeStatus.standby(Lsn.of(100), 2), null);
    assertThat(replica.eligible(2, Duration.ofSeconds(1))).as("unknown lag under a limit").isFalse();

    replica.recordStatus(NodeStatus.primary(Lsn.of(100), 2), Duration.ZERO);
    assertThat(replica.eligible(2, null)).as("promoted: no longer a replica").isFalse();
  }

  @Test
  void failureBacksOffExponentiallyUpToTheCap() {
    ReplicaState replica = new ReplicaState("r:1", Duration.ofMillis(100), Duration.ofMillis(350));
    replica.recordStatus(NodeStatus.standby(Lsn.of(1), 1), Duration.ZERO);
    long now = 0;
    replica.markFailed(now);
    assertThat(replica.failed()).isTrue();
    assertThat(replica.eligible(1, null)).isFalse();
    assertThat(replica.probeDue(now + 99 * MS)).isFalse();
    assertThat(replica.probeDue(now + 100 * MS)).isTrue();
    replica.markFailed(now);
    assertThat(replica.probeDue(now + 199 * MS)).isFalse();
    assertThat(replica.probeDue(now + 200 * MS)).isTrue();
    replica.markFailed(now);
    replica.markFailed(now);
    assertThat(replica.consecutiveFailures()).isEqualTo(4);
    assertThat(replica.probeDue(now + 349 * MS)).isFalse();
    assertThat(replica.probeDue(now + 350 * MS)).as("capped").isTrue();

    replica.recordStatus(NodeStatus.standby(Lsn.of(2), 1), Duration.ZERO);
    assertThat(replica.failed()).isFalse();
    assertThat(replica.eligible(1, null)).isTrue();
    assertThat(replica.probeDue(now)).isTrue();
  }

  @Test
  void tracksReadsInFlightAndResponseTime() {
    ReplicaState replica = new ReplicaState("r:1");
    assertThat(replica.averageResponseNanos()).isEqualTo(-1);
    replica.readStarted();
    replica.readStarted();
    assertThat(replica.readsInFlight()).isEqualTo(2);
    replica.readFinished(1000);
    assertThat(replica.readsInFlight()).isEqualTo(1);
    assertThat(replica.averageResponseNanos()).isEqualTo(1000);
    replica.readFinished(2000);
    assertThat(replica.averageResponseNanos()).isEqualTo(1200);
  }
}
