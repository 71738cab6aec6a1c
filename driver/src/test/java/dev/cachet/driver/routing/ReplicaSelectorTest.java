package dev.cachet.driver.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaSelectorTest {

  private final ReplicaState a = new ReplicaState("a:1");
  private final ReplicaState b = new ReplicaState("b:1");
  private final List<ReplicaState> both = List.of(a, b);

  @Test
  void roundRobinTakesEachInTurn() {
    ReplicaSelector selector = ReplicaSelector.roundRobin();
    List<ReplicaState> picked = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      picked.add(selector.select(both));
    }
    assertThat(picked).containsExactly(a, b, a, b);
    assertThat(selector.select(List.of(b))).isSameAs(b);
  }

  @Test
  void randomReachesEveryReplica() {
    ReplicaSelector selector = ReplicaSelector.random();
    Set<ReplicaState> seen = new HashSet<>();
    for (int i = 0; i < 200 && seen.size() < 2; i++) {
      seen.add(selector.select(both));
    }
    assertThat(seen).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void leastConnectionsPrefersTheIdleReplicaAndRotatesTies() {
    ReplicaSelector selector = ReplicaSelector.leastConnections();
    a.readStarted();
    assertThat(selector.select(both)).isSameAs(b);
    assertThat(selector.select(both)).isSameAs(b);
    b.readStarted();
    Set<ReplicaState> seen = new HashSet<>();
    seen.add(selector.select(both));
    seen.add(selector.select(both));
    assertThat(seen).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void fastestResponseMeasuresEachThenPrefersTheFaster() {
    ReplicaSelector selector = ReplicaSelector.fastestResponse();
    a.readStarted();
    a.readFinished(5_000_000);
    assertThat(selector.select(both)).as("unmeasured first").isSameAs(b);
    b.readStarted();
    b.readFinished(1_000_000);
    for (int i = 0; i < 4; i++) {
      assertThat(selector.select(both)).isSameAs(b);
    }
  }

  @Test
  void stickyKeepsThePreviousReplicaWhileEligibleElseTakesTheNextInTurn() {
    ReplicaSelector selector = ReplicaSelector.sticky();
    for (int i = 0; i < 4; i++) {
      assertThat(selector.select(both, b)).isSameAs(b);
    }
    assertThat(selector.select(List.of(a), b)).as("b not eligible").isSameAs(a);
    List<ReplicaState> fresh = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      fresh.add(selector.select(both, null));
    }
    assertThat(fresh).as("connections without a previous replica spread in turn").containsExactly(b, a, b, a);
    assertThat(ReplicaSelector.roundRobin().select(both, b)).as("only sticky uses the previous replica").isSameAs(a);
  }

  @Test
  void namesFollowTheSettingsSpelling() {
    assertThat(ReplicaSelector.forName("Round-Robin").select(both)).isSameAs(a);
    assertThat(ReplicaSelector.forName("LEAST_CONNECTIONS")).isNotNull();
    assertThat(ReplicaSelector.forName("fastest-response")).isNotNull();
    assertThat(ReplicaSelector.forName(" random ")).isNotNull();
    assertThat(ReplicaSelector.forName("STICKY").select(both, b)).isSameAs(b);
    assertThatThrownBy(() -> ReplicaSelector.forName("nearest"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("round-robin");
  }
}
