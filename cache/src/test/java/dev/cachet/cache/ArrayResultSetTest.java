package dev.cachet.cache;

import static dev.cachet.cache.TestResults.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Array.getResultSet on a cached array answers like H2's live array. */
class ArrayResultSetTest {

    private static final String SQL = "SELECT ARRAY[10, 20, 30] AS I, ARRAY['x', NULL, 'z'] AS S,"
            + " CAST(ARRAY[] AS INTEGER ARRAY) AS E";

    @Test
    void cachedArrayResultSetsMatchH2() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:arrays"); Statement s = c.createStatement()) {
            ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
            QueryKey k = key(SQL);
            FillTicket t = cache.beginFill(k, Set.of(), null);
            List<List<String>> live = new ArrayList<>();
            try (ResultSet rs = ResultTee.wrap(s.executeQuery(SQL), s, t, cache, ValueProfile.standard())) {
                assertThat(rs.next()).isTrue();
                for (int col = 1; col <= 3; col++) {
                    Array a = rs.getArray(col);
                    live.add(describe(a::getResultSet));
                    live.add(describe(() -> a.getResultSet(2, 1)));
                    live.add(describe(() -> a.getResultSet(1, 10)));
                    live.add(describe(() -> a.getResultSet(1, 3)));
                }
                assertThat(rs.next()).isFalse();
            }
            ResultSet cached = cache.get(k).toResultSet(s);
            assertThat(cached.next()).isTrue();
            List<List<String>> fromCache = new ArrayList<>();
            for (int col = 1; col <= 3; col++) {
                Array a = cached.getArray(col);
                fromCache.add(describe(a::getResultSet));
                fromCache.add(describe(() -> a.getResultSet(2, 1)));
                fromCache.add(describe(() -> a.getResultSet(1, 10)));
                fromCache.add(describe(() -> a.getResultSet(1, 3)));
            }
            assertThat(fromCache).isEqualTo(live);
            assertThat(live.get(0)).hasSize(1 + 3); // header and three rows: the comparison compared something
        }
    }

    /** The column labels and types, then each row's index and value through several getters. */
    interface ResultSource {
        ResultSet get() throws SQLException;
    }

    private static List<String> describe(ResultSource source) throws SQLException {
        List<String> out = new ArrayList<>();
        ResultSet rs;
        try {
            rs = source.get();
        } catch (SQLException e) {
            out.add("error " + e.getSQLState());
            return out;
        }
        ResultSetMetaData md = rs.getMetaData();
        StringBuilder header = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            header.append(md.getColumnLabel(i)).append(':').append(md.getColumnType(i)).append(' ');
        }
        out.add(header.toString());
        while (rs.next()) {
            Object value = rs.getObject(2);
            out.add(rs.getLong(1) + " " + rs.getObject(1).getClass().getSimpleName() + " " + rs.getString(2)
                    + " " + (value == null ? "null" : value.getClass().getSimpleName()) + " " + rs.wasNull());
        }
        rs.close();
        return out;
    }
}
