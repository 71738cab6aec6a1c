package dev.cachet.driver.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaRouterTest {

  private final ReplicaState r1 = new ReplicaState("r1:1");
  private final ReplicaState r2 = new ReplicaState("r2:1");
  private final ReadYourWrites ryw = new ReadYourWrites();
  private final ReplicaRouter router =
      new ReplicaRouter(List.of(r1, r2), ReplicaSelector.roundRobin(), ryw, Duration.ofSeconds(5));

  @Test
  void noReplicaBeforeThePrimaryTimelineIsKnown() {
    r1.recordStatus(NodeStatus.standby(Lsn.of(100), 1), Duration.ZERO);
    assertThat(router.chooseFor(Set.of("t"))).isNull();
    router.primaryObserved(1);
    assertThat(router.chooseFor(Set.of("t"))).isSameAs(r1);
  }

  @Test
  void spreadsReadsOverEligibleReplicas() {
    router.primaryObserved(1);
    r1.recordStatus(NodeStatus.standby(Lsn.of(100), 1), Duration.ZERO);
    r2.recordStatus(NodeStatus.standby(Lsn.of(100), 1), Duration.ZERO);
    assertThat(List.of(router.chooseFor(Set.of("t")), router.chooseFor(Set.of("t")))).containsExactly(r1, r2);
  }

  @Test
  void onlyAReplicaThatReplayedTheWriteServesItsTable() {
    router.primaryObserved(1);
    r1.recordStatus(NodeStatus.standby(Lsn.of(100), 1), Duration.ZERO);
    r2.recordStatus(NodeStatus.standby(Lsn.of(300), 1), Duration.ZERO);
    ReadYourWrites.WriteTicket ticket = ryw.beginWrite(Set.of("orders"), false);
    assertThat(router.chooseFor(Set.of("orders"))).as("write unresolved: primary").isNull();
    ryw.committed(ticket, Lsn.of(200));
    for (int i = 0; i < 4; i++) {
      assertThat(router.chooseFor(Set.of("orders"))).isSameAs(r2);
    }
    assertThat(router.eligible(Lsn.ZERO)).containsExactly(r1, r2);
    assertThat(router.chooseForReadOnlyTransaction()).isSameAs(r2);
    r2.recordStatus(NodeStatus.standby(Lsn.of(300), 1), Duration.ofSeconds(6));
    assertThat(router.chooseFor(Set.of("orders"))).as("r2 beyond maxReplicaLag").isNull();
  }

  private ReplicaRouter stickyRouter() {
    ReplicaRouter sticky = new ReplicaRouter(List.of(r1, r2), ReplicaSelector.sticky(), ryw, Duration.ofSeconds(5));
    sticky.primaryObserved(1);
    return sticky;
  }

  @Test
  void stickyMovesAConnectionOffAReplicaThatLeftTheRotationAndKeepsItOnTheNewOne() {
    ReplicaRouter sticky = stickyRouter();
    r1.recordStatus(NodeStatus.standby(Lsn.of(100), 1), Duration.ZERO);
    r2.recordStatus(NodeStatus.standby(Lsn.of(100), 1), Duration.ZERO);
    ReplicaState last = sticky.chooseFor(Set.of("t"), null);
    assertThat(last).isSameAs(r1);
    for (int i = 0; i < 4; i++) {
      last = sticky.chooseFor(Set.of("t"), last);
      assertThat(last).isSameAs(r1);
    }
    r1.markFailed(0);
    last = sticky.chooseFor(Set.of("t"), last);
    assertThat(last).as("r1 failed").isSameAs(r2);
    r1.recordStatus(NodeStatus.standby(Lsn.of(100), 1), Duration.ZERO);
    for (int i = 0; i < 4; i++) {
      last = sticky.chooseFor(Set.of("t"), last);
      assertThat(last).as("r1 is back, the connection stays where it moved").isSameAs(r2);
    }
    r2.recordStatus(NodeStatus.standby(Lsn.of(100), 1), Duration.ofSeconds(6));
    last = sticky.chooseFor(Set.of("t"), last);
    assertThat(last).as("r2 beyond maxReplicaLag").isSameAs(r1);
    assertThat(sticky.chooseFor(Set.of("t"), last)).isSameAs(r1);
  }

  @Test
  void stickyNeverWeakensReadYourWrites() {
    ReplicaRouter sticky = stickyRouter();
    r1.recordStatus(NodeStatus.standby(Lsn.of(100), 1), Duration.ZERO);
    r2.recordStatus(NodeStatus.standby(Lsn.of(300), 1), Duration.ZERO);
    ReadYourWrites.WriteTicket ticket = ryw.beginWrite(Set.of("orders"), false);
    assertThat(sticky.chooseFor(Set.of("orders"), r1)).as("write unresolved: primary").isNull();
    assertThat(sticky.chooseFor(Set.of("customers"), r1)).as("other tables stay on r1").isSameAs(r1);
    ryw.committed(ticket, Lsn.of(200));
    assertThat(sticky.chooseFor(Set.of("orders"), r1)).as("r1 has not replayed the write").isSameAs(r2);
    assertThat(sticky.chooseFor(Set.of("orders", "customers"), r1)).isSameAs(r2);
    assertThat(sticky.chooseFor(Set.of("customers"), r1)).isSameAs(r1);
    r1.recordStatus(NodeStatus.standby(Lsn.of(250), 1), Duration.ZERO);
    assertThat(sticky.chooseFor(Set.of("orders"), r1)).as("r1 replayed it").isSameAs(r1);
    r2.recordStatus(NodeStatus.standby(Lsn.of(250), 1), Duration.ZERO);
    ReadYourWrites.WriteTicket later = ryw.beginWrite(Set.of("orders"), false);
    ryw.committed(later, Lsn.of(400));
    assertThat(sticky.chooseFor(Set.of("orders"), r1)).as("neither replayed it: primary").isNull();
    assertThat(sticky.chooseForReadOnlyTransaction()).isNull();
  }

  @Test
  void replicasOnAnotherTimelineLeaveTheRotation() {
    router.primaryObserved(2);
    r1.recordStatus(NodeStatus.standby(Lsn.of(100), 1), Duration.ZERO);
    r2.recordStatus(NodeStatus.standby(Lsn.of(100), 2), Duration.ZERO);
    assertThat(router.eligible(Lsn.ZERO)).containsExactly(r2);
  }

  @Test
  void theStrategyIsOfferedExactlyTheEligibleReplicasInConfiguredOrder() {
    for (int count : new int[] {3, 8, 9, 12}) { // up to 8 the subsets are listed once; beyond, built per choice
      List<ReplicaState> all = new java.util.ArrayList<>();
      for (int i = 0; i < count; i++) {
        all.add(new ReplicaState("r" + i + ":1"));
      }
      List<List<ReplicaState>> offered = new java.util.ArrayList<>();
      ReplicaRouter r = new ReplicaRouter(all, eligible -> {
        offered.add(List.copyOf(eligible));
        return eligible.get(eligible.size() - 1);
      }, new ReadYourWrites(), null);
      r.primaryObserved(1);
      java.util.Random random = new java.util.Random(count);
      for (int round = 0; round < 50; round++) {
        List<ReplicaState> expected = new java.util.ArrayList<>();
        for (ReplicaState state : all) {
          boolean healthy = random.nextBoolean();
          state.recordStatus(NodeStatus.standby(Lsn.of(100), healthy ? 1 : 2), Duration.ZERO);
          if (healthy) {
            expected.add(state);
          }
        }
        offered.clear();
        ReplicaState chosen = r.chooseFor(Set.of("t"));
        if (expected.isEmpty()) {
          assertThat(chosen).as("%d replicas, none eligible", count).isNull();
          assertThat(offered).isEmpty();
        } else {
          assertThat(offered).as("%d replicas", count).containsExactly(expected);
          assertThat(chosen).isSameAs(expected.get(expected.size() - 1));
        }
      }
    }
  }
}
