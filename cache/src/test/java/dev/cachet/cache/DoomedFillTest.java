package dev.cachet.cache;

import static dev.cachet.cache.TestResults.key;
import static dev.cachet.cache.TestResults.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fills doomed by an invalidation release their waiters at once, and are never waited on. */
class DoomedFillTest {

    private final TestResults.FakeTicker ticker = new TestResults.FakeTicker();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    private ResultCache cache(TableVersions versions) {
        return new ResultCache(CacheSettings.builder().ticker(ticker).executor(Runnable::run)
                .inFlightWait(Duration.ofSeconds(60)).build(), versions);
    }

    private ResultCache cache() {
        return cache(new LocalTableVersions());
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private CompletableFuture<MaterializedResult> waiter(ResultCache cache, QueryKey k) {
        CompletableFuture<MaterializedResult> w = CompletableFuture.supplyAsync(() -> cache.awaitInFlight(k), threads);
        ResultCacheTest.awaitWaiter(cache, k);
        return w;
    }

    @Test
    void anInvalidationReleasesTheWaitersOfAFillThatReadTheTable() throws Exception {
        ResultCache cache = cache();
        QueryKey k = key("Q");
        FillTicket t = cache.beginFill(k, Set.of("t", "u"), null);
        CompletableFuture<MaterializedResult> w = waiter(cache, k);
        cache.invalidate(List.of("u"));
        // the filler has not finished: the waiter is released by the invalidation itself
        assertThat(w.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(t.isFinished()).isTrue();
        assertThat(cache.isInFlight(k)).isFalse();
        assertThat(cache.complete(t, longs(1, 1))).as("the doomed fill is not stored").isFalse();
        assertThat(cache.get(k)).isNull();
        assertThat(cache.statistics().fillsDroppedStale()).isEqualTo(1);
    }

    @Test
    void invalidateAllReleasesEveryWaiter() throws Exception {
        ResultCache cache = cache();
        QueryKey a = key("A");
        QueryKey b = key("B");
        cache.beginFill(a, Set.of("t"), null);
        cache.beginFill(b, Set.of(), null);
        CompletableFuture<MaterializedResult> wa = waiter(cache, a);
        CompletableFuture<MaterializedResult> wb = waiter(cache, b);
        cache.invalidateAll();
        assertThat(wa.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(wb.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(cache.statistics().fillsDroppedStale()).isEqualTo(2);
    }

    @Test
    void anInvalidationOfAnotherTableLeavesTheWaitersWaiting() throws Exception {
        ResultCache cache = cache();
        QueryKey k = key("Q");
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        CompletableFuture<MaterializedResult> w = waiter(cache, k);
        cache.invalidate(List.of("other"));
        assertThat(w).isNotDone();
        MaterializedResult r = longs(7, 1);
        assertThat(cache.complete(t, r)).isTrue();
        assertThat(w.get(10, TimeUnit.SECONDS)).isSameAs(r);
    }

    @Test
    void releasedWaitersStartOneNewFillNotOneEach() throws Exception {
        ResultCache cache = cache();
        QueryKey k = key("Q");
        cache.beginFill(k, Set.of("t"), null);
        CompletableFuture<MaterializedResult> w1 = waiter(cache, k);
        CompletableFuture<MaterializedResult> w2 = CompletableFuture.supplyAsync(() -> cache.awaitInFlight(k), threads);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                .until(() -> cache.inFlightOutcome(k).getNumberOfDependents() > 1);
        cache.invalidate(List.of("t"));
        assertThat(w1.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(w2.get(10, TimeUnit.SECONDS)).isNull();
        FillTicket first = cache.beginFill(k, Set.of("t"), null);
        assertThat(first).as("one released miss becomes the new filler").isNotNull();
        assertThat(cache.beginFill(k, Set.of("t"), null)).as("the other runs uncached").isNull();
        MaterializedResult r = longs(2, 1);
        assertThat(cache.complete(first, r)).isTrue();
        assertThat(cache.get(k)).isSameAs(r);
    }

    @Test
    void aFillOlderThanTheWaitIsTakenOver() {
        ResultCache cache = cache();
        QueryKey k = key("Q");
        FillTicket leaked = cache.beginFill(k, Set.of("t"), null);
        ticker.advance(Duration.ofSeconds(61));
        FillTicket next = cache.beginFill(k, Set.of("t"), null);
        assertThat(next).isNotNull();
        assertThat(cache.inFlightOutcome(k)).isSameAs(next.outcome);
        assertThat(leaked.isFinished()).isFalse();
    }

    /** Versions whose stamp pauses until released: a fill stamps before an invalidation, registers after. */
    private static final class PausingVersions implements TableVersions {
        final LocalTableVersions real = new LocalTableVersions();
        final CountDownLatch stamped = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        volatile boolean pause;

        @Override
        public VersionStamp stamp(Collection<String> tables) {
            VersionStamp s = real.stamp(tables);
            if (pause) {
                pause = false;
                stamped.countDown();
                try {
                    assertThat(resume.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return s;
        }

        @Override
        public void advance(Collection<String> tables) {
            real.advance(tables);
        }

        @Override
        public void advanceAll() {
            real.advanceAll();
        }

        @Override
        public long version(String table) {
            return real.version(table);
        }
    }

    @Test
    void aWaiterNeverStartsWaitingOnAFillAlreadyStale() throws Exception {
        PausingVersions versions = new PausingVersions();
        ResultCache cache = cache(versions);
        QueryKey k = key("Q");
        versions.pause = true;
        CompletableFuture<FillTicket> filler =
                CompletableFuture.supplyAsync(() -> cache.beginFill(k, Set.of("t"), null), threads);
        assertThat(versions.stamped.await(30, TimeUnit.SECONDS)).isTrue();
        cache.invalidate(List.of("t")); // nothing registered yet: nothing to release
        versions.resume.countDown();
        FillTicket stale = filler.get(30, TimeUnit.SECONDS);
        assertThat(cache.isInFlight(k)).as("registered after the invalidation").isTrue();
        // the wait is 60 s: returning at all within 10 s shows it did not wait
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> cache.awaitInFlight(k))).isNull();
        assertThat(cache.isInFlight(k)).isFalse();
        FillTicket fresh = cache.beginFill(k, Set.of("t"), null);
        assertThat(fresh).isNotNull();
        assertThat(cache.complete(stale, longs(1, 1))).isFalse();
        assertThat(cache.complete(fresh, longs(2, 1))).isTrue();
    }

    @Test
    void aStaleRegisteredFillIsTakenOverByTheNextFill() throws Exception {
        PausingVersions versions = new PausingVersions();
        ResultCache cache = cache(versions);
        QueryKey k = key("Q");
        versions.pause = true;
        CompletableFuture<FillTicket> filler =
                CompletableFuture.supplyAsync(() -> cache.beginFill(k, Set.of("t"), null), threads);
        assertThat(versions.stamped.await(30, TimeUnit.SECONDS)).isTrue();
        cache.invalidate(List.of("t"));
        versions.resume.countDown();
        filler.get(30, TimeUnit.SECONDS);
        FillTicket fresh = cache.beginFill(k, Set.of("t"), null);
        assertThat(fresh).as("a stale fill in flight does not stop a fresh one").isNotNull();
        assertThat(cache.inFlightOutcome(k)).isSameAs(fresh.outcome);
    }

    @Test
    void aTeeWhoseFillWasDroppedStopsCopying() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:doomed");
                Statement s = c.createStatement()) {
            ResultCache cache = cache();
            String sql = "SELECT X FROM SYSTEM_RANGE(1, 3)";
            QueryKey k = key(sql);
            FillTicket t = cache.beginFill(k, Set.of("t"), null);
            try (ResultSet rs = ResultTee.wrap(s.executeQuery(sql), s, t, cache, ValueProfile.standard())) {
                assertThat(rs.next()).isTrue();
                assertThat(((ResultTee) rs).isCopying()).isTrue();
                cache.invalidate(List.of("t"));
                assertThat(rs.next()).isTrue();
                assertThat(((ResultTee) rs).isCopying()).isFalse();
                assertThat(rs.getLong(1)).as("the application still reads the real rows").isEqualTo(2);
                assertThat(rs.next()).isTrue();
                assertThat(rs.next()).isFalse();
            }
            assertThat(cache.get(k)).isNull();
            assertThat(cache.statistics().fillsDroppedStale()).isEqualTo(1);
            assertThat(cache.statistics().fillsAbandoned()).isZero();
        }
    }
}
