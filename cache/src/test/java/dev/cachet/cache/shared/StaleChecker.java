package dev.cachet.cache.shared;

import dev.cachet.cache.FillTicket;
import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultCache;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Readers and writers in several application instances over one "database" (a counter per key), checking the
 * guarantee: a read that starts after a write's commit returned never sees a value from before it. A write
 * "commits" (the counter moves), invalidates through its instance's cache (which bumps the shared versions), and
 * only then "returns"; a miss "queries" the counter after its fill began. Any exception reaching a reader or writer
 * is recorded: the shared tier must never throw.
 */
final class StaleChecker {

    static final Set<String> TABLES = Set.of("products");

    private final List<ResultCache> caches;
    private final int keys;
    private final AtomicLong[] database;
    private final AtomicLong[] committed;
    /** When each of the last 1,024 versions of a key was committed (nanoTime), by version modulo 1,024. */
    private final long[][] commitTimes;
    /** Which version each slot of {@link #commitTimes} holds: writers of one key commit out of order. */
    private final long[][] commitVersions;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    final LongAdder reads = new LongAdder();
    final LongAdder hits = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder stale = new LongAdder();
    final LongAdder staleSinceMark = new LongAdder();
    final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    /** For each stale read since the mark: how long before the read started the first newer version committed. */
    final ConcurrentLinkedQueue<Long> stalenessSinceMark = new ConcurrentLinkedQueue<>();
    private volatile boolean marked;

    StaleChecker(List<ResultCache> caches, int keys) {
        this.caches = caches;
        this.keys = keys;
        this.database = new AtomicLong[keys];
        this.committed = new AtomicLong[keys];
        this.commitTimes = new long[keys][1024];
        this.commitVersions = new long[keys][1024];
        for (int i = 0; i < keys; i++) {
            database[i] = new AtomicLong();
            committed[i] = new AtomicLong();
        }
    }

    static QueryKey key(int i) {
        return Instances.key("SELECT id, name FROM products WHERE id = ?", (long) i);
    }

    /** Starts {@code readers} readers and one writer per instance; the writer pauses {@code writePauseMicros}. */
    StaleChecker start(int readers, long writePauseMicros) {
        for (int c = 0; c < caches.size(); c++) {
            ResultCache cache = caches.get(c);
            for (int r = 0; r < readers; r++) {
                int seed = c * 100 + r;
                threads.add(new Thread(() -> read(cache, seed), "it-reader-" + seed));
            }
            int seed = c;
            threads.add(new Thread(() -> write(cache, seed, writePauseMicros), "it-writer-" + c));
        }
        threads.forEach(Thread::start);
        return this;
    }

    /** From now on, stale reads are also counted in {@link #staleSinceMark} (e.g. after a recovery). */
    void mark() {
        marked = true;
    }

    void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private void read(ResultCache cache, int seed) {
        java.util.Random random = new java.util.Random(seed);
        while (running.get()) {
            int k = random.nextInt(keys);
            try {
                boolean afterMark = marked;
                long start = System.nanoTime();
                long before = committed[k].get();
                ResultCache.Lookup lookup = cache.lookup(key(k), TABLES, true);
                long seen;
                if (lookup.isHit()) {
                    hits.increment();
                    seen = value(lookup.result());
                } else {
                    FillTicket ticket = cache.beginFill(lookup, null);
                    seen = database[k].get(); // the query, after the fill began
                    if (ticket != null) {
                        cache.complete(ticket, TestCodec.row(seen, "v"));
                    }
                }
                reads.increment();
                if (seen < before) {
                    stale.increment();
                    if (afterMark) {
                        staleSinceMark.increment();
                        long first = before - seen >= 1024 ? Long.MAX_VALUE : firstCommit(k, seen, before);
                        stalenessSinceMark.add(first == Long.MAX_VALUE ? Long.MAX_VALUE : start - first);
                    }
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        }
    }

    /**
     * When the first version of key {@code k} newer than {@code seen} committed, among those up to {@code before}
     * (which had committed when the read began). With several writers a newer version may commit before an older
     * one that is still in flight, so the earliest recorded commit counts, not that of {@code seen + 1}.
     */
    private long firstCommit(int k, long seen, long before) {
        long earliest = Long.MAX_VALUE;
        for (long v = seen + 1; v <= before; v++) {
            int slot = (int) (v & 1023);
            if (commitVersions[k][slot] == v) {
                earliest = Math.min(earliest, commitTimes[k][slot]);
            }
        }
        return earliest; // Long.MAX_VALUE: none recorded (counted as unbounded staleness)
    }

    private void write(ResultCache cache, int seed, long pauseMicros) {
        java.util.Random random = new java.util.Random(1000 + seed);
        while (running.get()) {
            int k = random.nextInt(keys);
            try {
                long v = database[k].incrementAndGet(); // committed in the database
                cache.invalidate(TABLES);               // bumped before the commit returns
                commitTimes[k][(int) (v & 1023)] = System.nanoTime();
                commitVersions[k][(int) (v & 1023)] = v;
                committed[k].accumulateAndGet(v, Math::max);
                writes.increment();
            } catch (Throwable e) {
                errors.add(e);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(pauseMicros)); // pacing, not synchronization
        }
    }

    private static long value(MaterializedResult result) throws SQLException {
        try (ResultSet rs = result.toResultSet(null)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** p50, p99 and max of {@link #stalenessSinceMark}, in milliseconds, as text. */
    String staleness() {
        long[] lags = stalenessSinceMark.stream().mapToLong(Long::longValue).sorted().toArray();
        if (lags.length == 0) {
            return "no stale read";
        }
        return String.format(java.util.Locale.ROOT, "%d stale reads, staleness p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                lags.length, lags[lags.length / 2] / 1e6, lags[(int) (lags.length * 0.99)] / 1e6,
                lags[lags.length - 1] / 1e6);
    }

    /** The largest staleness since the mark, in nanoseconds (0 when none). */
    long maxStalenessNanos() {
        return stalenessSinceMark.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    @Override
    public String toString() {
        return "reads=" + reads.sum() + " hits=" + hits.sum() + " writes=" + writes.sum() + " stale=" + stale.sum()
                + " staleSinceMark=" + staleSinceMark.sum() + " errors=" + errors.size();
    }
}
