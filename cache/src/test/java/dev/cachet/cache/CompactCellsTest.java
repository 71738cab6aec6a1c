package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compact cell form under a result set: a profile's own integer and timestamp getters still answer (the
 * straight-from-the-bytes reads are only for the built-in codecs), every row is reached forward and by scrolling,
 * and each {@code getTimestamp} hands out a fresh instance.
 */
class CompactCellsTest {

    private static final ResultMetadata METADATA = new ResultMetadata(
            TestResults.column("N", Types.INTEGER, "INTEGER", "java.lang.Integer"),
            TestResults.column("L", Types.BIGINT, "BIGINT", "java.lang.Long"),
            TestResults.column("S", Types.VARCHAR, "CHARACTER VARYING", "java.lang.String"),
            TestResults.column("T", Types.TIMESTAMP, "TIMESTAMP", "java.sql.Timestamp"),
            TestResults.column("D", Types.DECIMAL, "DECIMAL", "java.math.BigDecimal"));

    /** A profile whose driver reads integers one higher and timestamps a second later than the value. */
    private static final ValueProfile SKEWED = column -> new ColumnCodec() {
        @Override
        public int getInt(Object captured) throws SQLException {
            return super.getInt(captured) + 1;
        }

        @Override
        public long getLong(Object captured) throws SQLException {
            return super.getLong(captured) + 1;
        }

        @Override
        public String getString(Object captured) throws SQLException {
            return "<" + super.getString(captured) + ">";
        }

        @Override
        public java.math.BigDecimal getBigDecimal(Object captured) throws SQLException {
            return super.getBigDecimal(captured).add(java.math.BigDecimal.ONE);
        }

        @Override
        public Timestamp getTimestamp(Object captured, java.util.Calendar calendar) throws SQLException {
            Timestamp t = super.getTimestamp(captured, calendar);
            t.setTime(t.getTime() + 1000);
            return t;
        }
    };

    private static List<Object[]> rows(int n) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Timestamp t = new Timestamp(1_700_000_000_000L + i * 1000L);
            t.setNanos(123_456_789);
            rows.add(new Object[] {i * 1000, (long) i << 40, i % 3 == 0 ? null : i % 3 == 1 ? "s\u00e9\u4e2d" + i : "latin " + i, t,
                java.math.BigDecimal.valueOf(i * 101L, 2)});
        }
        return rows;
    }

    @Test
    void aProfilesOwnIntegerAndTimestampGettersAnswer() throws SQLException {
        ResultSet rs = MaterializedResult.of(METADATA, SKEWED, rows(3)).toResultSet(null);
        for (int i = 0; i < 3; i++) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(i * 1000 + 1);
            assertThat(rs.getLong(1)).isEqualTo(i * 1000 + 1);
            assertThat(rs.getLong(2)).isEqualTo(((long) i << 40) + 1);
            assertThat(rs.getTimestamp(4).getTime()).isEqualTo(1_700_000_000_123L + i * 1000L + 1000);
            assertThat(rs.getString(3)).isEqualTo(i % 3 == 0 ? null : i % 3 == 1 ? "<s\u00e9\u4e2d" + i + ">" : "<latin " + i + ">");
            assertThat(rs.getBigDecimal(5)).isEqualTo(java.math.BigDecimal.valueOf(i * 101L + 100, 2));
        }
    }

    @Test
    void theStandardProfileReadsTheSameValuesStraightFromTheBytes() throws SQLException {
        ResultSet rs = MaterializedResult.of(METADATA, ValueProfile.standard(), rows(3)).toResultSet(null);
        for (int i = 0; i < 3; i++) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(i * 1000);
            assertThat(rs.getLong(2)).isEqualTo((long) i << 40);
            Timestamp first = rs.getTimestamp(4);
            Timestamp second = rs.getTimestamp(4);
            assertThat(first).isNotSameAs(second).isEqualTo(second);
            assertThat(first.getNanos()).isEqualTo(123_456_789);
            first.setTime(0);
            assertThat(rs.getTimestamp(4).getTime()).isEqualTo(1_700_000_000_123L + i * 1000L);
            assertThat(rs.wasNull()).isFalse();
            assertThat(rs.getString(3)).isEqualTo(i % 3 == 0 ? null : i % 3 == 1 ? "s\u00e9\u4e2d" + i : "latin " + i);
            assertThat(rs.wasNull()).isEqualTo(i % 3 == 0);
            assertThat(rs.getBigDecimal(5)).isEqualTo(java.math.BigDecimal.valueOf(i * 101L, 2));
        }
        assertThat(rs.next()).isFalse();
    }

    @Test
    void everyRowIsReachedByScrolling() throws SQLException {
        int n = 50;
        ResultSet rs = MaterializedResult.of(METADATA, ValueProfile.standard(), rows(n))
                .toResultSet(null, ResultSet.TYPE_SCROLL_INSENSITIVE);
        for (int i = n; i >= 1; i--) {
            assertThat(rs.absolute(i)).isTrue();
            assertThat(rs.getInt(1)).isEqualTo((i - 1) * 1000);
        }
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1000);
        assertThat(rs.last()).isTrue();
        assertThat(rs.getString(3)).isEqualTo((n - 1) % 3 == 0 ? null : (n - 1) % 3 == 1 ? "s\u00e9\u4e2d" + (n - 1)
                : "latin " + (n - 1));
        assertThat(rs.previous()).isTrue();
        assertThat(rs.getLong(2)).isEqualTo((long) (n - 2) << 40);
        rs.beforeFirst();
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isZero();
    }
}
