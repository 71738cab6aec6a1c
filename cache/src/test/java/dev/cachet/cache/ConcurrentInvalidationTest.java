package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many threads fill, invalidate and read at once. Each table's "data" is a counter a writer bumps
 * (the commit) before invalidating; each fill stores the counter value its "query" read. After
 * {@code invalidate(t)} has returned for value v, no look-up may return a value older than v.
 */
class ConcurrentInvalidationTest {

    private static final int TABLES = 3;
    private static final int KEYS_PER_TABLE = 4;
    private static final int THREADS = 6;
    private static final int ITERATIONS = 20_000;

    @Test
    void noLookupReturnsDataOlderThanACompletedInvalidation() throws Exception {
        ResultCache cache = new ResultCache(CacheSettings.builder().maxBytes(200_000)
                .inFlightWait(Duration.ofMillis(50)).build());
        AtomicLong[] data = new AtomicLong[TABLES];
        AtomicLong[] invalidatedAt = new AtomicLong[TABLES];
        for (int t = 0; t < TABLES; t++) {
            data[t] = new AtomicLong();
            invalidatedAt[t] = new AtomicLong();
        }
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        Future<?>[] workers = new Future<?>[THREADS];
        for (int w = 0; w < THREADS; w++) {
            workers[w] = pool.submit(() -> {
                start.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < ITERATIONS; i++) {
                    int t = random.nextInt(TABLES);
                    String table = "t" + t;
                    int op = random.nextInt(100);
                    if (op < 10) {
                        long v = data[t].incrementAndGet(); // the write commits
                        cache.invalidate(List.of(table));
                        invalidatedAt[t].accumulateAndGet(v, Math::max);
                    } else if (op == 10 && random.nextInt(20) == 0) {
                        long[] floors = new long[TABLES];
                        for (int x = 0; x < TABLES; x++) {
                            floors[x] = data[x].get();
                        }
                        cache.invalidateAll();
                        for (int x = 0; x < TABLES; x++) {
                            invalidatedAt[x].accumulateAndGet(floors[x], Math::max);
                        }
                    } else {
                        QueryKey key = QueryKey.of(TestResults.SESSION, "SELECT V FROM " + table + " WHERE K = ?",
                                new Object[] {random.nextInt(KEYS_PER_TABLE)}, null, 0, ResultSet.TYPE_FORWARD_ONLY);
                        long floor = invalidatedAt[t].get();
                        MaterializedResult hit = cache.get(key);
                        if (hit == null) {
                            hit = cache.awaitInFlight(key);
                        }
                        if (hit != null) {
                            long seen = valueOf(hit);
                            if (seen < floor) {
                                violations.add("read " + seen + " after invalidation at " + floor + " of " + table);
                            }
                            continue;
                        }
                        FillTicket ticket = cache.beginFill(key, Set.of(table), null);
                        long read = data[t].get(); // the query runs after the stamp
                        if (ticket != null) {
                            cache.complete(ticket, TestResults.longs(read, 1));
                        }
                    }
                }
                return null;
            });
        }
        start.countDown();
        for (Future<?> f : workers) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        CacheStatistics s = cache.statistics();
        assertThat(violations).isEmpty();
        assertThat(s.hits()).as("the cache was used: %s", s).isGreaterThan(1000);
        assertThat(s.fills()).isGreaterThan(100);
        assertThat(s.invalidations()).isGreaterThan(1000);
        cache.cleanUp();
        assertThat(cache.statistics().bytes()).isLessThanOrEqualTo(200_000);
    }

    private static long valueOf(MaterializedResult r) throws java.sql.SQLException {
        ResultSet rs = r.toResultSet(null);
        rs.next();
        return rs.getLong(1);
    }
}
