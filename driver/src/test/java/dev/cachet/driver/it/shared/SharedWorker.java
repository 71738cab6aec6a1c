package dev.cachet.driver.it.shared;

import dev.cachet.cache.shared.SharedTierStatistics;
import dev.cachet.driver.Cachet;
import dev.cachet.driver.ClusterStatistics;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.BufferedOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One application instance of the shared-tier integration tests, in its own JVM (started by {@link Workers}). It
 * connects through Cachet with the URL it is given, waits until its shared tier is up, prints {@code READY}, and on
 * {@code GO} (stdin) runs its part:
 * <ul>
 * <li>{@code load}: writer threads, each owning one table (one row, {@code v} counting up), record when each write's
 *     {@code executeUpdate} or {@code commit} returned; reader threads read every table through Cachet and record what
 *     they saw and when they started. Both go to a file the test merges across instances: a read that started after
 *     the write of value n+1 returned and still saw n is stale.</li>
 * <li>{@code rows}: every kind of row write and key look-up on one key-tracked table ({@link RowLoad}).</li>
 * <li>{@code once}: runs one query and prints its first column.</li>
 * <li>{@code watch}: fills one query, then runs it again until its first column changes or {@code watchSeconds}
 *     (30) pass, and prints whether it changed.</li>
 * </ul>
 * While running it prints {@code STATS} lines (its cluster's and shared tier's counters) so the test can follow it;
 * {@code STOP} (stdin) or the read target ends a load; it ends with {@code DONE}. Times are microseconds of the
 * machine's real-time clock, which every process on the machine shares.
 */
public final class SharedWorker {

    static volatile boolean stop;
    static final AtomicLong reads = new AtomicLong();
    static final AtomicLong failures = new AtomicLong();
    static final AtomicLong writes = new AtomicLong();

    private SharedWorker() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (FileInputStream in = new FileInputStream(args[0])) {
            p.load(in);
        }
        String url = p.getProperty("url");
        Properties credentials = new Properties();
        credentials.setProperty("user", p.getProperty("user"));
        credentials.setProperty("password", p.getProperty("password"));
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith("cachet.")) {
                credentials.setProperty(name, p.getProperty(name)); // the shared tier's settings, as an application gives them
            }
        }
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Connection first = DriverManager.getConnection(url, credentials)) {
            awaitSharedTierUp(first);
            if (p.getProperty("warm") != null) {
                once(first, p.getProperty("warm")); // parse, fill, encode and store once: the measured part runs warm
                reads.set(0);
            }
            say("BASE " + stats(first));
            say("READY");
            if (!"GO".equals(stdin.readLine())) {
                return;
            }
            Thread control = new Thread(() -> {
                try {
                    String line;
                    while ((line = stdin.readLine()) != null && !line.equals("STOP")) {
                        // nothing else is sent
                    }
                } catch (Exception e) {
                    // the test is gone
                }
                stop = true;
            }, "worker-control");
            control.setDaemon(true);
            control.start();
            Thread stats = new Thread(() -> {
                while (!stop) {
                    say("STATS " + stats(first));
                    LockSupport.parkNanos(100_000_000L);
                }
            }, "worker-stats");
            stats.setDaemon(true);
            stats.start();
            switch (p.getProperty("command")) {
                case "load" -> load(p, url, credentials);
                case "rows" -> RowLoad.run(p, url, credentials);
                case "watch" -> {
                    // fill, then re-read until the database really runs the query again (its first column changes)
                    String sql = p.getProperty("sql");
                    String seen = once(first, sql);
                    String now = seen;
                    long deadline = System.nanoTime()
                            + Long.parseLong(p.getProperty("watchSeconds", "30")) * 1_000_000_000L;
                    while (now.equals(seen) && System.nanoTime() < deadline && !stop) {
                        LockSupport.parkNanos(5_000_000L); // pacing only: the test waits for the change itself
                        now = once(first, sql);
                    }
                    say("CHANGED " + !now.equals(seen));
                }
                case "once" -> {
                    long before = settled(first); // the warm-up's hit or store must not count for this query
                    say("VALUE " + once(first, p.getProperty("sql")));
                    awaitSettled(first, before);
                }
                default -> throw new IllegalArgumentException(p.getProperty("command"));
            }
            stop = true;
            say("DONE " + stats(first));
        }
        System.exit(0);
    }

    static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Polls (with a deadline) until the cluster's shared tier answers from Redis. */
    private static void awaitSharedTierUp(Connection c) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            SharedTierStatistics s = Cachet.cluster(c).statistics().shared();
            if (s == null) {
                throw new IllegalStateException("no shared tier");
            }
            if (s.state().equals("up")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("shared tier not up: " + s);
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    /** Shared hits, lease-wait hits and stores so far: one of them grows when a query's outcome has settled. */
    private static long settled(Connection c) throws Exception {
        SharedTierStatistics s = Cachet.cluster(c).statistics().shared();
        return s.hits() + s.leaseWaitHits() + s.stores();
    }

    /**
     * Polls (with a deadline) until the one query was a hit from Redis, or its fill reached Redis: the process exits
     * right after, and a fill still on its way would die with it.
     */
    private static void awaitSettled(Connection c, long before) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (settled(c) > before) {
                return;
            }
            LockSupport.parkNanos(5_000_000L);
        }
        say("ERROR neither a hit nor a store: " + stats(c));
    }

    private static String stats(Connection c) {
        try {
            ClusterStatistics s = Cachet.cluster(c).statistics();
            SharedTierStatistics t = s.shared();
            return "reads=" + reads.get() + " failures=" + failures.get() + " writes=" + writes.get()
                    + " hits=" + s.hits() + " misses=" + s.misses() + " sharedHits=" + t.hits()
                    + " sharedMisses=" + t.misses() + " stores=" + t.stores() + " fallbacks=" + t.fallbacks()
                    + " badValues=" + t.badValues() + " leaseWaitHits=" + t.leaseWaitHits()
                    + " leaseWaitTimeouts=" + t.leaseWaitTimeouts()
                    + " messagesReceived=" + t.messagesReceived() + " catalogChanges=" + t.catalogChanges()
                    + " localChecks=" + t.localChecks()
                    + " state=" + t.state();
        } catch (SQLException e) {
            return "error=" + e.getClass().getSimpleName();
        }
    }

    private static String once(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            String v = rs.getString(1);
            reads.incrementAndGet();
            return v;
        }
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    // ---------------------------------------------------------------- load

    private static void load(Properties p, String url, Properties credentials) throws Exception {
        String[] tables = p.getProperty("tables").split(",");
        String[] own = p.getProperty("own").isEmpty() ? new String[0] : p.getProperty("own").split(",");
        int readers = Integer.parseInt(p.getProperty("readers"));
        long readTarget = Long.parseLong(p.getProperty("reads"));
        long writePauseNanos = Long.parseLong(p.getProperty("writePauseMicros")) * 1000;
        long endNanos = System.nanoTime() + Long.parseLong(p.getProperty("maxSeconds")) * 1_000_000_000L;
        List<long[]> acks = new ArrayList<>();      // table, value, micros
        List<long[]> observations = new ArrayList<>(); // table, value seen, read start micros
        List<Thread> threads = new ArrayList<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (String table : own) {
            int index = indexOf(tables, table);
            threads.add(new Thread(() -> {
                List<long[]> mine = new ArrayList<>();
                try (Connection c = DriverManager.getConnection(url, credentials);
                     PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET v = ? WHERE id = 1")) {
                    long v = currentValue(c, table);
                    while (!stop && System.nanoTime() < endNanos) {
                        v++;
                        boolean inTransaction = v % 3 == 0;
                        try {
                            if (inTransaction) {
                                c.setAutoCommit(false);
                            }
                            update.setLong(1, v);
                            update.executeUpdate();
                            if (inTransaction) {
                                c.commit();
                                c.setAutoCommit(true);
                            }
                            mine.add(new long[] {index, v, nowMicros()});
                            writes.incrementAndGet();
                        } catch (SQLException e) {
                            failures.incrementAndGet();
                            errors.add("write: " + e);
                            v = recover(c, table);
                        }
                        LockSupport.parkNanos(writePauseNanos); // pacing only: writes stay rarer than reads
                    }
                } catch (SQLException e) {
                    failures.incrementAndGet();
                    errors.add("writer: " + e);
                }
                synchronized (acks) {
                    acks.addAll(mine);
                }
            }, "writer-" + table));
        }
        for (int r = 0; r < readers; r++) {
            threads.add(new Thread(() -> {
                List<long[]> mine = new ArrayList<>();
                try (Connection c = DriverManager.getConnection(url, credentials)) {
                    PreparedStatement[] single = new PreparedStatement[tables.length];
                    for (int i = 0; i < tables.length; i++) {
                        single[i] = c.prepareStatement("SELECT v FROM " + tables[i] + " WHERE id = 1");
                    }
                    PreparedStatement pair = tables.length < 2 ? null : c.prepareStatement("SELECT a.v, b.v FROM "
                            + tables[0] + " a, " + tables[1] + " b WHERE a.id = 1 AND b.id = 1");
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (!stop && System.nanoTime() < endNanos && reads.get() < readTarget) {
                        int i = random.nextInt(tables.length + (pair == null ? 0 : 1));
                        long start = nowMicros();
                        try {
                            if (i < tables.length) {
                                try (ResultSet rs = single[i].executeQuery()) {
                                    rs.next();
                                    mine.add(new long[] {i, rs.getLong(1), start});
                                }
                            } else {
                                try (ResultSet rs = pair.executeQuery()) {
                                    rs.next();
                                    mine.add(new long[] {0, rs.getLong(1), start});
                                    mine.add(new long[] {1, rs.getLong(2), start});
                                }
                            }
                            reads.incrementAndGet();
                        } catch (SQLException e) {
                            failures.incrementAndGet();
                            errors.add("read: " + e);
                        }
                    }
                } catch (SQLException e) {
                    failures.incrementAndGet();
                    errors.add("reader: " + e);
                }
                synchronized (observations) {
                    observations.addAll(mine);
                }
            }, "reader-" + r));
        }
        threads.forEach(Thread::start);
        // readers end by the target or the time; writers then stop too
        for (Thread t : threads) {
            if (t.getName().startsWith("reader-")) {
                t.join();
            }
        }
        stop = true;
        for (Thread t : threads) {
            t.join();
        }
        for (String e : errors.subList(0, Math.min(5, errors.size()))) {
            say("ERROR " + e.replace('\n', ' '));
        }
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                new FileOutputStream(p.getProperty("out"))))) {
            out.writeInt(acks.size());
            for (long[] a : acks) {
                out.writeLong(a[0]);
                out.writeLong(a[1]);
                out.writeLong(a[2]);
            }
            out.writeInt(observations.size());
            for (long[] o : observations) {
                out.writeLong(o[0]);
                out.writeLong(o[1]);
                out.writeLong(o[2]);
            }
        }
    }

    private static int indexOf(String[] tables, String table) {
        for (int i = 0; i < tables.length; i++) {
            if (tables[i].equals(table)) {
                return i;
            }
        }
        throw new IllegalArgumentException(table);
    }

    private static long currentValue(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT v FROM " + table + " WHERE id = 1 FOR UPDATE");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** After a failed write: roll back what is open and carry on from the value the database holds. */
    private static long recover(Connection c, String table) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
            c.setAutoCommit(true);
        }
        return currentValue(c, table);
    }
}
