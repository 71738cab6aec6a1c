package dev.cachet.driver.jdbc;

import dev.cachet.cache.FillObserver;
import dev.cachet.driver.AdmissionState;

/**
 * Which misses of one statement shape (one SQL text of a cluster) fill the cache: every miss (first sight), or only
 * a miss whose key was read recently (second sight), and in second sight whether a read looks in the cache at all.
 * Thread-safe; a miss costs a volatile read in first sight, and a {@link Doorkeeper} probe in second sight.
 *
 * <p>In first sight every miss fills, and the shape counts its fills and how many of them earned a first hit
 * ({@link #firstHit}, told by the stored entry). After {@link #WINDOW} fills it is judged: when fewer than one fill
 * in {@link #OFF_DIVISOR} earned a hit, filling this shape is mostly work thrown away (a key is read once and
 * evicted unread), and it switches to second sight.
 *
 * <p>In second sight a miss records its key's hash in the cluster's doorkeeper and runs on the database without
 * filling, unless the doorkeeper has seen the key: that miss — a second sight, a read a first-sight fill would have
 * answered — fills as before. After {@link #WINDOW} misses it is judged: when at least one miss in
 * {@link #ON_DIVISOR} was a second sight, or the shape's entries earned as many first hits (entries filled before
 * the switch, read again from further back than the doorkeeper remembers), it returns to first sight.
 *
 * <p>In second sight, a statement that holds its shape also asks the doorkeeper before the look-up, and may skip
 * the look-up of a key not seen ({@link #beforeLookUp}): such a key's look-up probes the cache's map where it is
 * cold, the largest part of Cachet's own cost in its miss against a full cache (0.2 µs on H2 in memory). Only when
 * the shape's queries are cheap ({@link #CHEAP_QUERY_NANOS}): a key not seen may still have an entry (the same two
 * kinds), and a look-up skipped is a hit lost. So one such read in {@link #SAMPLE}, at random, is looked up anyway,
 * and once one of those hits, every read is, until a judged window passes without such a hit; the window right after
 * the switch looks every key up. Hits do not touch the doorkeeper's bits, as before.
 *
 * <p>Why these thresholds: a first-sight fill costs more client work than the query itself (capture, store,
 * eviction: from ~1.2× of the query on PostgreSQL over loopback to ~4× on H2 in memory), and second sight costs a key
 * that is read again one extra miss. With a fill costing {@code F} queries, second sight is cheaper while the share
 * {@code p} of fills that are read again stays below {@code 1 - 1/F}: about 1/6 on loopback PostgreSQL and MariaDB,
 * more elsewhere. Switching below 1/8 stays under that on every backend measured; returning at 1/4 (twice as
 * many re-reads) keeps a shape near the border from flapping, and loses a re-read key at most one hit. Counting
 * first hits rather than hits makes the measure about the misses: a hot key cached once and hit a million times
 * is one fill that paid, not a reason to fill every cold key after it.
 *
 * <p>The counters are plain fields, deliberately racy: a lost increment only moves a judgment a few misses later.
 * Admission decides whether to look a key up and whether to store a result; whatever it skips, the database
 * answers, so a race cannot make a read wrong.
 */
final class StatementAdmission implements FillObserver {

    /** Fills (first sight) or misses (second sight) judged together. */
    static final int WINDOW = 512;
    /** First sight ends when first hits < fills / OFF_DIVISOR. */
    static final int OFF_DIVISOR = 8;
    /** Second sight ends when second sights (or first hits) ≥ misses / ON_DIVISOR. */
    static final int ON_DIVISOR = 4;
    /** In second sight, one read of a key not seen in this many is looked up while none hits; a power of two. */
    static final int SAMPLE = 16;
    /**
     * Below this time per query a shape's keys not seen may skip their look-up. A skipped look-up saves a cold probe
     * of the cache's map (0.2 µs on this project's machines); a hit lost to the sampling costs a query. An in-memory
     * database's point query (1–2 µs) repays that many times over; a server's over loopback (15–100 µs) never does.
     */
    static final long CHEAP_QUERY_NANOS = 5_000;

    /** Whether a read looks its key up, decided before the cache is asked ({@link #beforeLookUp}). */
    enum Read {
        /** Looked up: a key seen, or first sight. */
        LOOK_UP,
        /** Looked up: a key not seen, sampled or while such keys hit. */
        LOOK_UP_UNSEEN,
        /** Not looked up: a miss that runs on the database without filling. */
        DATABASE
    }

    private final String sql;
    private final AdmissionControl control;
    private volatile boolean secondSight;
    private int fills;
    private int firstHits;
    private int misses;
    private int secondSights;
    private int sampler;
    private int unseenHits;
    private volatile boolean lookUpUnseen;
    private long queryNanos = -1;
    private volatile long switchedToSecondSight;

    StatementAdmission(String sql, AdmissionControl control) {
        this.sql = sql;
        this.control = control;
        this.sampler = sql.hashCode() | 1; // never 0, xorshift's fixed point; the same sequence per text, as tests need
    }

    String sql() {
        return sql;
    }

    AdmissionState state() {
        return secondSight ? AdmissionState.SECOND_SIGHT : AdmissionState.FIRST_SIGHT;
    }

    /** How many times the shape switched to second sight. */
    long switchedToSecondSight() {
        return switchedToSecondSight;
    }

    /** Whether the shape is in second sight, where {@link #beforeLookUp} may spare a read its look-up. */
    boolean secondSight() {
        return secondSight;
    }

    /**
     * Asked before the look-up of a key with hash {@code keyHash} by a statement that holds this shape, in second
     * sight: whether to look the key up. The doorkeeper is asked without recording: a key it has seen, and while
     * this shape's queries are not cheap or a key not seen has hit lately, every key, is looked up ({@link
     * Read#LOOK_UP}, or {@link Read#LOOK_UP_UNSEEN} for a key not seen: tell its hit to {@link #unseenKeyHit}); a
     * miss of either then goes through {@link #admit}. Otherwise the key is looked up one time in {@link #SAMPLE},
     * at random ({@link Read#LOOK_UP_UNSEEN}), and else not at all ({@link Read#DATABASE}): the read is a miss
     * that does not fill, recorded and counted here.
     */
    Read beforeLookUp(int keyHash) {
        if (!secondSight || control.doorkeeper().contains(keyHash)) {
            return Read.LOOK_UP;
        }
        if (lookUpUnseen || !cheapQueries() || sampled()) {
            return Read.LOOK_UP_UNSEEN;
        }
        admit(keyHash);
        return Read.DATABASE;
    }

    /**
     * Whether a miss of the key with hash {@code keyHash} fills. True in first sight; in second sight, true only when
     * the doorkeeper has seen the key, which it records otherwise.
     */
    boolean admit(int keyHash) {
        if (!secondSight) {
            return true;
        }
        boolean seen = control.doorkeeper().seenOrRecord(keyHash);
        if (seen) {
            secondSights++;
        }
        if (++misses >= WINDOW) {
            judge();
        }
        return seen;
    }

    /**
     * A key the doorkeeper had not seen was looked up and hit (an entry stored before the switch, or read again from
     * further back than the doorkeeper remembers): every key is looked up until a window passes without such a hit.
     */
    void unseenKeyHit() {
        unseenHits++;
        if (!lookUpUnseen) {
            lookUpUnseen = true;
        }
    }

    /**
     * A miss of this shape that did not fill ran its query in {@code nanos} (one in {@link
     * ExecutionPipeline#MISS_TIMING_SAMPLE} is timed): an average of the last few, decaying by an eighth each.
     */
    void queryTimed(long nanos) {
        long q = queryNanos;
        queryNanos = q < 0 ? nanos : q + ((nanos - q) >> 3);
    }

    /** Whether this shape's queries, as timed, cost less than {@link #CHEAP_QUERY_NANOS}; false before one is timed. */
    boolean cheapQueries() {
        long q = queryNanos;
        return q >= 0 && q < CHEAP_QUERY_NANOS;
    }

    // xorshift, not a counter: a loop that reads keys in a fixed cycle would meet a counter at the same place each time
    private boolean sampled() {
        int x = sampler;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        sampler = x;
        return (x & (SAMPLE - 1)) == 0;
    }

    /** A miss of this shape began a fill (call {@code ticket.observe(this)} so its first hit is told here). */
    void filled() {
        if (++fills >= WINDOW && !secondSight) {
            judge();
        }
    }

    @Override
    public void firstHit() {
        firstHits++;
    }

    private synchronized void judge() {
        if (!secondSight) {
            int f = fills;
            if (f < WINDOW) {
                return;
            }
            int h = firstHits;
            fills = 0;
            firstHits = 0;
            if ((long) h * OFF_DIVISOR < f) {
                misses = 0;
                secondSights = 0;
                unseenHits = 0;
                // the entries just filled are keys the doorkeeper has not seen: a window looks each one up
                lookUpUnseen = true;
                switchedToSecondSight++;
                secondSight = true;
            }
            return;
        }
        int m = misses;
        if (m < WINDOW) {
            return;
        }
        int s = secondSights;
        int h = firstHits;
        misses = 0;
        secondSights = 0;
        firstHits = 0;
        fills = 0;
        lookUpUnseen = unseenHits > 0;
        unseenHits = 0;
        if ((long) Math.max(s, h) * ON_DIVISOR >= m) {
            secondSight = false;
        }
    }

    @Override
    public String toString() {
        return "StatementAdmission[" + state() + ", " + sql + "]";
    }
}
