package dev.cachet.bench.fastpath;

import dev.cachet.bench.workload.ParserWarmUp;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three paths of issue 10, each beside the direct driver in the same JMH run, as throughput:
 *
 * <ul>
 *   <li>{@code directMiss} / {@code cachetMiss}: a prepared point query of one row x 6 columns (INT, VARCHAR,
 *       DECIMAL, INT, VARCHAR, TIMESTAMP) whose second parameter is new on every call, so Cachet misses every
 *       time — read with {@code getInt}, {@code getString}, {@code getBigDecimal}, {@code getInt},
 *       {@code getString}, {@code getTimestamp}. With the default {@code cachet.admission=adaptive} the statement's
 *       fills never earn a hit, so after its first 512 fills its misses stop filling (second sight): what such a
 *       miss costs the application;
 *   <li>{@code cachetMissFullCache}: the same misses against a cache that already holds {@link #FULL_ENTRIES}
 *       entries of another statement (filled at the first call), as a cache in production does: the look-up of a
 *       key the cache does not hold then reaches into a map of that size;
 *   <li>{@code cachetFill}: the same misses with {@code cachet.admission=always}, so every one fills (query, tee,
 *       store; evictions past the 64 MB bound): what an admitted miss, a fill, costs;
 *   <li>{@code directHit} / {@code cachetHit}: a prepared point query of one row x 5 columns over 1,000 hot
 *       keys, every one cached after the warm-up;
 *   <li>{@code cachetOff}: the miss statement through Cachet with {@code cachet.enabled=false};
 *   <li>{@code directWrite} / {@code cachetWrite} / {@code cachetOffWrite}: a prepared autocommit
 *       {@code UPDATE … WHERE id = ?} of one row by its primary key, each thread over its own stretch of keys: what
 *       a write's bookkeeping costs (row-precise scope, invalidation, the switch's counters), with the cache on and
 *       off.
 * </ul>
 *
 * <p>Backends ({@code -p backend=}): {@code h2} (in memory), {@code postgres} (the server at
 * {@code -Dcachet.bench.pg.host}, default {@code 127.0.0.1:5432}, user postgres, a throwaway database created and
 * dropped), {@code mariadb} ({@code -Dcachet.bench.mariadb}, default {@code 127.0.0.1:3306}, root, a throwaway
 * database). Run with {@code -t 1}, {@code -t 8} … for threads: every thread has its own connections, the cache
 * is shared (one cluster per contender in the JVM).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class FastPathBenchmark {

    static final String MISS = "SELECT id, name, price, qty, category, updated_at FROM fp_items WHERE id = ? AND ? >= 0";
    static final String HIT = "SELECT id, name, price, qty, updated_at FROM fp_items WHERE id = ?";
    static final int ROWS = 10_000;
    static final int HOT = 1_000;
    static final String WRITE = "UPDATE fp_items SET qty = ? WHERE id = ?";
    /** Entries the populated cache holds before {@code cachetMissFullCache} measures (≈ 50 MB of its 64 MB). */
    static final int FULL_ENTRIES = 100_000;
    static final String FULL_FILLER = "SELECT id, name, price, qty FROM fp_items WHERE id = ? AND ? >= 1";

    /** The database: created once per trial, dropped at its end. */
    @State(Scope.Benchmark)
    public static class Database {
        @Param({"h2"})
        public String backend;

        String url;
        Properties credentials = new Properties();
        private String name;
        private Connection admin;
        final AtomicLong distinct = new AtomicLong();
        private volatile boolean fullCacheFilled;

        /**
         * Fills the populated cache once: each of {@link #FULL_ENTRIES} keys of another statement read twice, so it is
         * stored under either admission (first sight fills the first read, second sight the second).
         */
        synchronized void fillFullCache(Connection cachet) throws SQLException {
            if (fullCacheFilled) {
                return;
            }
            try (PreparedStatement ps = cachet.prepareStatement(FULL_FILLER)) {
                for (int i = 1; i <= FULL_ENTRIES; i++) {
                    for (int read = 0; read < 2; read++) {
                        ps.setInt(1, 1 + i % ROWS);
                        ps.setInt(2, i);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                rs.getInt(1);
                            }
                        }
                    }
                }
            }
            fullCacheFilled = true;
        }

        @Setup(Level.Trial)
        public void create() throws Exception {
            Class.forName("dev.cachet.driver.CachetDriver");
            ParserWarmUp.run();
            name = "cachet_fp_" + UUID.randomUUID().toString().substring(0, 8);
            switch (backend) {
                case "h2" -> url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
                case "postgres" -> {
                    String host = System.getProperty("cachet.bench.pg.host", "127.0.0.1:5432");
                    credentials.setProperty("user", System.getProperty("cachet.bench.pg.user", "postgres"));
                    credentials.setProperty("password", System.getProperty("cachet.bench.pg.password", ""));
                    admin = DriverManager.getConnection("jdbc:postgresql://" + host + "/postgres", credentials);
                    try (Statement s = admin.createStatement()) {
                        s.execute("CREATE DATABASE " + name);
                    }
                    url = "jdbc:postgresql://" + host + "/" + name;
                }
                case "mariadb" -> {
                    String host = System.getProperty("cachet.bench.mariadb", "127.0.0.1:3306");
                    credentials.setProperty("user", "root");
                    credentials.setProperty("password", "");
                    admin = DriverManager.getConnection("jdbc:mariadb://" + host + "/", credentials);
                    try (Statement s = admin.createStatement()) {
                        s.execute("CREATE DATABASE " + name);
                    }
                    url = "jdbc:mariadb://" + host + "/" + name;
                }
                default -> throw new IllegalArgumentException("backend must be h2, postgres or mariadb: " + backend);
            }
            try (Connection c = DriverManager.getConnection(url, credentials); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE fp_items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, "
                        + "price DECIMAL(10,2) NOT NULL, qty INT NOT NULL, category VARCHAR(20) NOT NULL, "
                        + "updated_at TIMESTAMP NOT NULL)");
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO fp_items VALUES (?, ?, ?, ?, ?, ?)")) {
                    for (int i = 1; i <= ROWS; i++) {
                        insert.setInt(1, i);
                        insert.setString(2, "item number " + i);
                        insert.setBigDecimal(3, java.math.BigDecimal.valueOf(100 + i % 9000, 2));
                        insert.setInt(4, i % 500);
                        insert.setString(5, "category-" + (i % 17));
                        insert.setTimestamp(6, new java.sql.Timestamp(1_700_000_000_000L + i * 61_000L + i % 1000));
                        insert.addBatch();
                        if (i % 1000 == 0) {
                            insert.executeBatch();
                        }
                    }
                }
                c.commit();
                if (backend.equals("postgres")) {
                    c.setAutoCommit(true);
                    s.execute("ANALYZE fp_items");
                }
            }
        }

        @TearDown(Level.Trial)
        public void drop() throws SQLException {
            if (admin != null) {
                try (Statement s = admin.createStatement()) {
                    s.execute(backend.equals("postgres") ? "DROP DATABASE " + name + " WITH (FORCE)"
                            : "DROP DATABASE " + name);
                }
                admin.close();
            } else if (backend.equals("h2")) {
                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                }
            }
        }

        String cachetUrl() {
            return "jdbc:cachet:" + url.substring("jdbc:".length());
        }
    }

    /** One thread's connections and statements. */
    @State(Scope.Thread)
    public static class Session {
        Connection direct;
        Connection cachetOn;
        Connection cachetOff;
        Connection cachetFill;
        Connection cachetFull;
        PreparedStatement directMiss;
        PreparedStatement cachetMiss;
        PreparedStatement cachetOffMiss;
        PreparedStatement cachetFillMiss;
        PreparedStatement cachetFullMiss;
        PreparedStatement directHit;
        PreparedStatement cachetHit;
        PreparedStatement directWrite;
        PreparedStatement cachetWrite;
        PreparedStatement cachetOffWrite;
        int hot;
        int written;
        int writeBase;

        @Setup(Level.Trial)
        public void open(Database db) throws SQLException {
            direct = DriverManager.getConnection(db.url, db.credentials);
            cachetOn = cachet(db, "cachet.cluster", "fastpath-on-" + db.backend, "cachet.maxBytes", "64MB");
            cachetOff = cachet(db, "cachet.cluster", "fastpath-off-" + db.backend, "cachet.enabled", "false");
            cachetFill = cachet(db, "cachet.cluster", "fastpath-fill-" + db.backend, "cachet.maxBytes", "64MB",
                    "cachet.admission", "always");
            // a cluster of this database's own, its entries kept for the whole run: the cache holds exactly the filler
            cachetFull = cachet(db, "cachet.cluster", "fastpath-full-" + db.name, "cachet.maxBytes", "64MB",
                    "cachet.ttl", "1h");
            directMiss = direct.prepareStatement(MISS);
            cachetMiss = cachetOn.prepareStatement(MISS);
            cachetOffMiss = cachetOff.prepareStatement(MISS);
            cachetFillMiss = cachetFill.prepareStatement(MISS);
            cachetFullMiss = cachetFull.prepareStatement(MISS);
            directHit = direct.prepareStatement(HIT);
            cachetHit = cachetOn.prepareStatement(HIT);
            directWrite = direct.prepareStatement(WRITE);
            cachetWrite = cachetOn.prepareStatement(WRITE);
            cachetOffWrite = cachetOff.prepareStatement(WRITE);
            hot = (int) (Thread.currentThread().getId() % HOT);
            // threads write apart, so that they never wait on each other's row locks
            writeBase = (int) (Thread.currentThread().getId() * 997 % ROWS);
        }

        /** A Cachet connection to the database with {@code settings} (name, value, name, value …). */
        private static Connection cachet(Database db, String... settings) throws SQLException {
            Properties p = new Properties();
            p.putAll(db.credentials);
            for (int i = 0; i < settings.length; i += 2) {
                p.setProperty(settings[i], settings[i + 1]);
            }
            return DriverManager.getConnection(db.cachetUrl(), p);
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            for (Connection c : new Connection[] {cachetOn, cachetOff, cachetFill, cachetFull, direct}) {
                c.close();
            }
        }
    }

    static long readMiss(PreparedStatement ps) throws SQLException {
        long acc = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                acc += rs.getInt(1) + rs.getString(2).length() + rs.getBigDecimal(3).scale() + rs.getInt(4)
                        + rs.getString(5).length() + rs.getTimestamp(6).getNanos();
            }
        }
        return acc;
    }

    static long readHit(PreparedStatement ps) throws SQLException {
        long acc = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                acc += rs.getInt(1) + rs.getString(2).length() + rs.getBigDecimal(3).scale() + rs.getInt(4)
                        + rs.getTimestamp(5).getNanos();
            }
        }
        return acc;
    }

    static long miss(Database db, PreparedStatement ps) throws SQLException {
        long n = db.distinct.incrementAndGet();
        ps.setInt(1, (int) (1 + n % ROWS));
        ps.setLong(2, n);
        return readMiss(ps);
    }

    /** A miss against the populated cache, which the first call fills. */
    static long missFullCache(Database db, Session s) throws SQLException {
        if (!db.fullCacheFilled) {
            db.fillFullCache(s.cachetFull);
        }
        return miss(db, s.cachetFullMiss);
    }

    static long hit(Session s, PreparedStatement ps) throws SQLException {
        int id = s.hot + 1;
        s.hot = id == HOT ? 0 : id;
        ps.setInt(1, id);
        return readHit(ps);
    }

    static long write(Session s, PreparedStatement ps) throws SQLException {
        int n = s.written++;
        ps.setInt(1, n);
        ps.setInt(2, 1 + (s.writeBase + n % 500) % ROWS);
        return ps.executeUpdate();
    }

    @Benchmark
    public long directMiss(Database db, Session s) throws SQLException {
        return miss(db, s.directMiss);
    }

    @Benchmark
    public long cachetMiss(Database db, Session s) throws SQLException {
        return miss(db, s.cachetMiss);
    }

    @Benchmark
    public long cachetMissFullCache(Database db, Session s) throws SQLException {
        return missFullCache(db, s);
    }

    @Benchmark
    public long cachetFill(Database db, Session s) throws SQLException {
        return miss(db, s.cachetFillMiss);
    }

    @Benchmark
    public long cachetOff(Database db, Session s) throws SQLException {
        return miss(db, s.cachetOffMiss);
    }

    @Benchmark
    public long directHit(Session s) throws SQLException {
        return hit(s, s.directHit);
    }

    @Benchmark
    public long cachetHit(Session s) throws SQLException {
        return hit(s, s.cachetHit);
    }

    @Benchmark
    public long directWrite(Session s) throws SQLException {
        return write(s, s.directWrite);
    }

    @Benchmark
    public long cachetWrite(Session s) throws SQLException {
        return write(s, s.cachetWrite);
    }

    @Benchmark
    public long cachetOffWrite(Session s) throws SQLException {
        return write(s, s.cachetOffWrite);
    }
}
