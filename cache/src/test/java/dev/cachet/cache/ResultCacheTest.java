package dev.cachet.cache;

import static dev.cachet.cache.TestResults.key;
import static dev.cachet.cache.TestResults.longs;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResultCacheTest {

    private final TestResults.FakeTicker ticker = new TestResults.FakeTicker();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    private ResultCache cache(CacheSettings.Builder b) {
        return new ResultCache(b.ticker(ticker).executor(Runnable::run).build());
    }

    private ResultCache cache() {
        return cache(CacheSettings.builder());
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void storesAndServesAFill() {
        ResultCache cache = cache();
        QueryKey k = key("SELECT V FROM T WHERE ID = ?", 1);
        assertThat(cache.get(k)).isNull();
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        MaterializedResult r = longs(7, 3);
        assertThat(cache.complete(t, r)).isTrue();
        assertThat(cache.get(key("SELECT V FROM T WHERE ID = ?", 1))).isSameAs(r);
        assertThat(cache.get(key("SELECT V FROM T WHERE ID = ?", 2))).isNull();
        CacheStatistics s = cache.statistics();
        assertThat(s.hits()).isEqualTo(1);
        assertThat(s.misses()).isEqualTo(2);
        assertThat(s.fills()).isEqualTo(1);
        assertThat(s.entries()).isEqualTo(1);
        assertThat(s.bytes()).isGreaterThanOrEqualTo(r.estimatedBytes());
        assertThat(s.toString()).contains("hits=1", "fills=1");
    }

    @Test
    void invalidationRemovesEntriesOfTheTablesAtOnce() {
        ResultCache cache = cache();
        QueryKey a = key("A");
        QueryKey b = key("B");
        QueryKey ab = key("AB");
        cache.complete(cache.beginFill(a, Set.of("a"), null), longs(1, 1));
        cache.complete(cache.beginFill(b, Set.of("b"), null), longs(2, 1));
        cache.complete(cache.beginFill(ab, Set.of("a", "b"), null), longs(3, 1));
        long before = cache.statistics().bytes();
        cache.invalidate(List.of("a"));
        assertThat(cache.get(a)).isNull();
        assertThat(cache.get(ab)).isNull();
        assertThat(cache.get(b)).isNotNull();
        CacheStatistics s = cache.statistics();
        assertThat(s.entries()).isEqualTo(1);
        assertThat(s.bytes()).isLessThan(before);
        assertThat(s.evictionsInvalidated()).isEqualTo(2);
        assertThat(s.invalidations()).isEqualTo(1);
        cache.invalidateAll();
        assertThat(cache.get(b)).isNull();
        assertThat(cache.statistics().entries()).isZero();
    }

    @Test
    void aFillWhoseTableMovedIsDropped() {
        ResultCache cache = cache();
        QueryKey k = key("Q");
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        cache.invalidate(List.of("t"));
        assertThat(cache.complete(t, longs(1, 1))).isFalse();
        assertThat(cache.get(k)).isNull();
        assertThat(cache.statistics().fillsDroppedStale()).isEqualTo(1);
        FillTicket t2 = cache.beginFill(k, Set.of("t"), null);
        cache.invalidateAll();
        assertThat(cache.complete(t2, longs(1, 1))).isFalse();
        assertThat(cache.statistics().fillsDroppedStale()).isEqualTo(2);
        // a write to another table does not matter
        FillTicket t3 = cache.beginFill(k, Set.of("t"), null);
        cache.invalidate(List.of("other"));
        assertThat(cache.complete(t3, longs(1, 1))).isTrue();
    }

    @Test
    void entriesExpireAfterTheirOwnTtl() {
        ResultCache cache = cache(CacheSettings.builder().defaultTtl(Duration.ofMinutes(1)));
        QueryKey shortLived = key("S");
        QueryKey byDefault = key("D");
        cache.complete(cache.beginFill(shortLived, Set.of("t"), Duration.ofSeconds(10)), longs(1, 1));
        cache.complete(cache.beginFill(byDefault, Set.of("t"), null), longs(1, 1));
        ticker.advance(Duration.ofSeconds(11));
        assertThat(cache.get(shortLived)).isNull();
        assertThat(cache.get(byDefault)).isNotNull();
        ticker.advance(Duration.ofSeconds(50));
        assertThat(cache.get(byDefault)).isNull();
        cache.cleanUp();
        assertThat(cache.statistics().evictionsExpired()).isEqualTo(2);
        assertThat(cache.statistics().entries()).isZero();
        assertThat(cache.beginFill(key("Z"), Set.of("t"), Duration.ZERO)).as("TTL 0 = do not cache").isNull();
    }

    /**
     * Caffeine's expiry over a {@link PublishedClock} stepped by hand: an entry lives by the published time, never
     * past it, and a clock switched off hands expiry back to the system clock.
     */
    @Test
    void entriesExpireByThePublishedTime() {
        AtomicLong hits = new AtomicLong();
        // behind the system clock, as a published time is
        AtomicLong now = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(2));
        PublishedClock clock = new PublishedClock(hits::get, now::get);
        ResultCache cache = new ResultCache(CacheSettings.builder().ticker(clock).executor(Runnable::run).build());
        clock.tick();
        hits.addAndGet(PublishedClock.ON_PER_SECOND);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertThat(clock.tick()).isTrue();

        QueryKey shortLived = key("S");
        cache.complete(cache.beginFill(shortLived, Set.of("t"), Duration.ofMillis(200)), longs(1, 1));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(150));
        clock.tick();
        assertThat(cache.get(shortLived)).as("150 ms of its 200 by the published time").isNotNull();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        clock.tick();
        assertThat(cache.get(shortLived)).as("250 ms").isNull();

        QueryKey other = key("O");
        cache.complete(cache.beginFill(other, Set.of("t"), Duration.ofMillis(200)), longs(1, 1));
        clock.stop();
        // the system clock, which the published time never leads: 200 ms from the published time of the store
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> cache.get(other) == null);
    }

    @Test
    void theByteBoundHolds() {
        long maxBytes = 50_000;
        ResultCache cache = cache(CacheSettings.builder().maxBytes(maxBytes));
        for (int i = 0; i < 500; i++) {
            cache.complete(cache.beginFill(key("Q" + i), Set.of("t"), null), longs(1000 + i, 20));
        }
        cache.cleanUp();
        CacheStatistics s = cache.statistics();
        assertThat(s.bytes()).isLessThanOrEqualTo(maxBytes).isGreaterThan(maxBytes / 4);
        assertThat(s.evictionsSize()).isGreaterThan(0);
        assertThat(s.fills()).isEqualTo(500);
    }

    @Test
    void aResultOverThePerEntryCapsIsNotStored() {
        ResultCache cache = cache(CacheSettings.builder().maxBytesPerEntry(300).maxRowsPerEntry(100));
        QueryKey k = key("BIG");
        assertThat(cache.complete(cache.beginFill(k, Set.of("t"), null), longs(123456, 90))).isFalse();
        assertThat(cache.complete(cache.beginFill(k, Set.of("t"), null), longs(1, 101))).isFalse();
        assertThat(cache.get(k)).isNull();
        assertThat(cache.statistics().fillsAbandonedOverCaps()).isEqualTo(2);
    }

    @Test
    void anOpenTransactionBlocksFillsOfItsTablesUntilItEnds() {
        ResultCache cache = cache(CacheSettings.builder().transactionBlockTimeout(Duration.ofMinutes(5)));
        Object tx = new Object();
        cache.blockTables(tx, List.of("orders"));
        assertThat(cache.isBlocked("orders")).isTrue();
        assertThat(cache.isBlocked("customers")).isFalse();
        assertThat(cache.beginFill(key("Q"), Set.of("customers", "orders"), null)).isNull();
        assertThat(cache.beginFill(key("C"), Set.of("customers"), null)).isNotNull();
        assertThat(cache.statistics().fillsBlocked()).isEqualTo(1);
        cache.releaseBlocks(tx);
        assertThat(cache.isBlocked("orders")).isFalse();
        assertThat(cache.beginFill(key("Q"), Set.of("customers", "orders"), null)).isNotNull();
    }

    @Test
    void aFillBegunBeforeABlockIsNotStoredWhileBlocked() {
        ResultCache cache = cache();
        FillTicket t = cache.beginFill(key("Q"), Set.of("orders"), null);
        cache.blockTables("tx", List.of("orders"));
        assertThat(cache.complete(t, longs(1, 1))).isFalse();
    }

    @Test
    void aLeakedTransactionsBlockLapsesAfterTheTimeoutFromItsLastWrite() {
        ResultCache cache = cache(CacheSettings.builder().transactionBlockTimeout(Duration.ofMinutes(5)));
        Object leaked = new Object();
        cache.blockTables(leaked, List.of("orders"));
        ticker.advance(Duration.ofMinutes(4));
        cache.blockTables(leaked, List.of("lines"));
        ticker.advance(Duration.ofMinutes(4));
        assertThat(cache.isBlocked("orders")).as("extended by the second write").isTrue();
        ticker.advance(Duration.ofMinutes(1));
        assertThat(cache.isBlocked("orders")).isFalse();
        assertThat(cache.isBlocked("lines")).isFalse();
        assertThat(cache.beginFill(key("Q"), Set.of("orders"), null)).isNotNull();
    }

    @Test
    void concurrentMissesWaitForTheFirstFiller() throws Exception {
        ResultCache cache = cache(CacheSettings.builder().inFlightWait(Duration.ofSeconds(30)));
        QueryKey k = key("Q");
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        assertThat(cache.isInFlight(k)).isTrue();
        CompletableFuture<MaterializedResult> waiter =
                CompletableFuture.supplyAsync(() -> cache.awaitInFlight(k), threads);
        awaitWaiter(cache, k);
        MaterializedResult r = longs(5, 1);
        cache.complete(t, r);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isSameAs(r);
        assertThat(cache.isInFlight(k)).isFalse();
        assertThat(cache.awaitInFlight(k)).as("nothing in flight: no wait").isNull();
    }

    @Test
    void anAbandonedFillReleasesItsWaiters() throws Exception {
        ResultCache cache = cache(CacheSettings.builder().inFlightWait(Duration.ofSeconds(30)));
        QueryKey k = key("Q");
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        CompletableFuture<MaterializedResult> waiter =
                CompletableFuture.supplyAsync(() -> cache.awaitInFlight(k), threads);
        awaitWaiter(cache, k);
        cache.abandon(t);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(cache.statistics().fillsAbandoned()).isEqualTo(1);
    }

    @Test
    void aSlowFillerIsWaitedForOnlyBoundedly() {
        ResultCache cache = cache(CacheSettings.builder().inFlightWait(Duration.ofMillis(20)));
        QueryKey k = key("Q");
        FillTicket slow = cache.beginFill(k, Set.of("t"), null);
        assertThat(cache.awaitInFlight(k)).isNull();
        assertThat(cache.isInFlight(k)).as("later misses no longer wait for it").isFalse();
        // the slow filler may still store its result
        assertThat(cache.complete(slow, longs(1, 1))).isTrue();
    }

    @Test
    void aStaleFillGivesItsWaitersNothing() throws Exception {
        ResultCache cache = cache(CacheSettings.builder().inFlightWait(Duration.ofSeconds(30)));
        QueryKey k = key("Q");
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        CompletableFuture<MaterializedResult> waiter =
                CompletableFuture.supplyAsync(() -> cache.awaitInFlight(k), threads);
        awaitWaiter(cache, k);
        cache.invalidate(List.of("t"));
        cache.complete(t, longs(1, 1));
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isNull();
    }

    /** Polls (with a deadline) until a thread is blocked waiting for the in-flight fill of {@code k}. */
    static void awaitWaiter(ResultCache cache, QueryKey k) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                .until(() -> cache.inFlightOutcome(k).getNumberOfDependents() > 0);
    }

    @Test
    void versionsAreCountedPerTable() {
        LocalTableVersions v = new LocalTableVersions();
        VersionStamp s = v.stamp(List.of("a", "b"));
        assertThat(s.isCurrent()).isTrue();
        v.advance(List.of("c"));
        assertThat(s.isCurrent()).isTrue();
        v.advance(List.of("b"));
        assertThat(s.isCurrent()).isFalse();
        assertThat(v.version("b")).isEqualTo(1);
        VersionStamp s2 = v.stamp(List.of());
        v.advanceAll();
        assertThat(s2.isCurrent()).isFalse();
    }
}
