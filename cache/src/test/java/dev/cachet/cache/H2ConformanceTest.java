package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every getter of a cached result set, on every common SQL type, answers like H2's own result set: the
 * same value, or an exception of the same JDBC class with the same SQLState.
 */
class H2ConformanceTest {

    private static Connection connection;

    private static final String[] COLUMNS = {
        "ID INT PRIMARY KEY", "B BOOLEAN", "TI TINYINT", "SI SMALLINT", "I INT", "BI BIGINT", "R REAL",
        "D DOUBLE PRECISION", "DEC DECIMAL(20,4)", "NUM NUMERIC(10,2)", "C CHAR(10)", "VC VARCHAR(100)",
        "CL CLOB", "BIN BINARY(4)", "VB VARBINARY(16)", "BL BLOB", "DT DATE", "TM TIME", "TS TIMESTAMP(9)",
        "TSTZ TIMESTAMP(6) WITH TIME ZONE", "U UUID", "ARR INTEGER ARRAY", "JS JSON", "IV INTERVAL DAY TO SECOND",
        "VCNUM VARCHAR(20)", "VCBOOL VARCHAR(20)", "VCDATE VARCHAR(40)"
    };

    @BeforeAll
    static void createTable() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:conformance;DB_CLOSE_DELAY=-1");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE ALL_TYPES (" + String.join(", ", COLUMNS) + ")");
            s.execute("INSERT INTO ALL_TYPES VALUES (1, TRUE, 12, 1234, 123456, 1234567890123, 1.5, 2.25,"
                    + " 12345.6789, 12.34, 'abc', 'Hello, world', 'a clob text', X'01020304', X'CAFEBABE',"
                    + " X'0102030405', DATE '2024-02-29', TIME '13:14:15', TIMESTAMP '2024-02-29 13:14:15.123456789',"
                    + " TIMESTAMP WITH TIME ZONE '2024-02-29 13:14:15.5+02:00', '123e4567-e89b-12d3-a456-426614174000',"
                    + " ARRAY[1, 2, 3], JSON '{\"a\":1}', INTERVAL '1 02:03:04' DAY TO SECOND,"
                    + " '42', 'true', '2024-01-02')");
            s.execute("INSERT INTO ALL_TYPES (ID) VALUES (2)");
            s.execute("INSERT INTO ALL_TYPES VALUES (3, FALSE, -5, -300, -70000, 9000000000, -0.25, 1e300,"
                    + " -0.5000, 99999999.99, 'x', '', '', X'00000000', X'', X'', DATE '1970-01-01', TIME '00:00:00',"
                    + " TIMESTAMP '1969-12-31 23:59:59.999', TIMESTAMP WITH TIME ZONE '2000-01-01 00:00:00Z',"
                    + " '00000000-0000-0000-0000-000000000000', ARRAY[], JSON '[]', INTERVAL '0 00:00:00' DAY TO SECOND,"
                    + " ' 7 ', 'no', 'not a date')");
        }
    }

    @AfterAll
    static void close() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP ALL OBJECTS");
        }
        connection.close();
    }

    private static final Class<?>[] OBJECT_CLASSES = {
        String.class, Integer.class, Long.class, Short.class, Byte.class, Boolean.class, Double.class,
        Float.class, BigDecimal.class, BigInteger.class, byte[].class, java.sql.Date.class, java.sql.Time.class,
        java.sql.Timestamp.class, LocalDate.class, LocalTime.class, LocalDateTime.class, OffsetDateTime.class,
        ZonedDateTime.class, Instant.class, OffsetTime.class, UUID.class, Object.class, Array.class, Blob.class,
        Clob.class
    };

    /** A getter applied to a result set by index or by label; returns a comparable value. */
    interface Getter {
        Object get(ResultSet rs, int index, String label, boolean byLabel) throws Exception;
    }

    private static List<String> getterNames = new ArrayList<>();
    private static List<Getter> getters = new ArrayList<>();

    private static void add(String name, Getter g) {
        getterNames.add(name);
        getters.add(g);
    }

    static {
        Calendar tokyo = Calendar.getInstance(TimeZone.getTimeZone("Asia/Tokyo"));
        add("getString", (rs, i, l, b) -> b ? rs.getString(l) : rs.getString(i));
        add("getBoolean", (rs, i, l, b) -> b ? rs.getBoolean(l) : rs.getBoolean(i));
        add("getByte", (rs, i, l, b) -> b ? rs.getByte(l) : rs.getByte(i));
        add("getShort", (rs, i, l, b) -> b ? rs.getShort(l) : rs.getShort(i));
        add("getInt", (rs, i, l, b) -> b ? rs.getInt(l) : rs.getInt(i));
        add("getLong", (rs, i, l, b) -> b ? rs.getLong(l) : rs.getLong(i));
        add("getFloat", (rs, i, l, b) -> b ? rs.getFloat(l) : rs.getFloat(i));
        add("getDouble", (rs, i, l, b) -> b ? rs.getDouble(l) : rs.getDouble(i));
        add("getBigDecimal", (rs, i, l, b) -> b ? rs.getBigDecimal(l) : rs.getBigDecimal(i));
        add("getBytes", (rs, i, l, b) -> b ? rs.getBytes(l) : rs.getBytes(i));
        add("getDate", (rs, i, l, b) -> b ? rs.getDate(l) : rs.getDate(i));
        add("getTime", (rs, i, l, b) -> b ? rs.getTime(l) : rs.getTime(i));
        add("getTimestamp", (rs, i, l, b) -> b ? rs.getTimestamp(l) : rs.getTimestamp(i));
        add("getDate(cal)", (rs, i, l, b) -> b ? rs.getDate(l, tokyo) : rs.getDate(i, tokyo));
        add("getTime(cal)", (rs, i, l, b) -> b ? rs.getTime(l, tokyo) : rs.getTime(i, tokyo));
        add("getTimestamp(cal)", (rs, i, l, b) -> b ? rs.getTimestamp(l, tokyo) : rs.getTimestamp(i, tokyo));
        add("getObject", (rs, i, l, b) -> b ? rs.getObject(l) : rs.getObject(i));
        add("getArray", (rs, i, l, b) -> b ? rs.getArray(l) : rs.getArray(i));
        add("getBlob", (rs, i, l, b) -> b ? rs.getBlob(l) : rs.getBlob(i));
        add("getClob", (rs, i, l, b) -> b ? rs.getClob(l) : rs.getClob(i));
        add("getCharacterStream", (rs, i, l, b) -> b ? rs.getCharacterStream(l) : rs.getCharacterStream(i));
        add("getBinaryStream", (rs, i, l, b) -> b ? rs.getBinaryStream(l) : rs.getBinaryStream(i));
        add("wasNull", (rs, i, l, b) -> {
            Object ignored = b ? rs.getObject(l) : rs.getObject(i);
            return rs.wasNull();
        });
        for (Class<?> c : OBJECT_CLASSES) {
            add("getObject(" + c.getSimpleName() + ")", (rs, i, l, b) -> b ? rs.getObject(l, c) : rs.getObject(i, c));
        }
    }

    /** Turns a getter's answer into something {@code equals} compares by content. */
    static Object normalize(Object v) throws Exception {
        if (v instanceof byte[]) {
            return "bytes" + Arrays.toString((byte[]) v);
        }
        if (v instanceof Object[]) {
            List<Object> elements = new ArrayList<>();
            for (Object o : (Object[]) v) {
                elements.add(normalize(o));
            }
            return "array" + elements;
        }
        if (v instanceof Array) {
            Array a = (Array) v;
            return "ARRAY(" + a.getBaseType() + "," + a.getBaseTypeName() + ")" + normalize(a.getArray());
        }
        if (v instanceof Blob) {
            Blob b = (Blob) v;
            return "BLOB" + normalize(b.getBytes(1, (int) b.length()));
        }
        if (v instanceof Clob) {
            Clob c = (Clob) v;
            return "CLOB" + c.getSubString(1, (int) c.length());
        }
        if (v instanceof InputStream) {
            return "stream" + normalize(((InputStream) v).readAllBytes());
        }
        if (v instanceof Reader) {
            StringWriter w = new StringWriter();
            ((Reader) v).transferTo(w);
            return "reader" + w;
        }
        if (v != null && v.getClass().getName().startsWith("java.sql.")) {
            return v.getClass().getName() + ":" + v + ":" + ((java.util.Date) v).getTime();
        }
        return v;
    }

    /** The outcome of one call: a normalized value, or the JDBC class and SQLState of its exception. */
    static Object outcome(Getter g, ResultSet rs, int index, String label, boolean byLabel) {
        try {
            Object v = normalize(g.get(rs, index, label, byLabel));
            return v == null ? "null" : v.getClass().getName() + "=" + v;
        } catch (SQLException e) {
            return "throws " + jdbcClass(e.getClass()).getName() + " [" + e.getSQLState() + "]";
        } catch (Exception e) {
            return "throws " + e.getClass().getName();
        }
    }

    /** The nearest java.sql exception class (drivers throw their own subclasses). */
    static Class<?> jdbcClass(Class<?> c) {
        while (!c.getName().startsWith("java.sql.")) {
            c = c.getSuperclass();
        }
        return c;
    }

    private static MaterializedResult materialize(String sql) throws SQLException {
        ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
        QueryKey key = QueryKey.of(SessionKey.of("sa", null, null, null, null, "H2"), sql, null, null, 0,
                ResultSet.TYPE_FORWARD_ONLY);
        FillTicket ticket = cache.beginFill(key, Set.of("all_types"), Duration.ofMinutes(1));
        try (Statement s = connection.createStatement();
             ResultSet tee = ResultTee.wrap(s.executeQuery(sql), s, ticket, cache, ValueProfile.standard())) {
            while (tee.next()) {
                // the application reads nothing; the tee copies every row
            }
        }
        MaterializedResult result = cache.get(key);
        assertThat(result).as("stored by the tee").isNotNull();
        return result;
    }

    @Test
    void everyGetterOnEveryColumnMatchesH2() throws Exception {
        String sql = "SELECT * FROM ALL_TYPES ORDER BY ID";
        MaterializedResult result = materialize(sql);
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        try (Statement s = connection.createStatement(); ResultSet live = s.executeQuery(sql)) {
            ResultSet cached = result.toResultSet(s);
            ResultSetMetaData md = live.getMetaData();
            while (live.next()) {
                assertThat(cached.next()).isTrue();
                for (int col = 1; col <= md.getColumnCount(); col++) {
                    String label = md.getColumnLabel(col);
                    for (int g = 0; g < getters.size(); g++) {
                        for (boolean byLabel : new boolean[] {false, true}) {
                            Object expected = outcome(getters.get(g), live, col, label.toLowerCase(), byLabel);
                            Object actual = outcome(getters.get(g), cached, col, label.toLowerCase(), byLabel);
                            compared++;
                            if (!expected.equals(actual)) {
                                mismatches.add("row " + live.getInt(1) + " " + label + " " + getterNames.get(g)
                                        + (byLabel ? " by label" : "") + ": H2 " + expected + " / cached " + actual);
                            }
                        }
                    }
                }
            }
            assertThat(cached.next()).isFalse();
        }
        assertThat(compared).isGreaterThan(3 * COLUMNS.length * 40);
        assertThat(mismatches).as("differences from H2").isEmpty();
    }

    @Test
    void cursorStatesAndBadColumnsFailLikeH2() throws Exception {
        String sql = "SELECT ID, VC FROM ALL_TYPES ORDER BY ID";
        MaterializedResult result = materialize(sql);
        Getter getInt = (rs, i, l, b) -> b ? rs.getInt(l) : rs.getInt(i);
        try (Statement s = connection.createStatement(); ResultSet live = s.executeQuery(sql)) {
            ResultSet cached = result.toResultSet(s);
            // before the first row
            assertThat(outcome(getInt, cached, 1, "id", false)).isEqualTo(outcome(getInt, live, 1, "id", false));
            live.next();
            cached.next();
            for (int index : new int[] {0, 3, -1}) {
                assertThat(outcome(getInt, cached, index, "x", false)).as("index " + index)
                        .isEqualTo(outcome(getInt, live, index, "x", false));
            }
            assertThat(outcome(getInt, cached, 0, "no_such", true)).isEqualTo(outcome(getInt, live, 0, "no_such", true));
            assertThat(outcome((rs, i, l, b) -> rs.previous(), cached, 0, null, false))
                    .isEqualTo(outcome((rs, i, l, b) -> rs.previous(), live, 0, null, false));
            assertThat(cached.getType()).isEqualTo(live.getType());
            assertThat(cached.getConcurrency()).isEqualTo(live.getConcurrency());
            assertThat(cached.getHoldability()).isEqualTo(live.getHoldability());
            assertThat(cached.getStatement()).isSameAs(s);
            assertThat((Object) cached.getWarnings()).isEqualTo(live.getWarnings());
            while (live.next()) {
                cached.next();
            }
            assertThat(cached.next()).isFalse();
            // after the last row
            assertThat(outcome(getInt, cached, 1, "id", false)).isEqualTo(outcome(getInt, live, 1, "id", false));
            live.close();
            cached.close();
            assertThat(cached.isClosed()).isTrue();
            assertThat(outcome(getInt, cached, 1, "id", false)).isEqualTo(outcome(getInt, live, 1, "id", false));
            assertThat(outcome((rs, i, l, b) -> rs.next(), cached, 0, null, false))
                    .isEqualTo(outcome((rs, i, l, b) -> rs.next(), live, 0, null, false));
        }
    }

    @Test
    void metadataMatchesH2ForEveryMethod() throws Exception {
        String sql = "SELECT ID AS \"Ident\", B, DEC, VC, TS, TSTZ, U, ARR FROM ALL_TYPES ORDER BY ID";
        MaterializedResult result = materialize(sql);
        try (Statement s = connection.createStatement(); ResultSet live = s.executeQuery(sql)) {
            ResultSetMetaData expected = live.getMetaData();
            ResultSetMetaData actual = result.toResultSet(s).getMetaData();
            assertThat(actual.getColumnCount()).isEqualTo(expected.getColumnCount());
            int checked = 0;
            for (var m : ResultSetMetaData.class.getMethods()) {
                if (m.getParameterCount() != 1 || m.getParameterTypes()[0] != int.class) {
                    continue;
                }
                for (int col = 1; col <= expected.getColumnCount(); col++) {
                    assertThat((Object) m.invoke(actual, col)).as(m.getName() + " of column " + col)
                            .isEqualTo(m.invoke(expected, col));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(20 * expected.getColumnCount());
        }
    }
}
