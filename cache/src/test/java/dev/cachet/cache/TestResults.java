package dev.cachet.cache;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Small results and settings for tests. */
final class TestResults {

    private TestResults() {
    }

    static final SessionKey SESSION = SessionKey.of("app", "db", "public", null, null, "H2");

    static QueryKey key(String sql, Object... parameters) {
        return QueryKey.of(SESSION, sql, parameters, null, 0, ResultSet.TYPE_FORWARD_ONLY);
    }

    static ColumnMetadata column(String label, int type, String typeName, String className) {
        return new ColumnMetadata(label, label, type, typeName, className, 10, 0, 10,
                ResultSetMetaData.columnNullable, true, false, true, false, true, true, false, false, "PUBLIC",
                "T", "DB");
    }

    /** A one-column BIGINT result holding {@code value} in each of {@code rows} rows. */
    static MaterializedResult longs(long value, int rows) {
        List<Object[]> data = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            data.add(new Object[] {value});
        }
        try {
            return MaterializedResult.of(new ResultMetadata(column("V", Types.BIGINT, "BIGINT", "java.lang.Long")),
                    ValueProfile.standard(), data);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** A controllable clock for TTLs and block timeouts. */
    static final class FakeTicker implements com.github.benmanes.caffeine.cache.Ticker {
        final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(java.time.Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }
}
