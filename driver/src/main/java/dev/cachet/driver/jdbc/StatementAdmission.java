package dev.cachet.driver.jdbc;

import dev.cachet.cache.FillObserver;
import dev.cachet.driver.AdmissionState;

/**
 * Which misses of one statement shape (one SQL text of a cluster) fill the cache: every miss (first sight), or only
 * a miss whose key was read recently (second sight). Thread-safe; the miss path costs a volatile read in first
 * sight, and a {@link Doorkeeper} probe in second sight.
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
 * Admission decides whether to store a result, never what is served, so a race cannot make a read wrong.
 */
final class StatementAdmission implements FillObserver {

    /** Fills (first sight) or misses (second sight) judged together. */
    static final int WINDOW = 512;
    /** First sight ends when first hits < fills / OFF_DIVISOR. */
    static final int OFF_DIVISOR = 8;
    /** Second sight ends when second sights (or first hits) ≥ misses / ON_DIVISOR. */
    static final int ON_DIVISOR = 4;

    private final String sql;
    private final AdmissionControl control;
    private volatile boolean secondSight;
    private int fills;
    private int firstHits;
    private int misses;
    private int secondSights;
    private volatile long switchedToSecondSight;

    StatementAdmission(String sql, AdmissionControl control) {
        this.sql = sql;
        this.control = control;
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
        if ((long) Math.max(s, h) * ON_DIVISOR >= m) {
            secondSight = false;
        }
    }

    @Override
    public String toString() {
        return "StatementAdmission[" + state() + ", " + sql + "]";
    }
}
