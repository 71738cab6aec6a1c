package dev.cachet.bench.cache;

import dev.cachet.cache.CacheSettings;
import dev.cachet.cache.ColumnMetadata;
import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultCache;
import dev.cachet.cache.ResultMetadata;
import dev.cachet.cache.SessionKey;
import dev.cachet.cache.ValueProfile;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cache hit path of a prepared statement with two parameters: build the key, look it up, open a
 * result set over the 10-row x 5-column result and read every value (getInt, getString, getLong,
 * getTimestamp, getBigDecimal). {@code keyAndLookup} and {@code readOnly} split the cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CacheHitBenchmark {

    private static final String SQL =
            "SELECT id, name, quantity, created_at, price FROM orders WHERE customer_id = ? AND status = ?";
    private static final int[] TYPES = {Types.INTEGER, Types.VARCHAR};

    /** Where Caffeine's maintenance runs: the common pool (Caffeine's default) or the calling thread. */
    @Param({"commonPool", "callerThread"})
    public String maintenance;

    private ResultCache cache;
    private SessionKey session;
    private Object[] parameters;
    private MaterializedResult result;
    private final java.util.concurrent.ConcurrentHashMap<String, Object> baselineMap =
            new java.util.concurrent.ConcurrentHashMap<>(java.util.Map.of(SQL, "x"));

    @Setup
    public void setUp() throws SQLException {
        cache = new ResultCache(CacheSettings.builder()
                .executor(maintenance.equals("commonPool") ? ForkJoinPool.commonPool() : Runnable::run).build());
        session = SessionKey.of("app", "shop", "public", null, null, "H2");
        parameters = new Object[] {42, "open"};
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(new Object[] {1000 + i, "order-" + i, 5_000_000_000L + i,
                new Timestamp(1_700_000_000_000L + i * 60_000L), new BigDecimal("19.99").add(BigDecimal.valueOf(i))});
        }
        MaterializedResult r = MaterializedResult.of(new ResultMetadata(
                column("ID", Types.INTEGER, "INTEGER", "java.lang.Integer"),
                column("NAME", Types.VARCHAR, "CHARACTER VARYING", "java.lang.String"),
                column("QUANTITY", Types.BIGINT, "BIGINT", "java.lang.Long"),
                column("CREATED_AT", Types.TIMESTAMP, "TIMESTAMP", "java.sql.Timestamp"),
                column("PRICE", Types.DECIMAL, "DECIMAL", "java.math.BigDecimal")), ValueProfile.standard(), rows);
        QueryKey key = QueryKey.of(session, SQL, parameters, TYPES, 0, ResultSet.TYPE_FORWARD_ONLY);
        if (!cache.complete(cache.beginFill(key, Set.of("orders"), null), r)) {
            throw new IllegalStateException("not stored");
        }
        result = cache.get(key);
    }

    private static ColumnMetadata column(String label, int type, String typeName, String className) {
        return new ColumnMetadata(label, label, type, typeName, className, 10, 0, 10,
                ResultSetMetaData.columnNullable, true, false, true, false, true, true, false, false, "PUBLIC",
                "ORDERS", "SHOP");
    }

    @Benchmark
    public void hit(Blackhole bh) throws SQLException {
        QueryKey key = QueryKey.of(session, SQL, parameters, TYPES, 0, ResultSet.TYPE_FORWARD_ONLY);
        MaterializedResult r = cache.get(key);
        readAll(r.toResultSet(null), bh);
    }

    /** A bare ConcurrentHashMap look-up: a yardstick for how loaded the machine is during the run. */
    @Benchmark
    public Object baselineMapGet() {
        return baselineMap.get(SQL);
    }

    @Benchmark
    public MaterializedResult keyAndLookup() {
        return cache.get(QueryKey.of(session, SQL, parameters, TYPES, 0, ResultSet.TYPE_FORWARD_ONLY));
    }

    @Benchmark
    public void readOnly(Blackhole bh) throws SQLException {
        readAll(result.toResultSet(null), bh);
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
