package dev.cachet.driver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A stale-read checker for row-precise invalidation (DESIGN §13): writers change one table by every kind of write —
 * point updates by key, multi-row updates by another column, deletes, inserts of missing keys, upserts, updates of
 * the key column — in auto-commit and in transactions, while readers run key look-ups (bound and literal, single
 * keys and {@code IN} lists) and non-key queries, half of them inside READ COMMITTED transactions. A read that
 * starts after a write committed must never return the state from before it.
 *
 * <p>Table {@code rk(id, grp, n)}: keys 1–20 (groups 0–3) only ever grow their {@code n}, each written by one of two
 * writers (1–10 in auto-commit, 11–20 in transactions); keys 100–109 are deleted,
 * inserted and upserted by one writer; keys 200–207 move in pairs (200 ↔ 201, …) by updates of {@code id}. Every
 * state of those keys is logged before it is written, and a read must return a state from the one committed when it
 * started to the one after the one committed when it ended ({@code n} grows, so no older state repeats a newer one,
 * and the window is narrow enough that an absent key read stale is seen).
 */
public final class RowStaleChecker {

    public interface Connections {
        Connection open() throws SQLException;
    }

    public static final int COUNTERS = 20;
    public static final int GROUPS = 4;
    public static final int CYCLED_FIRST = 100;
    public static final int CYCLED = 10;
    public static final int MOVED_FIRST = 200;
    public static final int MOVED_PAIRS = 4;
    public static final long ABSENT = -1;

    private final Connections connections;
    private final String table;
    private final String upsert;

    /** Floors of keys 1..COUNTERS (index = id): the highest n known committed. */
    private final AtomicLongArray floors = new AtomicLongArray(COUNTERS + 1);
    /** State logs of the cycled and moved keys. */
    private final Map<Integer, KeyLog> logs = new HashMap<>();

    public final AtomicLong reads = new AtomicLong();
    public final AtomicLong stale = new AtomicLong();
    /** Counter writes the database rolled back as deadlock victims (not errors of Cachet). */
    public final AtomicLong deadlocks = new AtomicLong();
    public final List<String> staleDetails = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * @param table  the table's name (see {@link #createTable})
     * @param upsert the dialect's upsert of {@code (id, grp, n)} on key {@code id}, three parameters in that order
     */
    public RowStaleChecker(Connections connections, String table, String upsert) {
        this.connections = connections;
        this.table = table;
        this.upsert = upsert;
    }

    /** The table and its first rows, created through {@code admin} (around Cachet). */
    public static void createTable(Connection admin, String table) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + "(id INT PRIMARY KEY, grp INT NOT NULL, n BIGINT NOT NULL)");
            for (int id = 1; id <= COUNTERS; id++) {
                s.execute("INSERT INTO " + table + " VALUES (" + id + ", " + (id % GROUPS) + ", 0)");
            }
            for (int id = CYCLED_FIRST; id < CYCLED_FIRST + CYCLED; id++) {
                s.execute("INSERT INTO " + table + " VALUES (" + id + ", 99, 0)");
            }
            for (int p = 0; p < MOVED_PAIRS; p++) {
                s.execute("INSERT INTO " + table + " VALUES (" + (MOVED_FIRST + 2 * p) + ", 99, 0)");
            }
        }
    }

    /** One key's states, logged before they are written; {@code committed} is the index of the last committed one. */
    private static final class KeyLog {
        final List<Long> states = new ArrayList<>();
        volatile int committed;

        KeyLog(long initial) {
            states.add(initial);
        }

        synchronized int append(long state) {
            states.add(state);
            return states.size() - 1;
        }

        /**
         * Whether {@code state} is one of the states from index {@code from} (committed when the read started) to the
         * one after {@code to} (committed when it ended; its writer may have one more in flight).
         */
        synchronized boolean holds(int from, int to, long state) {
            for (int i = from; i < Math.min(states.size(), to + 2); i++) {
                if (states.get(i) == state) {
                    return true;
                }
            }
            return false;
        }

        synchronized long last() {
            return states.get(states.size() - 1);
        }
    }

    /** Runs the writers ({@code ops} each) and four readers until the writers are done. */
    public void run(int ops) throws Exception {
        for (int id = CYCLED_FIRST; id < CYCLED_FIRST + CYCLED; id++) {
            logs.put(id, new KeyLog(0));
        }
        for (int p = 0; p < MOVED_PAIRS; p++) {
            logs.put(MOVED_FIRST + 2 * p, new KeyLog(0));
            logs.put(MOVED_FIRST + 2 * p + 1, new KeyLog(ABSENT));
        }
        int writers = 4;
        int readers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
        CountDownLatch done = new CountDownLatch(writers);
        List<Future<?>> futures = new ArrayList<>();
        try {
            futures.add(pool.submit(() -> writer(done, () -> counterWriter(ops, false, 1))));
            futures.add(pool.submit(() -> writer(done, () -> counterWriter(ops, true, 1 + COUNTERS / 2))));
            futures.add(pool.submit(() -> writer(done, () -> cycleWriter(ops))));
            futures.add(pool.submit(() -> writer(done, () -> moveWriter(ops))));
            for (int r = 0; r < readers; r++) {
                boolean transactional = r % 2 == 1;
                futures.add(pool.submit(() -> {
                    reader(done, transactional);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }

    private Object writer(CountDownLatch done, Body body) throws Exception {
        try {
            body.run();
        } finally {
            done.countDown();
        }
        return null;
    }

    // ---------------------------------------------------------------- writers

    /**
     * Point updates by key and multi-row updates by group of the keys from {@code first} to
     * {@code first + COUNTERS / 2 - 1}, which no other writer changes: after each commit returned, the values this
     * writer reads back are exactly what its own writes left, and become the floors. (A value read while another
     * writer's statement has committed but not returned would not be a floor: that write is not complete yet.)
     */
    private void counterWriter(int ops, boolean transactional, int first) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int last = first + COUNTERS / 2 - 1;
        try (Connection c = connections.open();
             PreparedStatement point = c.prepareStatement("UPDATE " + table + " SET n = n + 1 WHERE id = ?");
             PreparedStatement group = c.prepareStatement("UPDATE " + table + " SET n = n + 1 WHERE grp = ?"
                     + " AND id BETWEEN " + first + " AND " + last);
             PreparedStatement check = c.prepareStatement(
                     "/*cachet:nocache*/ SELECT id, n FROM " + table + " WHERE id BETWEEN ? AND ?")) {
            c.setAutoCommit(!transactional);
            for (int i = 0; i < ops; i++) {
                try {
                    counterWrite(c, point, group, random, transactional, first);
                } catch (SQLException e) {
                    if (e.getSQLState() == null || !e.getSQLState().startsWith("40")) {
                        throw e;
                    }
                    // a deadlock or serialization failure: the database rolled the write back
                    if (transactional) {
                        c.rollback();
                    }
                    deadlocks.incrementAndGet();
                }
                check.setInt(1, first);
                check.setInt(2, last);
                try (ResultSet rs = check.executeQuery()) {
                    while (rs.next()) {
                        raise(rs.getInt(1), rs.getLong(2));
                    }
                }
                if (transactional) {
                    c.commit();
                }
            }
        }
    }

    private void counterWrite(Connection c, PreparedStatement point, PreparedStatement group,
                              ThreadLocalRandom random, boolean transactional, int first) throws SQLException {
        int kind = random.nextInt(10);
        if (kind < 7) {
            point.setInt(1, first + random.nextInt(COUNTERS / 2));
            point.executeUpdate();
            if (transactional && kind < 3) {
                point.setInt(1, first + random.nextInt(COUNTERS / 2));
                point.executeUpdate();
            }
        } else if (kind < 9) {
            group.setInt(1, random.nextInt(GROUPS));
            group.executeUpdate();
        } else {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + table + " SET n = n + 1 WHERE id = "
                        + (first + random.nextInt(COUNTERS / 2)));
            }
        }
        if (transactional) {
            c.commit();
        }
    }

    private void raise(int id, long n) {
        floors.accumulateAndGet(id, n, Math::max);
    }

    /** Deletes, inserts of missing keys and upserts of keys 100–109, alternating auto-commit and transactions. */
    private void cycleWriter(int ops) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long next = 1;
        try (Connection c = connections.open();
             PreparedStatement lookup = c.prepareStatement("SELECT n FROM " + table + " WHERE id = ?")) {
            for (int i = 0; i < ops; i++) {
                boolean transactional = i % 2 == 1;
                c.setAutoCommit(!transactional);
                int id = CYCLED_FIRST + random.nextInt(CYCLED);
                KeyLog log = logs.get(id);
                boolean present = log.last() != ABSENT;
                verify(lookup, id, log.last(), "before the write");
                int index;
                if (present && random.nextBoolean()) {
                    index = log.append(ABSENT);
                    try (PreparedStatement p = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                        p.setInt(1, id);
                        p.executeUpdate();
                    }
                } else if (!present && random.nextBoolean()) {
                    long n = next++;
                    index = log.append(n);
                    try (PreparedStatement p = c.prepareStatement(
                            "INSERT INTO " + table + " (id, grp, n) VALUES (?, ?, ?)")) {
                        p.setInt(1, id);
                        p.setInt(2, 99);
                        p.setLong(3, n);
                        p.executeUpdate();
                    }
                } else {
                    long n = next++;
                    index = log.append(n);
                    try (PreparedStatement p = c.prepareStatement(upsert)) {
                        p.setInt(1, id);
                        p.setInt(2, 99);
                        p.setLong(3, n);
                        p.executeUpdate();
                    }
                }
                if (transactional) {
                    c.commit();
                }
                log.committed = index;
                verify(lookup, id, log.last(), "after the commit");
            }
            c.setAutoCommit(true);
        }
    }

    /** Moves rows between the keys of a pair by updating the key column, alternating auto-commit and transactions. */
    private void moveWriter(int ops) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long next = 1;
        try (Connection c = connections.open();
             PreparedStatement move = c.prepareStatement("UPDATE " + table + " SET id = ?, n = ? WHERE id = ?");
             PreparedStatement lookup = c.prepareStatement("SELECT n FROM " + table + " WHERE id = ?")) {
            for (int i = 0; i < ops; i++) {
                boolean transactional = i % 2 == 0;
                c.setAutoCommit(!transactional);
                int pair = MOVED_FIRST + 2 * random.nextInt(MOVED_PAIRS);
                KeyLog a = logs.get(pair);
                KeyLog b = logs.get(pair + 1);
                boolean atA = a.last() != ABSENT;
                verify(lookup, pair, a.last(), "before the move");
                verify(lookup, pair + 1, b.last(), "before the move");
                int from = atA ? pair : pair + 1;
                int to = atA ? pair + 1 : pair;
                long n = next++;
                int ia = a.append(atA ? ABSENT : n);
                int ib = b.append(atA ? n : ABSENT);
                move.setInt(1, to);
                move.setLong(2, n);
                move.setInt(3, from);
                move.executeUpdate();
                if (transactional) {
                    c.commit();
                }
                a.committed = ia;
                b.committed = ib;
                verify(lookup, pair, a.last(), "after the move");
                verify(lookup, pair + 1, b.last(), "after the move");
            }
            c.setAutoCommit(true);
        }
    }

    /**
     * The writer of a logged key reads it through the cache (filling it before a write, then checking it after the
     * commit): only this writer changes the key, so the value must be exactly the last state.
     */
    private void verify(PreparedStatement lookup, int id, long expected, String when) throws SQLException {
        lookup.setInt(1, id);
        long seen;
        try (ResultSet rs = lookup.executeQuery()) {
            seen = rs.next() ? rs.getLong(1) : ABSENT;
        }
        reads.incrementAndGet();
        check(seen == expected, "key read by its writer " + when, id, seen);
    }

    // ---------------------------------------------------------------- readers

    private void reader(CountDownLatch writersDone, boolean transactional) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Connection c = connections.open();
             PreparedStatement lookup = c.prepareStatement("SELECT n FROM " + table + " WHERE id = ?");
             PreparedStatement pair = c.prepareStatement("SELECT id, n FROM " + table + " WHERE id IN (?, ?)");
             PreparedStatement sum = c.prepareStatement("SELECT SUM(n) FROM " + table + " WHERE grp = ?")) {
            c.setAutoCommit(!transactional);
            while (writersDone.getCount() > 0) {
                int kind = random.nextInt(10);
                if (kind < 4) {
                    logged(c, lookup, random);
                } else if (kind < 6) {
                    int a = 1 + random.nextInt(COUNTERS);
                    int b = 1 + random.nextInt(COUNTERS);
                    long fa = floors.get(a);
                    long fb = floors.get(b);
                    pair.setInt(1, a);
                    pair.setInt(2, b);
                    try (ResultSet rs = pair.executeQuery()) {
                        while (rs.next()) {
                            int id = rs.getInt(1);
                            check(rs.getLong(2) >= (id == a ? fa : fb), "pair", id,
                                    rs.getLong(2) + " < " + (id == a ? fa : fb));
                        }
                    }
                } else if (kind < 8) {
                    int id = 1 + random.nextInt(COUNTERS);
                    long floor = floors.get(id);
                    String v = value(c, "SELECT n FROM " + table + " WHERE id = " + id);
                    check(v != null && Long.parseLong(v) >= floor, "literal", id, v + " < " + floor);
                } else {
                    int g = random.nextInt(GROUPS);
                    long floor = 0;
                    for (int id = 1; id <= COUNTERS; id++) {
                        if (id % GROUPS == g) {
                            floor += floors.get(id);
                        }
                    }
                    sum.setInt(1, g);
                    try (ResultSet rs = sum.executeQuery()) {
                        rs.next();
                        check(rs.getLong(1) >= floor, "sum of group", g, rs.getLong(1) + " < " + floor);
                    }
                }
                reads.incrementAndGet();
                if (transactional) {
                    c.commit();
                }
            }
        }
    }

    /** A look-up of a cycled or moved key, bound or literal, checked against its log. */
    private void logged(Connection c, PreparedStatement lookup, ThreadLocalRandom random) throws SQLException {
        int id = random.nextBoolean() ? CYCLED_FIRST + random.nextInt(CYCLED)
                : MOVED_FIRST + random.nextInt(2 * MOVED_PAIRS);
        KeyLog log = logs.get(id);
        int from = log.committed;
        long seen;
        if (random.nextBoolean()) {
            lookup.setInt(1, id);
            try (ResultSet rs = lookup.executeQuery()) {
                seen = rs.next() ? rs.getLong(1) : ABSENT;
            }
        } else {
            String v = value(c, "SELECT n FROM " + table + " WHERE id = " + id);
            seen = v == null ? ABSENT : Long.parseLong(v);
        }
        check(log.holds(from, log.committed, seen), "key", id, seen);
    }

    private void check(boolean ok, String what, int id, Object seen) {
        if (!ok) {
            stale.incrementAndGet();
            if (staleDetails.size() < 10) {
                staleDetails.add(what + " " + id + " saw " + seen);
            }
        }
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
