package dev.cachet.driver.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LagEstimatorTest {

  private static final long S = 1_000_000_000L;

  @Test
  void unknownBeforeTheFirstSample() {
    assertThat(new LagEstimator(8).lagOf(Lsn.ZERO, 0)).isNull();
  }

  @Test
  void idlePrimaryMeansNoLagHoweverLongAgoTheLastWrite() {
    LagEstimator lag = new LagEstimator(8);
    for (int t = 0; t <= 3600; t += 10) {
      lag.record(t * S, Lsn.of(500));
    }
    assertThat(lag.lagOf(Lsn.of(500), 3600 * S)).isEqualTo(Duration.ZERO);
  }

  @Test
  void lagIsTimeSinceThePrimaryLastStoodAtOrBeforeTheReplayedPosition() {
    LagEstimator lag = new LagEstimator(8);
    lag.record(0, Lsn.of(100));
    lag.record(1 * S, Lsn.of(200));
    lag.record(2 * S, Lsn.of(300));
    lag.record(3 * S, Lsn.of(400));
    // Replayed 250: the primary stood at 200 (<= 250) at t=1s and was past it by t=2s: conservative 1s-based.
    assertThat(lag.lagOf(Lsn.of(250), 3 * S)).isEqualTo(Duration.ofSeconds(2));
    assertThat(lag.lagOf(Lsn.of(300), 3 * S + S / 2)).isEqualTo(Duration.ofMillis(1500));
    assertThat(lag.lagOf(Lsn.of(400), 10 * S)).isEqualTo(Duration.ZERO);
    assertThat(lag.lagOf(Lsn.of(100), 3 * S)).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aRunAtOnePositionKeepsItsLatestTime() {
    LagEstimator lag = new LagEstimator(4);
    lag.record(0, Lsn.of(100));
    lag.record(50 * S, Lsn.of(100));
    lag.record(51 * S, Lsn.of(200));
    // The primary was still at 100 at t=50s, so a replica at 100 lags by 10s at t=60s, not 60s.
    assertThat(lag.lagOf(Lsn.of(100), 60 * S)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aReplicaOlderThanTheWholeHistoryLagsAtLeastTheHistory() {
    LagEstimator lag = new LagEstimator(3);
    for (int i = 1; i <= 10; i++) {
      lag.record(i * S, Lsn.of(i * 100L));
    }
    // Kept: 800@8s, 900@9s, 1000@10s.
    assertThat(lag.lagOf(Lsn.of(150), 12 * S)).isEqualTo(Duration.ofSeconds(4));
    assertThat(lag.latestPrimaryPosition()).isEqualTo(Lsn.of(1000));
  }

  @Test
  void aPositionGoingBackwardsStartsAFreshHistory() {
    LagEstimator lag = new LagEstimator(8);
    lag.record(0, Lsn.of(1000));
    lag.record(1 * S, Lsn.of(2000));
    lag.record(2 * S, Lsn.of(50));
    assertThat(lag.latestPrimaryPosition()).isEqualTo(Lsn.of(50));
    assertThat(lag.lagOf(Lsn.of(50), 3 * S)).isEqualTo(Duration.ZERO);
    assertThat(lag.lagOf(Lsn.of(10), 3 * S)).isEqualTo(Duration.ofSeconds(1));
  }
}
