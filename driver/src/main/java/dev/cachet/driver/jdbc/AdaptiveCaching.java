package dev.cachet.driver.jdbc;

import dev.cachet.driver.TableStatistics;
import dev.cachet.parser.StatementInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Per table, what caching earns, and the switch that stops caching a table where it costs more than it saves
 * (DESIGN §13). Thread-safe; the hot path ({@link #writeHot} with no table switched off) is one volatile read.
 *
 * <p>Counted per table: hits, fills, fills wasted (removed by an invalidation before their first hit) and writes.
 * Every {@link #WINDOW_NANOS} a table's window is judged (a busy one, with {@link #BUSY_WINDOW_FILLS} fills, after
 * {@link #SHORT_WINDOW_NANOS}): a hit saves a query; a fill costs the client time it adds
 * (the stored key, the ticket, copying and storing the rows), as a multiple of its query's time — measured on one fill
 * in {@link #TIMED_FILL_EVERY} ({@link #fillCost}; far more on an in-memory database, where the query takes a
 * microsecond, than over a network), {@link #FILL_COST} until measured. When a window has at least
 * {@link #MIN_FILLS} fills, half of them or more were wasted, and the hits did not pay for the fills, the table is
 * switched off ({@code WRITE_HOT}) for a pause — {@link #FIRST_PAUSE_NANOS} first, doubling each time it is switched
 * off again right after a retry, up to {@link #MAX_PAUSE_NANOS}; a window that pays resets the pause. After the pause
 * caching is tried again. The two conditions (waste caused by writes, not cold start or expiry; hits below the fills'
 * cost) and the pause are the hysteresis: a table does not flap between windows.
 *
 * <p>Switching off only stops fills and hits; writes still invalidate as always, so correctness never depends on it.
 * {@code cachet.adaptive=false}, or a table's own {@code cachet.ttl.<table>}, keeps a table on (it is still measured).
 */
final class AdaptiveCaching {

    static final long WINDOW_NANOS = 10_000_000_000L;
    /** A window with this many fills is judged early, once {@link #SHORT_WINDOW_NANOS} have passed. */
    static final int BUSY_WINDOW_FILLS = 4096;
    static final long SHORT_WINDOW_NANOS = 1_000_000_000L;
    static final int MIN_FILLS = 32;
    /** A fill's cost, in queries, until a table's fills were timed. */
    static final double FILL_COST = 0.25;
    /** One fill in this many is timed (two clock reads per row copied). */
    static final int TIMED_FILL_EVERY = 16;
    /** A timed fill counts at most this many queries. */
    static final long MAX_SAMPLE_COST = 8;
    /** How much each timed fill moves a table's average fill and query times. */
    static final double COST_WEIGHT = 1.0 / 8;
    static final long FIRST_PAUSE_NANOS = 30_000_000_000L;
    static final long MAX_PAUSE_NANOS = 600_000_000_000L;

    private final boolean enabled;
    private final Predicate<String> exempt;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Table> tables = new ConcurrentHashMap<>();
    /**
     * Tables by their {@code t#w} name, which every row-precise write names (and by any other name holding the
     * separator that is not a row's).
     */
    private final ConcurrentHashMap<String, Table> byWrittenName = new ConcurrentHashMap<>();
    /** How many tables are switched off: zero keeps {@link #writeHot} to one read. */
    private final AtomicInteger off = new AtomicInteger();
    /** Fills begun, to time one in {@link #TIMED_FILL_EVERY}; deliberately racy (a lost count moves a sample). */
    private int fillsBegun;

    /**
     * @param enabled {@code cachet.adaptive}
     * @param exempt  tables never switched off (those with their own TTL)
     * @param clock   nanoseconds, monotonic ({@code System::nanoTime}; a fake one in tests)
     */
    AdaptiveCaching(boolean enabled, Predicate<String> exempt, LongSupplier clock) {
        this.enabled = enabled;
        this.exempt = exempt;
        this.clock = clock;
    }

    private Table table(String name) {
        Table t = tables.get(name);
        return t != null ? t : tables.computeIfAbsent(name, n -> new Table(n, clock.getAsLong()));
    }

    /** True when caching is switched off for one of {@code tablesRead}. */
    boolean writeHot(Set<String> tablesRead) {
        if (off.get() == 0) {
            return false;
        }
        long now = clock.getAsLong();
        for (String name : tablesRead) {
            Table t = tables.get(name);
            if (t != null && t.isOff(now)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The hit counters of the tables {@code info} reads, for a statement that counts hits on them again and again:
     * tables are never dropped, so the counters stay the ones judged.
     */
    HitCounters hitCounters(StatementInfo info, Set<String> tablesRead) {
        LongAdder[] counters = new LongAdder[tablesRead.size()];
        int i = 0;
        for (String name : tablesRead) {
            counters[i++] = table(name).hits;
        }
        return new HitCounters(info, counters);
    }

    /** The hit counters of the tables one analysis reads; immutable, so a statement keeps it in one field. */
    static final class HitCounters {
        final StatementInfo of;
        private final LongAdder[] counters;

        private HitCounters(StatementInfo of, LongAdder[] counters) {
            this.of = of;
            this.counters = counters;
        }

        /**
         * A hit of a result reading these tables. On the hit path: one counter per table, no clock read — a window is
         * judged at the next fill, write or waste, the events that can make caching cost more than it saves.
         */
        void count() {
            for (LongAdder counter : counters) {
                counter.increment();
            }
        }
    }

    /** True for the fills to time (one in {@link #TIMED_FILL_EVERY}); call once per fill begun. */
    boolean timeThisFill() {
        return (++fillsBegun & (TIMED_FILL_EVERY - 1)) == 0;
    }

    /**
     * A timed fill of a result reading {@code tablesRead} was stored: its query took {@code queryNanos} (until the
     * driver returned its result set) and copying and storing its rows {@code fillNanos}.
     */
    void fillCost(Set<String> tablesRead, long queryNanos, long fillNanos) {
        if (queryNanos <= 0 || fillNanos < 0) {
            return;
        }
        // one fill that met a collection or a cold path must not swing the average for hundreds of fills
        long copy = Math.min(fillNanos, MAX_SAMPLE_COST * queryNanos);
        for (String name : tablesRead) {
            table(name).timed(queryNanos, copy);
        }
    }

    void fill(Set<String> tablesRead) {
        long now = clock.getAsLong();
        for (String name : tablesRead) {
            Table t = table(name);
            t.fills.increment();
            t.windowFills.increment();
            t.roll(now);
        }
    }

    /**
     * A write invalidated {@code scope}'s version names (tables, or a table's rows): each table it reaches counts one
     * write. A row-precise scope names its table through the table's {@code #w} name, which it always holds beside
     * the rows' names ({@link RowScopes#writeScope}), so row names themselves are not counted.
     */
    void write(Set<String> scope) {
        if (scope == Cluster.ALL_TABLES) {
            return;
        }
        long now = clock.getAsLong();
        for (String name : scope) {
            Table t = writtenTable(name);
            // a batch's scope may name a table both ways (t and t#w): it counts once, by its own name
            if (t != null && (t.name.equals(name) || !scope.contains(t.name))) {
                t.written(now);
            }
        }
    }

    /** The table a written version name counts for: itself, or the table of a {@code t#w} name; null for a row's. */
    private Table writtenTable(String name) {
        if (name.indexOf(RowScopes.SEPARATOR) < 0) {
            return table(name);
        }
        if (RowScopes.isRowName(name)) {
            return null;
        }
        Table t = byWrittenName.get(name);
        return t != null ? t : byWrittenName.computeIfAbsent(name, n -> table(RowScopes.tableOf(n)));
    }

    /**
     * An entry depending on {@code names} was invalidated before its first hit. Every entry depends on each table it
     * reads by the table's own name (besides row and {@code #w} names), so those are the ones counted.
     */
    void wasted(Collection<String> names) {
        long now = clock.getAsLong();
        for (String name : names) {
            if (RowScopes.tableOf(name) != name) {
                continue;
            }
            Table t = table(name);
            t.wasted.increment();
            t.windowWasted.increment();
            t.roll(now);
        }
    }

    /** A snapshot per table, sorted by name. */
    List<TableStatistics> statistics() {
        long now = clock.getAsLong();
        List<TableStatistics> out = new ArrayList<>();
        for (Table t : tables.values()) {
            out.add(new TableStatistics(t.name, t.hits.sum(), t.fills.sum(), t.wasted.sum(), t.writes.sum(),
                    t.writesPerSecond, t.isOff(now), t.switchedOff, t.fillCost()));
        }
        out.sort(java.util.Comparator.comparing(TableStatistics::table));
        return out;
    }

    /** One table's counters and switch. */
    private final class Table {
        final String name;
        final LongAdder hits = new LongAdder();
        final LongAdder fills = new LongAdder();
        final LongAdder wasted = new LongAdder();
        final LongAdder writes = new LongAdder();
        /** {@link #hits} when the window began. */
        long hitsBefore;
        /** {@link #writes} when the window began: a write increments one counter, not two. */
        long writesBefore;
        final LongAdder windowFills = new LongAdder();
        final LongAdder windowWasted = new LongAdder();
        volatile long windowStart;
        /** When the table is switched off: the time it is tried again; 0 while on. */
        volatile long offUntil;
        long pause = FIRST_PAUSE_NANOS;
        volatile long switchedOff;
        volatile double writesPerSecond;
        /** Moving averages of timed fills' query and copy times, in nanoseconds; 0 until the first is timed. */
        volatile double queryNanos;
        volatile double copyNanos;

        Table(String name, long now) {
            this.name = name;
            this.windowStart = now;
        }

        /** Racy read-modify-write, like the counters' windows: a lost sample only moves the averages less. */
        void timed(long query, long copy) {
            if (queryNanos == 0) {
                queryNanos = query;
                copyNanos = copy;
            } else {
                queryNanos += (query - queryNanos) * COST_WEIGHT;
                copyNanos += (copy - copyNanos) * COST_WEIGHT;
            }
        }

        /** A fill's cost in queries: measured when a fill was timed, else {@link #FILL_COST}. */
        double fillCost() {
            double q = queryNanos;
            return q > 0 ? copyNanos / q : FILL_COST;
        }

        boolean isOff(long now) {
            long until = offUntil;
            if (until == 0) {
                return false;
            }
            if (now - until < 0) {
                return true;
            }
            roll(now);
            return offUntil != 0;
        }

        void written(long now) {
            writes.increment();
            roll(now);
        }

        void roll(long now) {
            long elapsed = now - windowStart;
            if (elapsed >= WINDOW_NANOS || (offUntil != 0 && now - offUntil >= 0) || busy(elapsed)) {
                judge(now);
            }
        }

        /** A busy table is judged after a second: thousands of fills are evidence enough, and each one costs. */
        private boolean busy(long elapsed) {
            return elapsed >= SHORT_WINDOW_NANOS && windowFills.sum() >= BUSY_WINDOW_FILLS;
        }

        private synchronized void judge(long now) {
            long elapsed = now - windowStart;
            if (offUntil != 0) {
                if (now - offUntil >= 0) {
                    // the pause is over: try caching again, with a fresh window
                    offUntil = 0;
                    off.decrementAndGet();
                    resetWindow(now);
                }
                return;
            }
            if (elapsed < WINDOW_NANOS && !busy(elapsed)) {
                return;
            }
            long h = hits.sum() - hitsBefore;
            long f = windowFills.sum();
            long w = windowWasted.sum();
            writesPerSecond = (writes.sum() - writesBefore) * 1e9 / elapsed;
            if (f >= MIN_FILLS) {
                boolean costly = w * 2 >= f && h < fillCost() * f;
                if (costly && enabled && !exempt.test(name)) {
                    offUntil = now + pause;
                    if (offUntil == 0) {
                        offUntil = 1;
                    }
                    pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
                    switchedOff++;
                    off.incrementAndGet();
                } else if (!costly) {
                    pause = FIRST_PAUSE_NANOS;
                }
            }
            resetWindow(now);
        }

        private void resetWindow(long now) {
            hitsBefore = hits.sum();
            writesBefore = writes.sum();
            windowFills.reset();
            windowWasted.reset();
            windowStart = now;
        }
    }
}
