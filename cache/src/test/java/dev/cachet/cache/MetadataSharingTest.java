package dev.cachet.cache;

import static dev.cachet.cache.TestResults.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A profile learns which statement a teed result comes from, so it can share metadata per statement. */
class MetadataSharingTest {

    /** Captures metadata once per SQL text and hands the same snapshot to every later fill. */
    static final class SharingProfile implements ValueProfile {
        final Map<String, ResultMetadata> shared = new ConcurrentHashMap<>();
        final List<String> keys = new CopyOnWriteArrayList<>();

        @Override
        public ResultMetadata metadata(String statementKey, ResultSetMetaData real) throws SQLException {
            keys.add(String.valueOf(statementKey));
            ResultMetadata m = shared.get(statementKey);
            if (m == null) {
                m = ResultMetadata.capture(real);
                shared.put(statementKey, m);
            }
            return m;
        }

        @Override
        public ColumnCodec codec(ColumnMetadata column) throws SQLException {
            return ValueProfile.standard().codec(column);
        }
    }

    @Test
    void teedResultsPassTheirStatementToTheProfile() throws SQLException {
        SharingProfile profile = new SharingProfile();
        String sql = "SELECT X AS N FROM SYSTEM_RANGE(1, 3) WHERE X >= ?";
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:sharing")) {
            ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
            QueryKey first = key(sql, 1);
            QueryKey second = key(sql, 2);
            for (QueryKey k : List.of(first, second)) {
                try (var ps = c.prepareStatement(sql)) {
                    ps.setInt(1, (Integer) (k == first ? 1 : 2));
                    FillTicket t = cache.beginFill(k, Set.of(), null);
                    try (ResultSet rs = ResultTee.wrap(ps.executeQuery(), ps, t, cache, profile)) {
                        while (rs.next()) {
                            rs.getInt(1);
                        }
                    }
                }
            }
            assertThat(profile.keys).containsExactly(sql, sql);
            assertThat(cache.get(first).metadata()).isSameAs(cache.get(second).metadata());
            assertThat(cache.get(second).rowCount()).isEqualTo(2);
        }
    }

    @Test
    void scrollableResultsPassTheirStatementToo() throws SQLException {
        SharingProfile profile = new SharingProfile();
        String sql = "SELECT 1 AS A";
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:sharing2");
                Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)) {
            ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
            QueryKey k = key(sql);
            FillTicket t = cache.beginFill(k, Set.of(), null);
            try (ResultSet rs = ResultTee.wrap(s.executeQuery(sql), s, t, cache, profile)) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(profile.keys).containsExactly(sql);
        }
    }

    @Test
    void theDefaultIgnoresTheKey() throws SQLException {
        ValueProfile old = column -> ValueProfile.standard().codec(column);
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:sharing3"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1 AS A")) {
            ResultMetadata m = old.metadata("SELECT 1 AS A", rs.getMetaData());
            assertThat(m.getColumnLabel(1)).isEqualTo("A");
        }
    }
}
