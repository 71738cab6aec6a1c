package dev.cachet.driver.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadYourWritesTest {

  private final ReadYourWrites ryw = new ReadYourWrites();

  @Test
  void nothingRequiredBeforeAnyWrite() {
    assertThat(ryw.requiredPosition(List.of("orders"))).isEqualTo(Lsn.ZERO);
    assertThat(ryw.requiredPositionForAll()).isEqualTo(Lsn.ZERO);
  }

  @Test
  void aWriteInFlightPinsItsTablesToThePrimaryThenRequiresThePositionSampledAfterCommit() {
    ReadYourWrites.WriteTicket ticket = ryw.beginWrite(Set.of("orders"), false);
    assertThat(ryw.requiredPosition(List.of("orders"))).isEqualTo(Lsn.MAX);
    assertThat(ryw.requiredPosition(List.of("customers"))).isEqualTo(Lsn.ZERO);
    assertThat(ryw.requiredPositionForAll()).isEqualTo(Lsn.MAX);

    ryw.committed(ticket, Lsn.of(500));
    assertThat(ryw.requiredPosition(List.of("orders", "customers"))).isEqualTo(Lsn.of(500));
    assertThat(ryw.requiredPositionForAll()).isEqualTo(Lsn.of(500));

    ryw.committed(ryw.beginWrite(Set.of("orders"), false), Lsn.of(400));
    assertThat(ryw.requiredPosition(List.of("orders"))).as("never moves back").isEqualTo(Lsn.of(500));
  }

  @Test
  void anAbandonedWriteRequiresNothing() {
    ReadYourWrites.WriteTicket ticket = ryw.beginWrite(Set.of("orders"), false);
    ryw.abandoned(ticket);
    assertThat(ryw.requiredPosition(List.of("orders"))).isEqualTo(Lsn.ZERO);
    assertThatThrownBy(() -> ryw.committed(ticket, Lsn.of(1))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void overlappingWritesStayPinnedUntilBothResolve() {
    ReadYourWrites.WriteTicket first = ryw.beginWrite(Set.of("orders"), false);
    ReadYourWrites.WriteTicket second = ryw.beginWrite(Set.of("orders"), false);
    ryw.committed(first, Lsn.of(100));
    assertThat(ryw.requiredPosition(List.of("orders"))).isEqualTo(Lsn.MAX);
    ryw.committed(second, Lsn.of(200));
    assertThat(ryw.requiredPosition(List.of("orders"))).isEqualTo(Lsn.of(200));
  }

  @Test
  void aWriteToEveryTableConstrainsEveryRead() {
    ReadYourWrites.WriteTicket ticket = ryw.beginWrite(Set.of(), true);
    assertThat(ryw.requiredPosition(List.of("anything"))).isEqualTo(Lsn.MAX);
    ryw.committed(ticket, Lsn.of(700));
    assertThat(ryw.requiredPosition(List.of("anything"))).isEqualTo(Lsn.of(700));
    assertThat(ryw.requiredPosition(List.of())).isEqualTo(Lsn.of(700));
  }

  @Test
  void anUnsampledCommitWaitsForAPrimarySampleThatStartedAfterIt() {
    ReadYourWrites.WriteTicket ticket = ryw.beginWrite(Set.of("orders"), false);
    ryw.committedUnsampled(ticket, 1_000);
    ryw.primarySampled(Lsn.of(300), 999);
    assertThat(ryw.requiredPosition(List.of("orders"))).as("sample started before the commit").isEqualTo(Lsn.MAX);
    ryw.primarySampled(Lsn.of(300), 1_000);
    assertThat(ryw.requiredPosition(List.of("orders"))).as("same instant proves nothing").isEqualTo(Lsn.MAX);
    ryw.primarySampled(Lsn.of(350), 1_001);
    assertThat(ryw.requiredPosition(List.of("orders"))).isEqualTo(Lsn.of(350));
  }

  @Test
  void aSampleReportsTheTablesItFreedNotThoseAnotherWriteStillHolds() {
    ReadYourWrites.WriteTicket orders = ryw.beginWrite(Set.of("orders"), false);
    ReadYourWrites.WriteTicket products = ryw.beginWrite(Set.of("products"), false);
    ryw.committedUnsampled(orders, 1_000);
    ryw.committedUnsampled(products, 1_000);
    ReadYourWrites.WriteTicket next = ryw.beginWrite(Set.of("products"), false);
    assertThat(ryw.primarySampled(Lsn.of(400), 1_001)).as("orders freed; products held by the next write").isEqualTo(1);
    assertThat(ryw.requiredPosition(List.of("products"))).isEqualTo(Lsn.MAX);
    ryw.committedUnsampled(next, 2_000);
    assertThat(ryw.primarySampled(Lsn.of(500), 1_500)).as("started before the commit").isZero();
    assertThat(ryw.primarySampled(Lsn.of(500), 2_001)).isEqualTo(1);
    assertThat(ryw.requiredPosition(List.of("products"))).isEqualTo(Lsn.of(500));
  }

  @Test
  void anOutcomeReportedAfterAResetNeverResolvesAWriteBegunSince() {
    ReadYourWrites.WriteTicket before = ryw.beginWrite(Set.of("orders"), false);
    ReadYourWrites.WriteTicket unsampled = ryw.beginWrite(Set.of("orders"), false);
    ryw.reset(); // a failover
    ReadYourWrites.WriteTicket after = ryw.beginWrite(Set.of("orders"), false);
    ryw.committed(before, Lsn.of(5));
    ryw.abandoned(unsampled);
    assertThat(ryw.requiredPosition(List.of("orders"))).as("the write begun after the reset is unresolved")
        .isEqualTo(Lsn.MAX);
    ryw.committed(after, Lsn.of(9));
    assertThat(ryw.requiredPosition(List.of("orders"))).isEqualTo(Lsn.of(9));
  }

  @Test
  void resetForgetsEverythingAndLateOutcomesAreHarmless() {
    ReadYourWrites.WriteTicket ticket = ryw.beginWrite(Set.of("orders"), false);
    ryw.reset();
    assertThat(ryw.requiredPosition(List.of("orders"))).isEqualTo(Lsn.ZERO);
    ryw.committed(ticket, Lsn.of(5));
    assertThat(ryw.requiredPosition(List.of("orders"))).isEqualTo(Lsn.ZERO);
  }

  @Test
  void aReaderThatStartsAfterCommitReturnedNeverSeesAnOlderRequirement() throws Exception {
    // Writers publish increasing positions; a reader that observes a writer's "returned" counter afterwards must
    // see a requirement at least that high (or MAX while another write is unresolved).
    AtomicLong lastReturned = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<?> writer = pool.submit(() -> {
        start.await();
        for (long i = 1; i <= 20_000; i++) {
          ReadYourWrites.WriteTicket t = ryw.beginWrite(Set.of("t"), false);
          ryw.committed(t, Lsn.of(i));
          lastReturned.set(i);
        }
        return null;
      });
      Future<Long> reader = pool.submit(() -> {
        start.await();
        long violations = 0;
        while (!writer.isDone()) {
          long returned = lastReturned.get();
          Lsn required = ryw.requiredPosition(List.of("t"));
          if (!required.isAtLeast(Lsn.of(returned))) {
            violations++;
          }
        }
        return violations;
      });
      start.countDown();
      writer.get(30, TimeUnit.SECONDS);
      assertThat(reader.get(30, TimeUnit.SECONDS)).isZero();
    } finally {
      pool.shutdownNow();
    }
  }
}
