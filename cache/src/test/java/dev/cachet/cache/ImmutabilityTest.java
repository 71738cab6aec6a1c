package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whatever a getter hands out, changing it never changes what the next reader of the entry sees. */
class ImmutabilityTest {

    private Connection connection;
    private MaterializedResult result;

    @BeforeEach
    void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:imm" + System.nanoTime());
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE T (B VARBINARY(4), TS TIMESTAMP(9), D DATE, TM TIME, A INT ARRAY, "
                    + "AA INT ARRAY ARRAY, BA VARBINARY(4) ARRAY, TA TIMESTAMP ARRAY, BL BLOB, CL CLOB, J JSON)");
            s.execute("INSERT INTO T VALUES (X'01020304', TIMESTAMP '2020-01-02 03:04:05.123456789', "
                    + "DATE '2020-01-02', TIME '03:04:05', ARRAY[1, 2], ARRAY[ARRAY[1, 2], ARRAY[3]], "
                    + "ARRAY[X'0102'], ARRAY[TIMESTAMP '2020-01-02 03:04:05'], X'0A0B', 'clob', JSON '{\"a\":1}')");
            try (ResultSet rs = s.executeQuery("SELECT * FROM T")) {
                result = MaterializedResult.materialize(rs, ValueProfile.standard(), 100, 1 << 20);
            }
        }
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    private ResultSet read() throws SQLException {
        ResultSet rs = result.toResultSet(null);
        assertThat(rs.next()).isTrue();
        return rs;
    }

    private void mutateEverything(ResultSet rs) throws SQLException {
        rs.getBytes(1)[0] = 99;
        ((byte[]) rs.getObject(1))[0] = 99;
        rs.getObject(1, byte[].class)[0] = 99;
        rs.getTimestamp(2).setNanos(1);
        rs.getTimestamp(2).setTime(0);
        ((Timestamp) rs.getObject(2)).setNanos(1);
        rs.getObject(2, Timestamp.class).setNanos(1);
        rs.getDate(3).setTime(0);
        rs.getObject(3, java.sql.Date.class).setTime(0);
        rs.getTime(4).setTime(0);
        mutateArray(rs.getArray(5));
        mutateArray((Array) rs.getObject(5));
        Object[] nested = (Object[]) rs.getArray(6).getArray();
        if (nested.length > 0 && nested[0] instanceof Object[]) {
            ((Object[]) nested[0])[0] = 42;
        }
        nested[0] = null;
        Object[] binaries = (Object[]) rs.getArray(7).getArray();
        ((byte[]) binaries[0])[0] = 99;
        try (ResultSet ars = rs.getArray(7).getResultSet()) {
            ars.next();
            ars.getBytes(2)[0] = 99;
        } catch (java.sql.SQLFeatureNotSupportedException notOffered) {
            // a cached array offers no result set view
        }
        Object[] stamps = (Object[]) rs.getArray(8).getArray();
        ((Timestamp) stamps[0]).setTime(0);
        Blob blob = rs.getBlob(9);
        blob.getBytes(1, 2)[0] = 99;
        try {
            blob.setBytes(1, new byte[] {99});
        } catch (SQLException | UnsupportedOperationException expected) {
            // read-only is fine
        }
        Clob clob = rs.getClob(10);
        try {
            clob.setString(1, "XX");
        } catch (SQLException | UnsupportedOperationException expected) {
            // read-only is fine
        }
        Object json = rs.getObject(11);
        if (json instanceof byte[]) {
            ((byte[]) json)[0] = 99;
        }
        rs.getBytes(11)[0] = 99;
    }

    private static void mutateArray(Array a) throws SQLException {
        Object[] values = (Object[]) a.getArray();
        values[0] = 42;
    }

    @Test
    void changingWhatGettersReturnChangesNoEntry() throws SQLException {
        String before = snapshot(read());
        mutateEverything(read());
        assertThat(snapshot(read())).isEqualTo(before);
    }

    private static String snapshot(ResultSet rs) throws SQLException {
        StringBuilder b = new StringBuilder();
        b.append(java.util.Arrays.toString(rs.getBytes(1))).append('|');
        b.append(rs.getTimestamp(2)).append(rs.getTimestamp(2).getNanos()).append('|');
        b.append(rs.getDate(3)).append('|').append(rs.getTime(4)).append('|');
        b.append(java.util.Arrays.deepToString((Object[]) rs.getArray(5).getArray())).append('|');
        b.append(java.util.Arrays.deepToString((Object[]) rs.getArray(6).getArray())).append('|');
        b.append(java.util.Arrays.deepToString((Object[]) rs.getArray(7).getArray())).append('|');
        b.append(java.util.Arrays.deepToString((Object[]) rs.getArray(8).getArray())).append('|');
        b.append(java.util.Arrays.toString(rs.getBlob(9).getBytes(1, 2))).append('|');
        b.append(rs.getClob(10).getSubString(1, 4)).append('|');
        b.append(java.util.Arrays.toString(rs.getBytes(11))).append('|');
        b.append(rs.getObject(2, LocalDateTime.class));
        return b.toString();
    }
}
