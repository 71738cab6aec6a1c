package dev.cachet.bench.cache;

import dev.cachet.cache.CacheSettings;
import dev.cachet.cache.FillTicket;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultCache;
import dev.cachet.cache.ResultTee;
import dev.cachet.cache.SessionKey;
import dev.cachet.cache.ValueProfile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of the tee on a miss: an in-memory H2 query of 100 rows x 5 columns (INT, VARCHAR, BIGINT,
 * TIMESTAMP, DECIMAL) read with typed getters, plain ({@code plain}) and through {@link ResultTee}
 * building the copy and storing it ({@code teed}). H2 in memory is the worst case for the tee's share:
 * a real database round trip costs far more than the query here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TeeBenchmark {

    private static final String SQL = "SELECT ID, NAME, QUANTITY, CREATED_AT, PRICE FROM ORDERS ORDER BY ID";

    private Connection connection;
    private PreparedStatement statement;
    private ResultCache cache;
    private QueryKey key;

    @Setup
    public void setUp() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:tee" + System.nanoTime());
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE ORDERS (ID INT PRIMARY KEY, NAME VARCHAR(40), QUANTITY BIGINT, "
                    + "CREATED_AT TIMESTAMP, PRICE DECIMAL(12, 2))");
            s.execute("INSERT INTO ORDERS SELECT X, 'order-' || X, X * 1000, "
                    + "TIMESTAMP '2024-01-01 00:00:00' + X * INTERVAL '1' MINUTE, X * 1.25 FROM SYSTEM_RANGE(1, 100)");
        }
        statement = connection.prepareStatement(SQL);
        cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
        key = QueryKey.of(SessionKey.of("app", "db", "public", null, null, "H2"), SQL, null, null, 0,
                ResultSet.TYPE_FORWARD_ONLY);
    }

    @TearDown
    public void tearDown() throws SQLException {
        connection.close();
    }

    @Benchmark
    public void plain(Blackhole bh) throws SQLException {
        readAll(statement.executeQuery(), bh);
    }

    @Benchmark
    public void teed(Blackhole bh) throws SQLException {
        FillTicket ticket = cache.beginFill(key, Set.of("orders"), null);
        readAll(ResultTee.wrap(statement.executeQuery(), statement, ticket, cache, ValueProfile.standard()), bh);
    }

    private static void readAll(ResultSet rs, Blackhole bh) throws SQLException {
        while (rs.next()) {
            bh.consume(rs.getInt(1));
            bh.consume(rs.getString(2));
            bh.consume(rs.getLong(3));
            bh.consume(rs.getTimestamp(4));
            bh.consume(rs.getBigDecimal(5));
        }
        rs.close();
    }
}
