package dev.cachet.driver.jdbc;

import dev.cachet.cache.FillObserver;
import dev.cachet.driver.AdmissionState;

/**
 * Which misses of one statement shape (one SQL text of a cluster) fill the cache: every miss (first sight), or only
 * a miss whose key was read recently (second sight), and whether a read looks in the cache at all. Thread-safe; a
 * read costs a volatile read in first sight, and a {@link Doorkeeper} probe in second sight.
 *
 * <p>In first sight every miss fills, and the shape counts its fills and how many of them earned a first hit
 * ({@link #firstHit}, told by the stored entry). After {@link #WINDOW} fills it is judged: when fewer than one fill
 * in {@link #OFF_DIVISOR} earned a hit, filling this shape is mostly work thrown away (a key is read once and
 * evicted unread), and it switches to second sight.
 *
 * <p>In second sight a read asks the cluster's doorkeeper first. A key it has seen is looked up, and its miss — a
 * second sight, a read a first-sight fill would have answered — fills as before. A key it has not seen is recorded
 * there and its miss does not fill; most such reads are not even looked up, and run on the database at once: the
 * look-up of a key nobody stored probes the cache's map where it is cold, the largest part of Cachet's own cost in
 * such a miss against a full cache (0.2 µs on H2 in memory). Yet a key not seen may have an entry (filled in first
 * sight, or re-read from further back than the doorkeeper remembers), so one such read in {@link #SAMPLE} is looked
 * up, and once one of those hits, every read is, until a judged window passes in which no key unseen hit; a window
 * right after the switch looks every key up. A stored result thus loses at most a few hits to the sampling, and
 * then none while such hits keep coming. After {@link #WINDOW} misses the shape is judged: when at least one miss in
 * {@link #ON_DIVISOR} was a second sight, or the shape's entries earned as many first hits, it returns to first
 * sight.
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

    /** What a read of one key does, decided before the cache is asked. */
    enum Read {
        /** Looked up; a miss fills. */
        LOOK_UP_AND_FILL,
        /** Looked up; a miss runs on the database without filling. */
        LOOK_UP,
        /** Not looked up: a miss, run on the database without filling. */
        DATABASE
    }

    private final String sql;
    private final AdmissionControl control;
    private volatile boolean secondSight;
    private int fills;
    private int firstHits;
    private int misses;
    private int secondSights;
    private int unseen;
    private int unseenHits;
    private volatile boolean lookUpUnseen;
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
     * What a read of the key with hash {@code keyHash} does. In first sight: looked up, and a miss fills. In second
     * sight: the same when the doorkeeper has seen the key, which it records otherwise; a key not seen is looked up
     * without filling when sampled or while such look-ups hit, and otherwise not looked up (a miss, counted here).
     * Tell the outcome of a look-up: {@link #missed} or {@link #unseenKeyHit}.
     */
    Read read(int keyHash) {
        if (!secondSight || control.doorkeeper().seenOrRecord(keyHash)) {
            return Read.LOOK_UP_AND_FILL;
        }
        if (lookUpUnseen || (++unseen & (SAMPLE - 1)) == 0) {
            return Read.LOOK_UP;
        }
        counted();
        return Read.DATABASE;
    }

    /** The look-up of a read decided by {@link #read} missed. */
    void missed(Read read) {
        if (!secondSight) {
            return;
        }
        if (read == Read.LOOK_UP_AND_FILL) {
            secondSights++;
        }
        counted();
    }

    /**
     * The look-up of a key the doorkeeper had not seen hit (an entry stored before the switch, or read again from
     * further back than the doorkeeper remembers): every such key is looked up until a window passes without one.
     */
    void unseenKeyHit() {
        unseenHits++;
        if (!lookUpUnseen) {
            lookUpUnseen = true;
        }
    }

    private void counted() {
        if (++misses >= WINDOW) {
            judge();
        }
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
