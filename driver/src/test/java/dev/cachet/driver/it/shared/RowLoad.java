package dev.cachet.driver.it.shared;

import static dev.cachet.driver.RowStaleChecker.ABSENT;
import static dev.cachet.driver.RowStaleChecker.COUNTERS;
import static dev.cachet.driver.RowStaleChecker.CYCLED;
import static dev.cachet.driver.RowStaleChecker.CYCLED_FIRST;
import static dev.cachet.driver.RowStaleChecker.GROUPS;
import static dev.cachet.driver.RowStaleChecker.MOVED_FIRST;
import static dev.cachet.driver.RowStaleChecker.MOVED_PAIRS;
import static dev.cachet.driver.it.shared.SharedWorker.nowMicros;

import dev.cachet.driver.Cachet;
import dev.cachet.driver.ExecutionEvent;
import dev.cachet.driver.ExecutionListener;
import dev.cachet.driver.Outcome;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code rows} load of a {@link SharedWorker}: one instance's share of every kind of row write on the key-tracked
 * table of {@link dev.cachet.driver.RowStaleChecker#createTable}, and readers of the whole table, for
 * {@link RowReadLog} to check across instances.
 *
 * <p>Instance {@code index} (0 or 1) owns half of each kind of key, and only its writer threads change them: counters
 * {@code 1 + 10 × index} … (point updates by key, bound and literal, and — one write in ten, as they are table level
 * and drop every cached result of the table — multi-row updates by {@code grp} within its range, alternately in
 * auto-commit and in transactions), cycled keys {@code 100 + 5 × index} … (deletes, inserts of
 * a missing key, upserts) and the moved pairs of its parity (updates of the key column). Every state an owned key — or
 * the sum of an owned group — takes is logged with the time its statement or commit returned. Instance 0 also owns
 * keys 300–309, which nobody writes. Readers look up keys of both instances (bound, literal, {@code IN} lists), the
 * untouched keys by a statement of their own, and the groups' sums, logging what they saw, when they started and
 * when they ended. A listener counts hits and misses of each kind of read.
 */
final class RowLoad {

    static final int UNTOUCHED_FIRST = 300;
    static final int UNTOUCHED = 10;
    static final int HALF = COUNTERS / 2;

    /** Counters of {@link Outcome#HIT} / {@link Outcome#MISS} per kind of read: key look-ups, untouched, sums. */
    static final int KEY_HITS = 0;
    static final int KEY_MISSES = 1;
    static final int UNTOUCHED_HITS = 2;
    static final int UNTOUCHED_MISSES = 3;
    static final int SUM_HITS = 4;
    static final int SUM_MISSES = 5;
    static final int COUNTS = 6;

    private final String table;
    private final int index;
    private final long writePauseNanos;
    private final List<long[]> states = Collections.synchronizedList(new ArrayList<>()); // item, value, ack
    private final List<long[]> observations = Collections.synchronizedList(new ArrayList<>()); // item, seen, start, end
    private final AtomicLongArray counts = new AtomicLongArray(COUNTS);
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

    private RowLoad(String table, int index, long writePauseNanos) {
        this.table = table;
        this.index = index;
        this.writePauseNanos = writePauseNanos;
    }

    /** The item of instance {@code owner}'s group {@code g}: the sum of its counters in that group. */
    static long sumItem(int owner, int g) {
        return 1000 + owner * GROUPS + g;
    }

    static void run(Properties p, String url, Properties credentials) throws Exception {
        RowLoad load = new RowLoad(p.getProperty("table"), Integer.parseInt(p.getProperty("index")),
                Long.parseLong(p.getProperty("writePauseMicros")) * 1000);
        load.run(url, credentials, Integer.parseInt(p.getProperty("readers")), Long.parseLong(p.getProperty("reads")),
                System.nanoTime() + Long.parseLong(p.getProperty("maxSeconds")) * 1_000_000_000L);
        load.write(p.getProperty("out"));
    }

    private void run(String url, Properties credentials, int readers, long readTarget, long endNanos)
            throws Exception {
        try (Connection c = DriverManager.getConnection(url, credentials)) {
            Cachet.cluster(c).addListener(new ExecutionListener() {
                @Override
                public void onExecution(ExecutionEvent e) {
                    if (e.outcome() == Outcome.HIT || e.outcome() == Outcome.MISS) {
                        int kind = e.sql().contains("SUM(") ? SUM_HITS
                                : e.sql().contains("n, grp") ? UNTOUCHED_HITS : KEY_HITS;
                        counts.incrementAndGet(kind + (e.outcome() == Outcome.HIT ? 0 : 1));
                    }
                }
            });
        }
        if (index == 0) {
            for (int id = UNTOUCHED_FIRST; id < UNTOUCHED_FIRST + UNTOUCHED; id++) {
                states.add(new long[] {id, 0, 0});
            }
        }
        List<Thread> threads = new ArrayList<>();
        threads.add(thread("counters", () -> counterWriter(url, credentials, endNanos)));
        threads.add(thread("cycles", () -> cycleWriter(url, credentials, endNanos)));
        threads.add(thread("moves", () -> moveWriter(url, credentials, endNanos)));
        for (int r = 0; r < readers; r++) {
            boolean transactional = r % 2 == 1;
            threads.add(thread("reader-" + r, () -> reader(url, credentials, transactional, readTarget, endNanos)));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            if (t.getName().startsWith("reader-")) {
                t.join();
            }
        }
        SharedWorker.stop = true;
        for (Thread t : threads) {
            t.join();
        }
        for (String e : errors.subList(0, Math.min(5, errors.size()))) {
            SharedWorker.say("ERROR " + e.replace('\n', ' '));
        }
    }

    @FunctionalInterface
    private interface Body {
        void run() throws SQLException;
    }

    private Thread thread(String name, Body body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (SQLException | RuntimeException e) {
                // the owner's log ends here: a failed write leaves its keys in a state it cannot tell
                SharedWorker.failures.incrementAndGet();
                errors.add(name + ": " + e);
            }
        }, name);
    }

    private boolean running(long endNanos) {
        return !SharedWorker.stop && System.nanoTime() < endNanos;
    }

    /** A write's new states, logged together once its statement or commit returned. */
    private final class Pending {
        final List<long[]> list = new ArrayList<>();

        void add(long item, long value) {
            list.add(new long[] {item, value, 0});
        }

        void acknowledge() {
            long now = nowMicros();
            for (long[] s : list) {
                s[2] = now;
                states.add(s);
            }
            list.clear();
            SharedWorker.writes.incrementAndGet();
            LockSupport.parkNanos(writePauseNanos); // pacing only: reads stay more frequent than writes
        }
    }

    // ---------------------------------------------------------------- writers

    private void counterWriter(String url, Properties credentials, long endNanos) throws SQLException {
        int first = 1 + HALF * index;
        int last = first + HALF - 1;
        long[] n = new long[COUNTERS + 1];
        for (int id = first; id <= last; id++) {
            states.add(new long[] {id, 0, 0});
        }
        for (int g = 0; g < GROUPS; g++) {
            states.add(new long[] {sumItem(index, g), 0, 0});
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Pending pending = new Pending();
        try (Connection c = DriverManager.getConnection(url, credentials);
             PreparedStatement point = c.prepareStatement("UPDATE " + table + " SET n = n + 1 WHERE id = ?");
             PreparedStatement group = c.prepareStatement("UPDATE " + table + " SET n = n + 1 WHERE grp = ?"
                     + " AND id BETWEEN " + first + " AND " + last);
             Statement literal = c.createStatement()) {
            for (long i = 0; running(endNanos); i++) {
                boolean transactional = i % 2 == 1;
                c.setAutoCommit(!transactional);
                int kind = random.nextInt(10);
                int statements = transactional && kind < 2 ? 2 : 1;
                for (int s = 0; s < statements; s++) {
                    if (kind < 7) {
                        int id = first + random.nextInt(HALF);
                        point.setInt(1, id);
                        point.executeUpdate();
                        n[id]++;
                        pending.add(id, n[id]);
                    } else if (kind < 9) {
                        int id = first + random.nextInt(HALF);
                        literal.executeUpdate("UPDATE " + table + " SET n = n + 1 WHERE id = " + id);
                        n[id]++;
                        pending.add(id, n[id]);
                    } else {
                        int g = random.nextInt(GROUPS);
                        group.setInt(1, g);
                        group.executeUpdate();
                        for (int id = first; id <= last; id++) {
                            if (id % GROUPS == g) {
                                n[id]++;
                                pending.add(id, n[id]);
                            }
                        }
                    }
                    for (int g = 0; g < GROUPS; g++) {
                        long sum = 0;
                        for (int id = first; id <= last; id++) {
                            sum += id % GROUPS == g ? n[id] : 0;
                        }
                        pending.add(sumItem(index, g), sum); // unchanged sums repeat their value: harmless
                    }
                }
                if (transactional) {
                    c.commit();
                }
                pending.acknowledge();
            }
            c.setAutoCommit(true);
        }
    }

    /** Deletes, inserts of missing keys and upserts of this instance's cycled keys. */
    private void cycleWriter(String url, Properties credentials, long endNanos) throws SQLException {
        int first = CYCLED_FIRST + CYCLED / 2 * index;
        Map<Integer, Long> last = new HashMap<>();
        for (int id = first; id < first + CYCLED / 2; id++) {
            states.add(new long[] {id, 0, 0});
            last.put(id, 0L);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Pending pending = new Pending();
        long next = 1;
        try (Connection c = DriverManager.getConnection(url, credentials);
             PreparedStatement lookup = c.prepareStatement("SELECT n FROM " + table + " WHERE id = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?");
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO " + table + " (id, grp, n) VALUES (?, 99, ?)");
             PreparedStatement upsert = c.prepareStatement("INSERT INTO " + table + " (id, grp, n) VALUES (?, 99, ?)"
                     + " ON CONFLICT (id) DO UPDATE SET grp = excluded.grp, n = excluded.n")) {
            for (long i = 0; running(endNanos); i++) {
                boolean transactional = i % 2 == 1;
                int id = first + random.nextInt(CYCLED / 2);
                boolean present = last.get(id) != ABSENT;
                look(lookup, id); // fills its look-up here, a cached empty result included, before the write
                c.setAutoCommit(!transactional);
                PreparedStatement write;
                long value;
                if (present && random.nextBoolean()) {
                    write = delete;
                    value = ABSENT;
                } else {
                    write = present || random.nextBoolean() ? upsert : insert;
                    value = next++;
                    write.setLong(2, value);
                }
                write.setInt(1, id);
                write.executeUpdate();
                pending.add(id, value);
                if (transactional) {
                    c.commit();
                }
                c.setAutoCommit(true);
                pending.acknowledge();
                last.put(id, value);
                look(lookup, id);
            }
        }
    }

    /** Moves rows between the keys of this instance's pairs by updating the key column. */
    private void moveWriter(String url, Properties credentials, long endNanos) throws SQLException {
        List<Integer> pairs = new ArrayList<>();
        for (int p = index; p < MOVED_PAIRS; p += 2) {
            int a = MOVED_FIRST + 2 * p;
            pairs.add(a);
            states.add(new long[] {a, 0, 0});
            states.add(new long[] {a + 1, ABSENT, 0});
        }
        Map<Integer, Boolean> atFirst = new HashMap<>();
        pairs.forEach(a -> atFirst.put(a, true));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Pending pending = new Pending();
        long next = 1;
        try (Connection c = DriverManager.getConnection(url, credentials);
             PreparedStatement move = c.prepareStatement("UPDATE " + table + " SET id = ?, n = ? WHERE id = ?");
             PreparedStatement lookup = c.prepareStatement("SELECT n FROM " + table + " WHERE id = ?")) {
            for (long i = 0; running(endNanos); i++) {
                boolean transactional = i % 2 == 0;
                int a = pairs.get(random.nextInt(pairs.size()));
                boolean atA = atFirst.get(a);
                look(lookup, a);
                look(lookup, a + 1);
                c.setAutoCommit(!transactional);
                long value = next++;
                move.setInt(1, atA ? a + 1 : a);
                move.setLong(2, value);
                move.setInt(3, atA ? a : a + 1);
                move.executeUpdate();
                pending.add(a, atA ? ABSENT : value);
                pending.add(a + 1, atA ? value : ABSENT);
                if (transactional) {
                    c.commit();
                }
                c.setAutoCommit(true);
                pending.acknowledge();
                atFirst.put(a, !atA);
                look(lookup, a);
                look(lookup, a + 1);
            }
        }
    }

    /** A bound look-up through the cache, logged like a reader's. */
    private void look(PreparedStatement lookup, int id) throws SQLException {
        long start = nowMicros();
        lookup.setInt(1, id);
        long seen;
        try (ResultSet rs = lookup.executeQuery()) {
            seen = rs.next() ? rs.getLong(1) : ABSENT;
        }
        observations.add(new long[] {id, seen, start, nowMicros()});
        SharedWorker.reads.incrementAndGet();
    }

    // ---------------------------------------------------------------- readers

    private static int writtenKey(ThreadLocalRandom random) {
        int k = random.nextInt(COUNTERS + CYCLED + 2 * MOVED_PAIRS);
        return k < COUNTERS ? 1 + k : k < COUNTERS + CYCLED ? CYCLED_FIRST + k - COUNTERS
                : MOVED_FIRST + k - COUNTERS - CYCLED;
    }

    private void reader(String url, Properties credentials, boolean transactional, long readTarget, long endNanos)
            throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<long[]> mine = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, credentials);
             PreparedStatement lookup = c.prepareStatement("SELECT n FROM " + table + " WHERE id = ?");
             PreparedStatement untouched = c.prepareStatement("SELECT n, grp FROM " + table + " WHERE id = ?");
             PreparedStatement in = c.prepareStatement("SELECT id, n FROM " + table + " WHERE id IN (?, ?, ?)");
             PreparedStatement sum = c.prepareStatement("SELECT SUM(n) FROM " + table
                     + " WHERE grp = ? AND id BETWEEN ? AND ?");
             Statement literal = c.createStatement()) {
            c.setAutoCommit(!transactional);
            while (running(endNanos) && SharedWorker.reads.get() < readTarget) {
                int kind = random.nextInt(20);
                long start = nowMicros();
                if (kind < 6) {
                    int id = writtenKey(random);
                    lookup.setInt(1, id);
                    try (ResultSet rs = lookup.executeQuery()) {
                        mine.add(new long[] {id, rs.next() ? rs.getLong(1) : ABSENT, start, nowMicros()});
                    }
                } else if (kind < 9) {
                    int id = writtenKey(random);
                    try (ResultSet rs = literal.executeQuery("SELECT n FROM " + table + " WHERE id = " + id)) {
                        mine.add(new long[] {id, rs.next() ? rs.getLong(1) : ABSENT, start, nowMicros()});
                    }
                } else if (kind < 12) {
                    int[] ids = new int[3];
                    ids[0] = writtenKey(random);
                    do {
                        ids[1] = writtenKey(random);
                    } while (ids[1] == ids[0]);
                    do {
                        ids[2] = writtenKey(random);
                    } while (ids[2] == ids[0] || ids[2] == ids[1]);
                    long[] seen = {ABSENT, ABSENT, ABSENT};
                    for (int k = 0; k < 3; k++) {
                        in.setInt(k + 1, ids[k]);
                    }
                    try (ResultSet rs = in.executeQuery()) {
                        while (rs.next()) {
                            int id = rs.getInt(1);
                            seen[id == ids[0] ? 0 : id == ids[1] ? 1 : 2] = rs.getLong(2);
                        }
                    }
                    long end = nowMicros();
                    for (int k = 0; k < 3; k++) {
                        mine.add(new long[] {ids[k], seen[k], start, end});
                    }
                } else if (kind < 16) {
                    int id = UNTOUCHED_FIRST + random.nextInt(UNTOUCHED);
                    untouched.setInt(1, id);
                    try (ResultSet rs = untouched.executeQuery()) {
                        mine.add(new long[] {id, rs.next() ? rs.getLong(1) : ABSENT, start, nowMicros()});
                    }
                } else {
                    int owner = random.nextInt(2);
                    int g = random.nextInt(GROUPS);
                    sum.setInt(1, g);
                    sum.setInt(2, 1 + HALF * owner);
                    sum.setInt(3, HALF * (owner + 1));
                    try (ResultSet rs = sum.executeQuery()) {
                        rs.next();
                        mine.add(new long[] {sumItem(owner, g), rs.getLong(1), start, nowMicros()});
                    }
                }
                if (transactional) {
                    c.commit();
                }
                SharedWorker.reads.incrementAndGet();
            }
        } finally {
            observations.addAll(mine);
        }
    }

    private void write(String file) throws Exception {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(file)))) {
            for (int i = 0; i < COUNTS; i++) {
                out.writeLong(counts.get(i));
            }
            out.writeInt(states.size());
            for (long[] s : states) {
                for (long v : s) {
                    out.writeLong(v);
                }
            }
            out.writeInt(observations.size());
            for (long[] o : observations) {
                for (long v : o) {
                    out.writeLong(v);
                }
            }
        }
    }
}
