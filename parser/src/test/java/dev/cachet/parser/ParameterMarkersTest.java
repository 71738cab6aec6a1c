package dev.cachet.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link StatementInfo#parameterMarkers()}: the count of a query's {@code ?} markers, never a marker inside a literal,
 * a quoted name or a comment, and -1 (unknown) rather than a wrong count.
 */
class ParameterMarkersTest {

    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(0, Duration.ofSeconds(10));

    private static int markers(String sql, Dialect dialect) {
        return ANALYZER.analyze(sql, dialect).parameterMarkers();
    }

    @Example
    void countsTheMarkersOfAQuery() {
        assertThat(markers("select * from t where id = ?", Dialect.H2)).isEqualTo(1);
        assertThat(markers("select a, b from t where a = ? and b in (?, ?) order by a limit 10", Dialect.POSTGRESQL))
                .isEqualTo(3);
        assertThat(markers("select * from t", Dialect.MYSQL)).isZero();
        assertThat(markers("select * from t join u on t.id = u.t where u.x > ? and t.y like ?", Dialect.GENERIC))
                .isEqualTo(2);
    }

    @Example
    void noMarkerInLiteralsQuotedNamesOrComments() {
        assertThat(markers("select '?' as q, \"?\" from t where id = ? -- and x = ?\n", Dialect.POSTGRESQL))
                .isEqualTo(1);
        assertThat(markers("select /* ? */ a from t where b = ? and c = 'it''s ?'", Dialect.H2)).isEqualTo(1);
        assertThat(markers("select `?` from t where b = ? and c = \"?\"", Dialect.MYSQL)).isEqualTo(1);
    }

    @Example
    void unknownWhereTheReadingsMayDisagree() {
        assertThat(markers("select * from t where id = ?1", Dialect.H2)).as("numbered parameter").isEqualTo(-1);
        assertThat(markers("select * from t where id = :id", Dialect.GENERIC)).as("named parameter").isEqualTo(-1);
        assertThat(markers("select * from t where id = ? for update", Dialect.POSTGRESQL)).as("locking read")
                .isIn(-1, 1);
        assertThat(markers("update t set a = ? where id = ?", Dialect.POSTGRESQL)).as("not a query").isEqualTo(-1);
        assertThat(markers("select * from t where id = ?; select 1", Dialect.POSTGRESQL)).isEqualTo(-1);
        assertThat(markers("this is not sql ?", Dialect.POSTGRESQL)).isEqualTo(-1);
    }

    @Example
    void jdbcEscapesKeepTheCount() {
        assertThat(markers("select * from t where d = {d '2020-01-01'} and id = ?", Dialect.H2)).isEqualTo(1);
        assertThat(markers("select {fn ucase(name)} from t where id = ? and n = ?", Dialect.POSTGRESQL)).isEqualTo(2);
    }

    /** A condition of the WHERE clause and the markers it holds. */
    private record Condition(String text, int markers) {
    }

    @Provide
    Arbitrary<List<Condition>> conditions() {
        Arbitrary<String> column = Arbitraries.of("a", "b", "c", "id");
        Arbitrary<Condition> one = Arbitraries.oneOf(
                column.map(c -> new Condition(c + " = ?", 1)),
                column.map(c -> new Condition(c + " in (?, ?, ?)", 3)),
                column.map(c -> new Condition(c + " between ? and ?", 2)),
                column.map(c -> new Condition(c + " = '?'", 0)),
                column.map(c -> new Condition(c + " like 'a?b%' /* ? */", 0)),
                Combinators.combine(column, Arbitraries.integers().between(0, 99))
                        .as((c, n) -> new Condition(c + " > " + n, 0)),
                column.map(c -> new Condition(c + " = ? -- ?\n", 1)));
        return one.list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 300)
    void theCountIsTheMarkersOutsideLiteralsAndComments(@ForAll("conditions") List<Condition> where,
            @ForAll Dialect dialect) {
        StringBuilder sql = new StringBuilder("select a, b from t where ");
        int expected = 0;
        for (int i = 0; i < where.size(); i++) {
            sql.append(i == 0 ? "" : " and ").append(where.get(i).text());
            expected += where.get(i).markers();
        }
        assertThat(markers(sql.toString(), dialect)).as(sql.toString()).isIn(expected, -1);
        if (dialect != Dialect.GENERIC) {
            assertThat(markers(sql.toString(), dialect)).as(sql.toString()).isEqualTo(expected);
        }
    }
}
