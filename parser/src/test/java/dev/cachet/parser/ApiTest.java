package dev.cachet.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The smaller contracts: dialect detection, escapes, hints, memoization and function settings. */
class ApiTest {

    /** Classification tests must not depend on the machine's load: a budget no parse here comes near. */
    private static final SqlAnalyzer GENEROUS = new SqlAnalyzer(1_000, Duration.ofSeconds(10));

    @Test
    void dialectFromUrl() {
        assertThat(Dialect.fromJdbcUrl("jdbc:postgresql://h/db")).isEqualTo(Dialect.POSTGRESQL);
        assertThat(Dialect.fromJdbcUrl("jdbc:cachet:postgresql://h/db")).isEqualTo(Dialect.POSTGRESQL);
        assertThat(Dialect.fromJdbcUrl("jdbc:mysql://h/db")).isEqualTo(Dialect.MYSQL);
        assertThat(Dialect.fromJdbcUrl("JDBC:CACHET:MARIADB://h/db")).isEqualTo(Dialect.MYSQL);
        assertThat(Dialect.fromJdbcUrl("jdbc:h2:mem:x")).isEqualTo(Dialect.H2);
        assertThat(Dialect.fromJdbcUrl("jdbc:oracle:thin:@x")).isEqualTo(Dialect.GENERIC);
        assertThat(Dialect.fromJdbcUrl(null)).isEqualTo(Dialect.GENERIC);
    }

    @Test
    void dialectFromProductName() {
        assertThat(Dialect.fromProductName("PostgreSQL")).isEqualTo(Dialect.POSTGRESQL);
        assertThat(Dialect.fromProductName("MySQL")).isEqualTo(Dialect.MYSQL);
        assertThat(Dialect.fromProductName("MariaDB")).isEqualTo(Dialect.MYSQL);
        assertThat(Dialect.fromProductName("H2")).isEqualTo(Dialect.H2);
        assertThat(Dialect.fromProductName("Oracle")).isEqualTo(Dialect.GENERIC);
    }

    @Test
    void jdbcEscapesAreTranslated() {
        assertThat(JdbcEscapes.translate("select 1")).isEqualTo("select 1");
        assertThat(JdbcEscapes.translate("{call p(?)}").trim().replaceAll("\\s+", " ")).isEqualTo("CALL p(?)");
        assertThat(JdbcEscapes.translate("{?= call f(?)}").trim().replaceAll("\\s+", " ")).isEqualTo("CALL f(?)");
        assertThat(JdbcEscapes.translate("select {fn ucase({fn lcase(a)})}")).doesNotContain("{", "}", "fn");
        assertThat(JdbcEscapes.translate("select {ts '2024-01-01 00:00:00'}").replaceAll("\\s+", " "))
                .contains("TIMESTAMP '2024-01-01 00:00:00'");
        assertThat(JdbcEscapes.translate("select {d '2024-01-01'}, {t '10:00:00'}").replaceAll("\\s+", " "))
                .contains("DATE '2024-01-01'").contains("TIME '10:00:00'");
        assertThat(JdbcEscapes.translate("select '{fn x}' from t")).isEqualTo("select '{fn x}' from t");
        assertThat(JdbcEscapes.translate("select 1 {limit 10 offset 5}").replaceAll("\\s+", " "))
                .contains("LIMIT 10 offset 5");
        assertThat(JdbcEscapes.translate("select '{' || x from t where y = '}'")).isEqualTo("select '{' || x from t where y = '}'");
    }

    @Test
    void hintsAreParsed() {
        assertThat(Hints.parse("select 1")).isSameAs(Hints.NONE);
        Hints h = Hints.parse("/*cachet:ttl=500ms*/ select 1 /* cachet:nocache */ /*CACHET:PRIMARY*/");
        assertThat(h.ttl()).isEqualTo(Duration.ofMillis(500));
        assertThat(h.noCache()).isTrue();
        assertThat(h.primary()).isTrue();
        assertThat(h.hintError()).isNull();
        Hints bad = Hints.parse("/*cachet:ttl=soon,primary,shiny*/ select 1");
        assertThat(bad.ttl()).isNull();
        assertThat(bad.primary()).isTrue();
        assertThat(bad.hintError()).contains("soon").contains("shiny");
        assertThat(Hints.parse("/*cachet:ttl=1h*/").ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(Hints.parse("/*cachet:ttl=PT30S*/").ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(Hints.parse("/*cachet:ttl=-5s*/").ttl()).isNull();
        assertThat(Hints.parse("select '/*cachet:nocache' from t").noCache()).isFalse();
    }

    @Test
    void answersAreMemoized() {
        SqlAnalyzer a = new SqlAnalyzer(1_000, Duration.ofSeconds(10));
        StatementInfo first = a.analyze("select * from t where id = ?", Dialect.POSTGRESQL);
        assertThat(a.analyze("select * from t where id = ?", Dialect.POSTGRESQL)).isSameAs(first);
        assertThat(a.analyze("select * from t where id = ?", Dialect.MYSQL)).isNotSameAs(first);
        assertThat(SqlAnalyzer.shared()).isSameAs(SqlAnalyzer.shared());
    }

    @Test
    void memoizationCanBeSwitchedOff() {
        SqlAnalyzer a = new SqlAnalyzer(0, Duration.ofSeconds(1));
        StatementInfo first = a.analyze("select * from t", Dialect.H2);
        assertThat(a.analyze("select * from t", Dialect.H2)).isNotSameAs(first).hasToString(first.toString());
    }

    @Test
    void functionSettingsRelaxUnknownFunctions() {
        StatementInfo info = GENEROUS.analyze("select price_with_tax(p), fmt(p) from items", Dialect.POSTGRESQL);
        assertThat(info.unknownFunctions()).containsExactlyInAnyOrder("price_with_tax", "fmt");
        assertThat(info.cacheable()).isFalse();
        assertThat(info.writesAllTables()).isTrue();
        assertThat(info.requiresPrimary()).isTrue();

        assertThat(info.withFunctionSettings(Set.of(), Set.of())).isSameAs(info);
        assertThat(info.withFunctionSettings(Set.of("other"), null)).isSameAs(info);

        StatementInfo both = info.withFunctionSettings(Set.of("price_with_tax", "fmt"), Set.of());
        assertThat(both.cacheable()).isTrue();
        assertThat(both.writesAllTables()).isFalse();
        assertThat(both.requiresPrimary()).isFalse();
        assertThat(both.unknownFunctions()).isEmpty();
        assertThat(both.tablesRead()).containsExactly("items");

        StatementInfo readOnly = info.withFunctionSettings(Set.of("price_with_tax"), Set.of("fmt"));
        assertThat(readOnly.cacheable()).isFalse();
        assertThat(readOnly.notCacheableReason()).isEqualTo(NotCacheableReason.READ_ONLY_FUNCTION);
        assertThat(readOnly.notCacheableDetail()).contains("fmt()");
        assertThat(readOnly.writesAllTables()).isFalse();
        assertThat(readOnly.requiresPrimary()).isFalse();

        StatementInfo half = info.withFunctionSettings(Set.of("fmt"), Set.of());
        assertThat(half.unknownFunctions()).containsExactly("price_with_tax");
        assertThat(half.writesAllTables()).isTrue();
        assertThat(half.notCacheableReason()).isEqualTo(NotCacheableReason.UNKNOWN_FUNCTION);
    }

    @Test
    void functionSettingsKeepOtherReasons() {
        StatementInfo info = GENEROUS.analyze("select my_fn(id) from t for update", Dialect.POSTGRESQL);
        StatementInfo relaxed = info.withFunctionSettings(Set.of("my_fn"), Set.of());
        assertThat(relaxed.cacheable()).isFalse();
        assertThat(relaxed.notCacheableReason()).isEqualTo(NotCacheableReason.LOCKING_READ);
        assertThat(relaxed.requiresPrimary()).isTrue();

        StatementInfo write = GENEROUS.analyze("update t set a = my_fn(b)", Dialect.POSTGRESQL);
        StatementInfo w = write.withFunctionSettings(Set.of("my_fn"), Set.of());
        assertThat(w.writesAllTables()).isFalse();
        assertThat(w.tablesWritten()).containsExactly("t");
        assertThat(w.requiresPrimary()).isTrue();
        assertThat(w.notCacheableReason()).isEqualTo(NotCacheableReason.NOT_A_QUERY);
    }

    @Test
    void everyReasonDescribesItself() {
        for (NotCacheableReason r : NotCacheableReason.values()) {
            assertThat(r.description()).isNotBlank();
        }
    }

    @Test
    void unknownFactoryIsConservative() {
        StatementInfo u = StatementInfo.unknown("whatever", NotCacheableReason.UNPARSEABLE, "because");
        Invariants.check(u);
        assertThat(u.notCacheableDetail()).isEqualTo("because");
    }

    @Test
    void temporaryTableIsKnownEvenWhenTheRestDoesNotParse() {
        StatementInfo info = GENEROUS.analyze(
                "create temporary table tmp_q (id int) with (some_option = !!!)", Dialect.POSTGRESQL);
        assertThat(info.temporaryTablesCreated()).containsExactly("tmp_q");
        Invariants.check(info);
    }

    @Test
    void deepNestingAndHugeTextsAreAnsweredConservatively() {
        SqlAnalyzer a = new SqlAnalyzer(10, Duration.ofSeconds(5));
        String deep = "select " + "(".repeat(20_000) + "1" + ")".repeat(20_000) + " from t";
        StatementInfo nested = a.analyze(deep, Dialect.POSTGRESQL);
        Invariants.check(nested);
        assertThat(nested.cacheable()).isFalse();

        StringBuilder huge = new StringBuilder("select * from t where a in (");
        for (int i = 0; i < 100_000; i++) {
            huge.append(i).append(',');
        }
        huge.append("0)");
        StatementInfo big = new SqlAnalyzer(10, Duration.ofMillis(200)).analyze(huge.toString(), Dialect.MYSQL);
        Invariants.check(big);
    }

    @Test
    void sessionEffectsCarryTransactionCharacteristics() {
        StatementInfo begin = GENEROUS.analyze(
                "start transaction isolation level serializable, read only", Dialect.POSTGRESQL);
        assertThat(begin.sessionEffect().type()).isEqualTo(SessionEffect.Type.BEGIN_READ_ONLY);
        assertThat(begin.sessionEffect().isolation()).isEqualTo("SERIALIZABLE");
        assertThat(begin.sessionEffect().readOnly()).isTrue();
        assertThat(begin.changesSession()).isTrue();
        StatementInfo select = GENEROUS.analyze("select * from t", Dialect.MYSQL);
        assertThat(select.changesSession()).isFalse();
        assertThat(select.sessionEffect()).isNull();
    }

    @Test
    void notCacheableDetailUsesTheRightArticle() {
        SqlAnalyzer a = GENEROUS;
        assertThat(a.analyze("UPDATE t SET a = 1", Dialect.GENERIC).notCacheableDetail())
                .isEqualTo("an update statement is not cached");
        assertThat(a.analyze("INSERT INTO t VALUES (1)", Dialect.GENERIC).notCacheableDetail())
                .isEqualTo("an insert statement is not cached");
        assertThat(a.analyze("DELETE FROM t", Dialect.GENERIC).notCacheableDetail())
                .isEqualTo("a delete statement is not cached");
        assertThat(StatementInfo.withArticle("unknown")).isEqualTo("an unknown");
        assertThat(StatementInfo.withArticle("ddl")).isEqualTo("a ddl");
    }

    @Test
    void tableSampleIsARandomSample() {
        StatementInfo info = GENEROUS.analyze("SELECT * FROM t TABLESAMPLE SYSTEM (10)", Dialect.POSTGRESQL);
        assertThat(info.cacheable()).isFalse();
        assertThat(info.notCacheableReason()).isEqualTo(NotCacheableReason.VOLATILE_FUNCTION);
        assertThat(info.notCacheableDetail()).isEqualTo("TABLESAMPLE returns a random sample");
    }
}
