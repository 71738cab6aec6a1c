package dev.cachet.bench.fastpath;

import dev.cachet.cache.CacheSettings;
import dev.cachet.cache.FillTicket;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultCache;
import dev.cachet.cache.ResultTee;
import dev.cachet.cache.SessionKey;
import dev.cachet.cache.ValueProfile;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.openjdk.jol.info.GraphLayout;

/**
 * What one cache entry of the fast-path shape (INT, VARCHAR, DECIMAL, INT, VARCHAR, TIMESTAMP) costs in memory,
 * at 1, 10, 100 and 1,000 rows: as the cache's weigher counts it, and as measured by JOL — the marginal retained
 * size of the whole {@link ResultCache} (Caffeine's node and maps, the table index, key, entry, stamp and result)
 * per entry added, with everything entries share (metadata, codecs, the SQL text, the session) counted zero. The
 * results are filled the way the driver fills them: a prepared statement on H2 in memory teed through
 * {@link ResultTee} with {@link ValueProfile#standard()}.
 *
 * <p>The payload is the data itself at its natural binary width: 4 bytes per INT, the UTF-8 bytes of each
 * VARCHAR, 8 bytes per DECIMAL(10,2) (its unscaled value) and 12 per TIMESTAMP (epoch seconds and nanos).
 */
public final class Footprint {

    private static final String SQL =
            "SELECT id, name, price, qty, category, updated_at FROM fp_items WHERE id >= ? AND id < ? + ?";

    /** One row of the table: rows sizes and measures. */
    public record Row(int rows, int entries, double countedPerEntry, double measuredPerEntry, double payloadPerEntry) {
        double estimateError() {
            return countedPerEntry / measuredPerEntry - 1;
        }

        double overPayload() {
            return measuredPerEntry / payloadPerEntry;
        }
    }

    static {
        // Caffeine's lambdas are hidden classes, whose field offsets JOL can only find this way
        if (System.getProperty("jol.magicFieldOffset") == null) {
            System.setProperty("jol.magicFieldOffset", "true");
        }
    }

    private Footprint() {
    }

    public static void main(String[] args) throws Exception {
        for (Row r : measure()) {
            System.out.println(format(r));
        }
    }

    static String format(Row r) {
        return String.format(Locale.ROOT, "| %,d | %,d | %,.0f | %,.0f | %+.1f%% | %,.0f | %.2fx |", r.rows(),
                r.entries(), r.countedPerEntry(), r.measuredPerEntry(), 100 * r.estimateError(), r.payloadPerEntry(),
                r.overPayload());
    }

    static List<Row> measure() throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:cachet_footprint;DB_CLOSE_DELAY=-1")) {
            createTable(c, 50_000);
            for (int rows : new int[] {1, 10, 100, 1000}) {
                int entries = rows == 1 ? 4000 : rows == 10 ? 1000 : rows == 100 ? 200 : 20;
                out.add(measure(c, rows, entries));
            }
            try (Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
        }
        return out;
    }

    private static Row measure(Connection c, int rows, int entries) throws SQLException {
        ResultCache cache = new ResultCache(CacheSettings.builder().maxBytes(1L << 32).maxRowsPerEntry(100_000)
                .maxBytesPerEntry(1L << 30).executor(Runnable::run).build());
        SessionKey session = SessionKey.of("app", "shop", "public", null, null, "H2");
        double[] payload = new double[1];
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            fill(cache, session, ps, 0, entries, rows, payload);
            cache.cleanUp();
            long first = GraphLayout.parseInstance(cache).totalSize();
            long firstWeight = cache.statistics().bytes();
            payload[0] = 0;
            fill(cache, session, ps, entries, entries, rows, payload);
            cache.cleanUp();
            long second = GraphLayout.parseInstance(cache).totalSize();
            long secondWeight = cache.statistics().bytes();
            if (cache.statistics().entries() != 2L * entries) {
                throw new IllegalStateException("expected " + 2 * entries + " entries: " + cache.statistics());
            }
            return new Row(rows, entries, (secondWeight - firstWeight) / (double) entries,
                    (second - first) / (double) entries, payload[0] / entries);
        }
    }

    private static void fill(ResultCache cache, SessionKey session, PreparedStatement ps, int from, int entries,
                             int rows, double[] payload) throws SQLException {
        for (int e = from; e < from + entries; e++) {
            int start = 1 + e * rows; // entries share no row, so they share no value either
            ps.setInt(1, start);
            ps.setInt(2, start);
            ps.setInt(3, rows);
            QueryKey key = QueryKey.of(session, SQL, new Object[] {start, start, rows},
                    new int[] {Types.INTEGER, Types.INTEGER, Types.INTEGER}, 0, ResultSet.TYPE_FORWARD_ONLY);
            // the two names the driver gives a result of one table it reads by a range: the table's own and its
            // row-precise writes' (RowScopes)
            FillTicket ticket = cache.beginFill(key, Set.of("fp_items", "fp_items#w"), null);
            try (ResultSet rs = ResultTee.wrap(ps.executeQuery(), ps, ticket, cache, ValueProfile.standard())) {
                while (rs.next()) {
                    payload[0] += 4 + rs.getString(2).getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 8
                            + 4 + rs.getString(5).getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 12;
                }
            }
        }
    }

    static void createTable(Connection c, int rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE fp_items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, "
                    + "price DECIMAL(10,2) NOT NULL, qty INT NOT NULL, category VARCHAR(20) NOT NULL, "
                    + "updated_at TIMESTAMP NOT NULL)");
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO fp_items VALUES (?, ?, ?, ?, ?, ?)")) {
            for (int i = 1; i <= rows; i++) {
                insert.setInt(1, i);
                insert.setString(2, "item number " + i);
                insert.setBigDecimal(3, BigDecimal.valueOf(100 + i % 9000, 2));
                insert.setInt(4, i % 500);
                insert.setString(5, "category-" + (i % 17));
                insert.setTimestamp(6, new Timestamp(1_700_000_000_000L + i * 61_000L + i % 1000));
                insert.addBatch();
                if (i % 1000 == 0) {
                    insert.executeBatch();
                }
            }
        }
    }
}
