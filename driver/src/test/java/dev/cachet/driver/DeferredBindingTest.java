package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.driver.jdbc.ClusterRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A cacheable query's plain setters only record their values; the real statement receives them when an execution
 * runs on it. A hit therefore makes no real setter call, a miss after a hit binds the values of that moment, a
 * setter the real driver refuses for its index or state (out of range, closed statement or connection) still reaches
 * it at once — a real connection closed under an open Cachet connection fails the execution instead — and a value it refuses for itself fails at the execution and is never part of a key. The property runs random sequences of setter, clear, execute and write calls on a Cachet statement and on a
 * direct H2 statement of the same text, call for call, and requires the same outcome of each.
 */
class DeferredBindingTest {

    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static H2Database shared;

    private static final List<String> QUERIES = List.of(
            "SELECT id, name, qty FROM item WHERE id = ?",
            "SELECT id, name FROM item WHERE id >= ? AND name <> ? AND qty <= ? ORDER BY id",
            "SELECT id FROM item WHERE id IN (?, ?) AND at >= ?");

    /** A database of four items. */
    private static H2Database items() throws SQLException {
        return new H2Database().exec(
                "CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(20), qty BIGINT, at TIMESTAMP)",
                "INSERT INTO item VALUES (1, 'a', 10, TIMESTAMP '2020-01-01 00:00:00'),"
                        + " (2, 'b', 20, TIMESTAMP '2021-01-01 00:00:00'),"
                        + " (3, 'c', 30, TIMESTAMP '2022-01-01 00:00:00'),"
                        + " (4, 'd', 40, NULL)");
    }

    /** The database the property's tries share, so that a try meets the entries earlier tries left. */
    private static synchronized H2Database database() throws SQLException {
        if (shared == null) {
            shared = items();
        }
        return shared;
    }

    @AfterContainer
    static void tearDown() throws SQLException {
        ClusterRegistry.shutdown();
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    // ---------------------------------------------------------------- what the real statement receives

    /** One parameter setter call a real prepared statement received. */
    private interface SetterCall {
        void called(String setter, Object[] args);
    }

    /** Cachet over a data source of {@code db} whose real prepared statements report each parameter setter call. */
    private static CachetDataSource cachet(H2Database db, SetterCall observer) {
        JdbcDataSource real = new JdbcDataSource();
        real.setURL(db.realUrl);
        CachetDataSource ds = new CachetDataSource(ObservedJdbc.dataSource(real, (iface, connection, method, args) -> {
            if (iface == PreparedStatement.class && method.getName().startsWith("set") && args != null
                    && args.length >= 2 && method.getParameterTypes()[0] == int.class) {
                observer.called(method.getName(), args);
            }
        }));
        Properties settings = new Properties();
        settings.setProperty("cachet.cluster", "deferred-" + CLUSTERS.incrementAndGet());
        ds.setProperties(settings);
        return ds;
    }

    /** The same, listing the two-argument setter calls as "setInt(1, 2)". */
    private static CachetDataSource cachet(H2Database db, List<String> setterCalls) {
        return cachet(db, (setter, args) -> {
            if (args.length == 2) {
                setterCalls.add(setter + "(" + args[0] + ", " + args[1] + ")");
            }
        });
    }

    private static List<String> rows(ResultSet rs) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (rs) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    @Example
    void aHitMakesNoRealSetterCallAndAMissBindsTheValuesOfThatMoment() throws SQLException {
        List<String> calls = new ArrayList<>();
        try (H2Database db = items(); Connection c = cachet(db, calls).getConnection();
                PreparedStatement ps = c.prepareStatement(QUERIES.get(1))) {
            calls.clear();
            ps.setInt(1, 2);
            ps.setString(2, "x");
            ps.setLong(3, 40);
            assertThat(calls).as("setters before any execution").isEmpty();
            assertThat(rows(ps.executeQuery())).containsExactly("2|b", "3|c", "4|d");
            assertThat(calls).as("the miss binds every recorded value, with its own setter")
                    .containsExactlyInAnyOrder("setInt(1, 2)", "setString(2, x)", "setLong(3, 40)");

            calls.clear();
            ps.setInt(1, 2);
            ps.setString(2, "x");
            ps.setLong(3, 40);
            assertThat(rows(ps.executeQuery())).containsExactly("2|b", "3|c", "4|d");
            assertThat(calls).as("a hit reaches no real setter").isEmpty();

            ps.setInt(1, 3);
            assertThat(rows(ps.executeQuery())).as("a miss after a hit").containsExactly("3|c", "4|d");
            assertThat(calls).as("what the hit recorded and the new value, bound now")
                    .containsExactlyInAnyOrder("setInt(1, 3)", "setString(2, x)", "setLong(3, 40)");

            calls.clear();
            ps.setObject(1, 1);
            assertThat(calls).as("setObject binds at once").containsExactly("setObject(1, 1)");
            assertThat(rows(ps.executeQuery())).containsExactly("1|a", "2|b", "3|c", "4|d");
            assertThat(calls).as("nothing deferred is left to bind").containsExactly("setObject(1, 1)");

            ps.setInt(2, 7);
            assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(3);
            assertThat(calls).as("the real statement describes itself with the values bound").contains("setInt(2, 7)");

            ps.setString(2, "c");
            PreparedStatement real = ps.unwrap(PreparedStatement.class);
            assertThat(real).isSameAs(ps);
            ps.unwrap(org.h2.jdbc.JdbcPreparedStatement.class);
            assertThat(calls).as("the real statement is handed out with the values bound").contains("setString(2, c)");
        }
    }

    @Example
    void aSetterTheRealDriverRefusesFailsAtOnceWithItsError() throws SQLException {
        H2Database db = database();
        try (Connection direct = db.direct(); PreparedStatement d = direct.prepareStatement(QUERIES.get(0));
                Connection c = db.cachet(); PreparedStatement ps = c.prepareStatement(QUERIES.get(0))) {
            for (int index : new int[] {0, -1, 2, 65}) {
                SQLException expected = thrown(() -> d.setInt(index, 1));
                assertThat((Object) expected).as("H2 refuses index %s", index).isNotNull();
                assertThatThrownBy(() -> ps.setInt(index, 1)).as("index %s", index)
                        .isInstanceOfSatisfying(SQLException.class,
                                e -> assertThat(e.getSQLState()).isEqualTo(expected.getSQLState()));
            }
            ps.setInt(1, 1);
            ps.close();
            assertThatThrownBy(() -> ps.setInt(1, 2)).as("a closed statement").isInstanceOf(SQLException.class);
        }
        Connection c = db.cachet();
        PreparedStatement ps = c.prepareStatement(QUERIES.get(0));
        ps.setInt(1, 1);
        c.close();
        assertThatThrownBy(() -> ps.setString(1, "2")).as("a statement of a closed connection")
                .isInstanceOf(SQLException.class);
    }

    @Example
    void aRealConnectionClosedUnderneathFailsTheNextExecutionHitOrMiss() throws SQLException {
        H2Database db = database();
        Connection c = db.cachet();
        PreparedStatement ps = c.prepareStatement(QUERIES.get(0));
        ps.setInt(1, 1);
        ps.executeQuery().close(); // cached now
        c.unwrap(org.h2.jdbc.JdbcConnection.class).close();
        assertThat(c.isClosed()).isTrue();
        for (int id : new int[] {1, 2}) {
            // recorded: Cachet's setters ask Cachet's connection (H2's own setter would fail here, pgjdbc's would not)
            ps.setInt(1, id);
            assertThatThrownBy(ps::executeQuery).as(id == 1 ? "a hit" : "a miss")
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08003"));
        }
        c.close();
    }

    @Example
    void aValueTheRealDriverRefusesFailsAtTheExecutionAndIsNeverPartOfAKey() throws SQLException {
        String sql = "SELECT id FROM item WHERE qty <= ? ORDER BY id";
        BigDecimal huge = new BigDecimal(BigInteger.TEN.pow(100_001)); // H2 refuses precision above 100,000
        try (H2Database db = items(); Connection c = db.cachet(); Connection direct = db.direct();
                PreparedStatement ps = c.prepareStatement(sql); PreparedStatement d = direct.prepareStatement(sql)) {
            ps.setBigDecimal(1, BigDecimal.valueOf(25));
            d.setBigDecimal(1, BigDecimal.valueOf(25));
            assertThat(rows(ps.executeQuery())).isEqualTo(rows(d.executeQuery())).containsExactly("1", "2");
            SQLException refused = thrown(() -> d.setBigDecimal(1, huge));
            assertThat((Object) refused).as("H2 refuses the value at its setter").isNotNull();

            ps.setBigDecimal(1, huge);
            assertThatThrownBy(ps::executeQuery).as("the refusal, at the execution")
                    .isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getSQLState()).isEqualTo(refused.getSQLState()));
            long hits = Cachet.cluster(c).statistics().hits();
            for (int i = 0; i < 2; i++) {
                assertThat(rows(ps.executeQuery())).as("then what the real statement holds, as directly")
                        .isEqualTo(rows(d.executeQuery()));
            }
            try (PreparedStatement again = c.prepareStatement(sql)) {
                again.setBigDecimal(1, huge);
                assertThatThrownBy(again::executeQuery).as("no entry under the refused value")
                        .isInstanceOf(SQLException.class);
            }
            assertThat(Cachet.cluster(c).statistics().hits()).isEqualTo(hits);

            SQLException subclass = thrown(() -> d.setBigDecimal(1, new BigDecimal("25") { }));
            assertThat((Object) subclass).as("H2 refuses a subclass of BigDecimal").isNotNull();
            assertThatThrownBy(() -> ps.setBigDecimal(1, new BigDecimal("25") { }))
                    .as("a value no key keeps is bound at once").isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getSQLState()).isEqualTo(subclass.getSQLState()));
        }
    }

    @Example
    void theRealDriverAndTheRecordShareOneCopyOfAMutableValue() throws SQLException {
        List<Object> bound = new ArrayList<>();
        try (H2Database db = items()) {
            CachetDataSource ds = cachet(db, (setter, args) -> bound.add(args[1]));
            try (Connection c = ds.getConnection();
                    PreparedStatement write = c.prepareStatement("UPDATE item SET at = ? WHERE id = ?");
                    PreparedStatement read = c.prepareStatement(QUERIES.get(2))) {
                Timestamp at = Timestamp.valueOf("2019-06-01 00:00:00");
                write.setTimestamp(1, at);
                write.setInt(2, 4);
                read.setObject(3, at);
                at.setTime(Timestamp.valueOf("2030-01-01 00:00:00").getTime()); // the application's object changes
                assertThat(write.executeUpdate()).isEqualTo(1);
                read.setInt(1, 1);
                read.setInt(2, 4);
                assertThat(rows(read.executeQuery())).as("both ran with the values of the setters' time")
                        .containsExactly("1", "4");
                assertThat(bound).filteredOn(v -> v instanceof Timestamp).hasSize(2)
                        .allSatisfy(v -> assertThat(v).isNotSameAs(at)
                                .isEqualTo(Timestamp.valueOf("2019-06-01 00:00:00")));
            }
        }
    }

    private interface Call {
        void run() throws SQLException;
    }

    private static SQLException thrown(Call call) {
        try {
            call.run();
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    // ---------------------------------------------------------------- call for call against H2 itself

    /** One call of the application on its prepared statement (or, for a write, on its connection). */
    private record Op(String kind, int index, Object value) {
        @Override
        public String toString() {
            return kind + "(" + index + ", " + value + ")";
        }
    }

    @Provide
    Arbitrary<List<Op>> calls() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 4);
        Arbitrary<Integer> id = Arbitraries.integers().between(0, 5);
        Arbitrary<String> text = Arbitraries.of("a", "b", "zz", "2", "x1");
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(6, Combinators.combine(index, id).as((i, v) -> new Op("setInt", i, v))),
                Tuple.of(2, Combinators.combine(index, id).as((i, v) -> new Op("setLong", i, (long) v))),
                Tuple.of(3, Combinators.combine(index, text.injectNull(0.2))
                        .as((i, v) -> new Op("setString", i, v))),
                Tuple.of(1, Combinators.combine(index, id.injectNull(0.2))
                        .as((i, v) -> new Op("setBigDecimal", i, v == null ? null : BigDecimal.valueOf(v * 10L)))),
                Tuple.of(1, Combinators.combine(index, Arbitraries.integers().between(2019, 2023))
                        .as((i, y) -> new Op("setTimestamp", i, Timestamp.valueOf(y + "-01-01 00:00:00")))),
                Tuple.of(2, Combinators.combine(index, id).as((i, v) -> new Op("setObject", i, v))),
                Tuple.of(1, Combinators.combine(index, Arbitraries.of(Types.VARCHAR, Types.INTEGER,
                        Types.NULL)).as((i, t) -> new Op("setNull", i, t))),
                Tuple.of(1, Arbitraries.just(new Op("clearParameters", 0, null))),
                Tuple.of(1, Arbitraries.just(new Op("parameterCount", 0, null))),
                Tuple.of(1, Combinators.combine(id, text).as((i, v) -> new Op("write", i, v))),
                Tuple.of(6, Arbitraries.just(new Op("executeQuery", 0, null))));
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 150)
    void everyCallAnswersAsH2Does(@ForAll("calls") List<Op> calls, @ForAll("queries") String sql)
            throws SQLException {
        H2Database db = database();
        // both connections open before either statement is prepared: H2 compiles a statement again when another
        // session opened since its prepare, and then reports a badly typed value by another error than before
        try (Connection c = db.cachet(); Connection direct = db.direct();
                PreparedStatement ps = c.prepareStatement(sql); PreparedStatement d = direct.prepareStatement(sql)) {
            for (int i = 0; i < calls.size(); i++) {
                Op op = calls.get(i);
                if (op.kind().equals("write")) {
                    try (PreparedStatement w = c.prepareStatement("UPDATE item SET name = ? WHERE id = ?")) {
                        w.setString(1, (String) op.value());
                        w.setInt(2, op.index());
                        w.executeUpdate();
                    }
                    continue;
                }
                assertThat(outcome(ps, op)).as("%s: call %d, %s, after %s", sql, i, op, calls.subList(0, i))
                        .isEqualTo(outcome(d, op));
            }
        }
    }

    @Provide
    Arbitrary<String> queries() {
        return Arbitraries.of(QUERIES);
    }

    /** What a call answered: the rows or parameter count it returned, or the SQLState it failed with. */
    private static String outcome(PreparedStatement ps, Op op) {
        try {
            int i = op.index();
            Object v = op.value();
            switch (op.kind()) {
                case "setInt" -> ps.setInt(i, (Integer) v);
                case "setLong" -> ps.setLong(i, (Long) v);
                case "setString" -> ps.setString(i, (String) v);
                case "setBigDecimal" -> ps.setBigDecimal(i, (BigDecimal) v);
                case "setTimestamp" -> ps.setTimestamp(i, (Timestamp) v);
                case "setObject" -> ps.setObject(i, v);
                case "setNull" -> ps.setNull(i, (Integer) v);
                case "clearParameters" -> ps.clearParameters();
                case "parameterCount" -> {
                    return "count " + ps.getParameterMetaData().getParameterCount();
                }
                case "executeQuery" -> {
                    return "rows " + rows(ps.executeQuery());
                }
                default -> throw new IllegalArgumentException(op.kind());
            }
            return "ok";
        } catch (SQLException e) {
            // an execution with a value of another type than its column's, or with a parameter not set, fails in
            // both, but which error H2 reports first depends on whether its session compiled the text again with the
            // values bound (22018, 90110 or 90012); a setter's error is the same in both, call for call
            return "SQLState " + e.getSQLState();
        }
    }
}
