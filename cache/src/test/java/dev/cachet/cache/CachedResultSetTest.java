package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachedResultSetTest {

    private static MaterializedResult threeRows() throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            rows.add(new Object[] {i, new byte[] {(byte) i}, new Timestamp(1_000_000L * i), "x" + i});
        }
        return MaterializedResult.of(new ResultMetadata(
                TestResults.column("ID", Types.INTEGER, "INTEGER", "java.lang.Integer"),
                TestResults.column("B", Types.VARBINARY, "BINARY VARYING", "[B"),
                TestResults.column("TS", Types.TIMESTAMP, "TIMESTAMP", "java.sql.Timestamp"),
                TestResults.column("id", Types.VARCHAR, "CHARACTER VARYING", "java.lang.String")),
                ValueProfile.standard(), rows);
    }

    @Test
    void scrollInsensitiveNavigation() throws SQLException {
        ResultSet rs = threeRows().toResultSet(null, ResultSet.TYPE_SCROLL_INSENSITIVE);
        assertThat(rs.isBeforeFirst()).isTrue();
        assertThat(rs.getRow()).isZero();
        assertThat(rs.last()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(3);
        assertThat(rs.isLast()).isTrue();
        assertThat(rs.previous()).isTrue();
        assertThat(rs.getRow()).isEqualTo(2);
        assertThat(rs.relative(-1)).isTrue();
        assertThat(rs.isFirst()).isTrue();
        assertThat(rs.relative(5)).isFalse();
        assertThat(rs.isAfterLast()).isTrue();
        assertThat(rs.absolute(-3)).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1);
        assertThat(rs.absolute(4)).isFalse();
        assertThat(rs.absolute(0)).isFalse();
        assertThat(rs.isBeforeFirst()).isTrue();
        rs.afterLast();
        assertThat(rs.previous()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(3);
        rs.beforeFirst();
        assertThat(rs.next()).isTrue();
        assertThat(rs.first()).isTrue();
        assertThat(rs.getInt("ID")).isEqualTo(1);
    }

    @Test
    void forwardOnlyRefusesScrolling() throws SQLException {
        ResultSet rs = threeRows().toResultSet(null);
        assertThat(rs.getType()).isEqualTo(ResultSet.TYPE_FORWARD_ONLY);
        assertThatThrownBy(rs::previous).isInstanceOf(SQLException.class);
        assertThatThrownBy(rs::first).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> rs.absolute(1)).isInstanceOf(SQLException.class);
        assertThat(rs.next()).isTrue();
    }

    @Test
    void labelsMatchCaseInsensitivelyAndTheFirstMatchWins() throws SQLException {
        ResultSet rs = threeRows().toResultSet(null);
        rs.next();
        assertThat(rs.findColumn("id")).isEqualTo(1);
        assertThat(rs.findColumn("Ts")).isEqualTo(3);
        assertThat(rs.getObject("iD")).isEqualTo(1);
        assertThatThrownBy(() -> rs.findColumn("nope")).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42S22");
    }

    @Test
    void mutableValuesAreCopiedOutSoTheEntryCannotChange() throws SQLException {
        MaterializedResult r = threeRows();
        ResultSet rs = r.toResultSet(null);
        rs.next();
        rs.getBytes(2)[0] = 99;
        ((byte[]) rs.getObject(2))[0] = 99;
        rs.getTimestamp(3).setTime(0);
        ResultSet again = r.toResultSet(null);
        again.next();
        assertThat(again.getBytes(2)).containsExactly(1);
        assertThat(again.getTimestamp(3).getTime()).isEqualTo(1_000_000L);
    }

    @Test
    void valuesCopiedOnTheWayIn() throws SQLException {
        byte[] bytes = {5};
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {bytes});
        MaterializedResult r = MaterializedResult.of(new ResultMetadata(
                TestResults.column("B", Types.VARBINARY, "BINARY VARYING", "[B")), ValueProfile.standard(), rows);
        bytes[0] = 6;
        ResultSet rs = r.toResultSet(null);
        rs.next();
        assertThat(rs.getBytes(1)).containsExactly(5);
    }

    @Test
    void updatesAreRefusedAndCloseIsFinal() throws SQLException {
        ResultSet rs = threeRows().toResultSet(null);
        rs.next();
        assertThatThrownBy(() -> rs.updateInt(1, 5)).isInstanceOf(SQLFeatureNotSupportedException.class);
        assertThatThrownBy(rs::insertRow).isInstanceOf(SQLFeatureNotSupportedException.class);
        assertThatThrownBy(rs::deleteRow).isInstanceOf(SQLFeatureNotSupportedException.class);
        assertThat(rs.getConcurrency()).isEqualTo(ResultSet.CONCUR_READ_ONLY);
        assertThat(rs.rowUpdated()).isFalse();
        assertThat(rs.unwrap(CachedResultSet.class)).isSameAs(rs);
        assertThat(rs.isWrapperFor(ResultSet.class)).isTrue();
        rs.setFetchSize(50);
        assertThat(rs.getFetchSize()).isEqualTo(50);
        rs.close();
        rs.close();
        assertThat(rs.isClosed()).isTrue();
        assertThatThrownBy(() -> rs.getInt(1)).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("90007");
        assertThatThrownBy(rs::next).isInstanceOf(SQLException.class);
    }

    @Test
    void nullsReadAsNullZeroOrFalse() throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {null});
        ResultSet rs = MaterializedResult.of(new ResultMetadata(
                TestResults.column("N", Types.INTEGER, "INTEGER", "java.lang.Integer")), ValueProfile.standard(), rows)
                .toResultSet(null);
        rs.next();
        assertThat(rs.getInt(1)).isZero();
        assertThat(rs.wasNull()).isTrue();
        assertThat(rs.getBoolean(1)).isFalse();
        assertThat(rs.getString(1)).isNull();
        assertThat(rs.getObject(1, Integer.class)).isNull();
    }
}
