package dev.cachet.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Whatever the input, the analyzer returns (never throws, never hangs) and its answer obeys the
 * safety rules in {@link Invariants}: what it cannot understand is the conservative answer.
 */
class AnalyzerPropertiesTest {

    /** A generous budget: these properties are about answers, not speed, on a busy machine. */
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(0, Duration.ofSeconds(5));
    private static final Duration HANG_GUARD = Duration.ofSeconds(20);
    private static final List<String> CORPUS = corpus();
    private static final String[] TOKENS = {
        "select", "from", "where", "insert", "into", "values", "update", "set", "delete", "with", "as", "join",
        "on", "(", ")", ",", ";", "'", "\"", "`", "$$", "--", "/*", "*/", "{", "}", "{fn", "{call", "?", "*",
        "t", "u", "now()", "nextval('s')", "for update", "union", "begin", "commit", "explain analyze",
        "lock table", "/*cachet:ttl=1s*/", "\\", "@x", ":=", "::int", "->>", "#", "\n", " "};

    private static List<String> corpus() {
        try {
            return CorpusTest.entries().stream().map(CorpusTest.Entry::sql).distinct().collect(Collectors.toList());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void analyzeAndCheck(String sql, Dialect dialect) {
        StatementInfo info = assertTimeoutPreemptively(HANG_GUARD, () -> ANALYZER.analyzeUncached(sql, dialect),
                () -> "analysis did not return: " + sql);
        assertThat(info).isNotNull();
        assertThat(info.sql()).isSameAs(sql);
        Invariants.check(info);
    }

    @Property(tries = 300)
    void randomStringsNeverThrowAndStayConservative(@ForAll String sql, @ForAll Dialect dialect) {
        analyzeAndCheck(sql, dialect);
    }

    @Property(tries = 300)
    void randomTokenSoupNeverThrows(@ForAll("tokenSoup") String sql, @ForAll Dialect dialect) {
        analyzeAndCheck(sql, dialect);
    }

    @Property(tries = 800)
    void mutatedCorpusStatementsNeverThrowAndStayConservative(@ForAll("mutated") String sql,
            @ForAll Dialect dialect) {
        analyzeAndCheck(sql, dialect);
    }

    @Property(tries = 200)
    void appendingAStatementMakesItUnknown(@ForAll("corpusStatement") String sql, @ForAll Dialect dialect) {
        String two = sql + ";\ndelete from victim";
        StatementInfo info = ANALYZER.analyzeUncached(two, dialect);
        Invariants.check(info);
        assertThat(info.cacheable()).as(two).isFalse();
        assertThat(info.requiresPrimary()).as(two).isTrue();
        assertThat(info.isWrite()).as(two).isTrue();
    }

    @Provide
    Arbitrary<String> corpusStatement() {
        return Arbitraries.of(CORPUS);
    }

    @Provide
    Arbitrary<String> tokenSoup() {
        return Arbitraries.of(TOKENS).list().ofMinSize(1).ofMaxSize(30).map(l -> String.join(" ", l));
    }

    @Provide
    Arbitrary<String> mutated() {
        Arbitrary<String> base = Arbitraries.of(CORPUS);
        Arbitrary<List<Tuple.Tuple3<Integer, Double, String>>> edits = Combinators.combine(
                Arbitraries.integers().between(0, 5), Arbitraries.doubles().between(0, 1),
                Arbitraries.oneOf(Arbitraries.of(TOKENS), Arbitraries.strings().ofMaxLength(3)))
                .as(Tuple::of).list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(base, edits).as(AnalyzerPropertiesTest::mutate);
    }

    /** Applies edits: insert a token, delete a range, swap two characters, truncate, duplicate, swap tokens. */
    static String mutate(String sql, List<Tuple.Tuple3<Integer, Double, String>> edits) {
        String s = sql;
        for (Tuple.Tuple3<Integer, Double, String> e : edits) {
            int at = (int) (e.get2() * s.length());
            switch (e.get1()) {
                case 0:
                    s = s.substring(0, at) + e.get3() + s.substring(at);
                    break;
                case 1:
                    s = s.substring(0, at) + s.substring(Math.min(s.length(), at + 1 + e.get3().length()));
                    break;
                case 2:
                    if (s.length() > 1) {
                        int j = Math.min(s.length() - 1, at + 1);
                        int i = Math.min(at, j - 1);
                        char[] c = s.toCharArray();
                        char tmp = c[i];
                        c[i] = c[j];
                        c[j] = tmp;
                        s = new String(c);
                    }
                    break;
                case 3:
                    s = s.substring(0, at);
                    break;
                case 4:
                    s = s.substring(0, at) + s.substring(at) + " " + s.substring(at);
                    break;
                default:
                    String[] words = s.split(" ");
                    if (words.length > 1) {
                        int i = Math.min(words.length - 2, (int) (e.get2() * words.length));
                        String w = words[i];
                        words[i] = words[i + 1];
                        words[i + 1] = w;
                        s = String.join(" ", words);
                    }
            }
        }
        return s;
    }

    @Example
    void aStatementOverTheParseBudgetIsUnknown() {
        String longStatement = longStatement();
        for (Duration budget : List.of(Duration.ZERO, Duration.ofNanos(1))) {
            SqlAnalyzer tiny = new SqlAnalyzer(100, budget);
            StatementInfo info = tiny.analyze(longStatement, Dialect.POSTGRESQL);
            assertThat(info.kind()).isEqualTo(StatementKind.UNKNOWN);
            assertThat(info.notCacheableReason()).isEqualTo(NotCacheableReason.PARSE_TIMEOUT);
            Invariants.check(info);
        }
        // the same text within a sane budget is understood
        StatementInfo ok = new SqlAnalyzer(100, Duration.ofSeconds(10)).analyze(longStatement, Dialect.POSTGRESQL);
        assertThat(ok.kind()).isEqualTo(StatementKind.QUERY);
        assertThat(ok.cacheable()).as(ok.toString()).isTrue();
    }

    @Example
    void parserThreadsAreNamedDaemons() {
        ANALYZER.analyzeUncached("select * from warm_up where id = ?", Dialect.H2);
        List<Thread> parsers = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("cachet-parser-")) {
                parsers.add(t);
            }
        }
        assertThat(parsers).isNotEmpty().allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
    }

    static String longStatement() {
        StringBuilder b = new StringBuilder("select o.id, c.name");
        for (int i = 0; i < 40; i++) {
            b.append(", (select count(*) from lines_").append(i).append(" l where l.order_id = o.id and l.qty > ")
                    .append(i).append(")");
        }
        b.append(" from orders o join customers c on c.id = o.customer_id where o.id in (select order_id from ")
                .append("payments where amount > 100) and coalesce(o.note, '') like '%x%'");
        return b.toString();
    }
}
