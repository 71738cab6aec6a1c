package dev.cachet.bench.driver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import dev.cachet.bench.workload.ParserWarmUp;
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
 * One execute of a prepared point query — bind, execute, read the row's four columns, close the result — through
 * the direct driver and through Cachet, on one held connection each:
 *
 * <ul>
 *   <li>{@code direct}: the real driver (H2 in memory, or PostgreSQL on loopback with {@code -p backend=postgres}).
 *   <li>{@code cachetHit}: Cachet with the cache on, the same key every time — a cache hit after the first.
 *   <li>{@code cachetCacheOff}: Cachet with {@code cachet.enabled=false}: analysis, routing and wrapping only.
 *   <li>{@code directMiss} / {@code cachetMiss}: a statement whose second parameter changes on every call, so
 *       Cachet misses every time (run on the database, tee the rows, store the entry, evict past the byte
 *       bound) — the price of a miss against the same statement run directly.
 * </ul>
 *
 * <p>PostgreSQL: {@code -p backend=postgres}, URL from {@code -Dcachet.bench.pg.url} (default
 * {@code jdbc:postgresql://127.0.0.1:26432/cachet_bench}, user postgres); the benchmark creates its own table
 * {@code jmh_products}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class ExecutePathBenchmark {

    static final String POINT = "SELECT id, name, price, stock FROM jmh_products WHERE id = ?";
    static final String POINT_DISTINCT = "SELECT id, name, price, stock FROM jmh_products WHERE id = ? AND ? >= 0";
    static final int ROWS = 10_000;

    @Param({"h2"})
    public String backend;

    private Connection direct;
    private Connection cachetOn;
    private Connection cachetOff;
    private PreparedStatement directPoint;
    private PreparedStatement cachetOnPoint;
    private PreparedStatement cachetOffPoint;
    private PreparedStatement directDistinct;
    private PreparedStatement cachetOnDistinct;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Class.forName("dev.cachet.driver.CachetDriver");
        ParserWarmUp.run();
        String url = realUrl();
        Properties credentials = new Properties();
        if (backend.equals("postgres")) {
            credentials.setProperty("user", System.getProperty("cachet.bench.pg.user", "postgres"));
            credentials.setProperty("password", System.getProperty("cachet.bench.pg.password", ""));
        }
        direct = DriverManager.getConnection(url, credentials);
        createTable(direct, backend.equals("postgres"));
        String cachetUrl = "jdbc:cachet:" + url.substring("jdbc:".length());
        Properties on = new Properties();
        on.putAll(credentials);
        on.setProperty("cachet.cluster", "jmh-on-" + backend);
        on.setProperty("cachet.maxBytes", "64MB");
        cachetOn = DriverManager.getConnection(cachetUrl, on);
        Properties off = new Properties();
        off.putAll(credentials);
        off.setProperty("cachet.cluster", "jmh-off-" + backend);
        off.setProperty("cachet.enabled", "false");
        cachetOff = DriverManager.getConnection(cachetUrl, off);
        directPoint = direct.prepareStatement(POINT);
        cachetOnPoint = cachetOn.prepareStatement(POINT);
        cachetOffPoint = cachetOff.prepareStatement(POINT);
        directDistinct = direct.prepareStatement(POINT_DISTINCT);
        cachetOnDistinct = cachetOn.prepareStatement(POINT_DISTINCT);
    }

    private String realUrl() {
        if (backend.equals("postgres")) {
            return System.getProperty("cachet.bench.pg.url", "jdbc:postgresql://127.0.0.1:26432/cachet_bench");
        }
        return "jdbc:h2:mem:jmh_execute;DB_CLOSE_DELAY=-1";
    }

    static void createTable(Connection c, boolean postgres) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS jmh_products");
            s.execute("CREATE TABLE jmh_products (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, "
                    + "price NUMERIC(10,2) NOT NULL, stock INT NOT NULL)");
            if (postgres) {
                s.execute("INSERT INTO jmh_products SELECT g, 'product-' || g, (g % 10000) / 100.0 + 1, 1000 "
                        + "FROM generate_series(1, " + ROWS + ") g");
                s.execute("ANALYZE jmh_products");
            } else {
                s.execute("INSERT INTO jmh_products SELECT X, 'product-' || X, MOD(X, 10000) / 100.0 + 1, 1000 "
                        + "FROM SYSTEM_RANGE(1, " + ROWS + ")");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        for (Connection c : new Connection[] {cachetOn, cachetOff, direct}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static long read(PreparedStatement ps) throws SQLException {
        long acc = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                acc += rs.getLong(1) + rs.getString(2).length() + rs.getBigDecimal(3).scale() + rs.getInt(4);
            }
        }
        return acc;
    }

    @Benchmark
    public long direct() throws SQLException {
        directPoint.setLong(1, 42);
        return read(directPoint);
    }

    @Benchmark
    public long cachetHit() throws SQLException {
        cachetOnPoint.setLong(1, 42);
        return read(cachetOnPoint);
    }

    @Benchmark
    public long cachetCacheOff() throws SQLException {
        cachetOffPoint.setLong(1, 42);
        return read(cachetOffPoint);
    }

    @Benchmark
    public long directMiss() throws SQLException {
        long n = ++counter;
        directDistinct.setLong(1, 1 + n % ROWS);
        directDistinct.setLong(2, n);
        return read(directDistinct);
    }

    @Benchmark
    public long cachetMiss() throws SQLException {
        long n = ++counter;
        cachetOnDistinct.setLong(1, 1 + n % ROWS);
        cachetOnDistinct.setLong(2, n);
        return read(cachetOnDistinct);
    }
}
