package dev.cachet.bench.workload;

import dev.cachet.parser.Dialect;
import dev.cachet.parser.SqlAnalyzer;
import java.time.Duration;

/**
 * Loads the SQL parser's classes before the first Cachet connection, with a private analyzer and a generous
 * budget, so that the shared analyzer's first parses are not charged for class loading.
 *
 * <p>Why the benchmarks need this: on a cold JVM the very first parse takes longer than the default 50 ms parse
 * budget; the analyzer then answers "unknown" (not cacheable, a write to every table) and memoizes that answer,
 * so the statement would stay uncached and invalidate everything for as long as the memo holds it. The
 * benchmarks measure the steady state; the cold-start behaviour is reported separately.
 */
public final class ParserWarmUp {

    private ParserWarmUp() {
    }

    /** Parses one statement of each shape the benchmarks run, in every dialect they use. */
    public static void run() {
        SqlAnalyzer analyzer = new SqlAnalyzer(64, Duration.ofSeconds(30));
        for (Dialect d : new Dialect[] {Dialect.H2, Dialect.POSTGRESQL}) {
            analyzer.analyze("SELECT a, b FROM warm_up_t WHERE a = ? AND b >= 0", d);
            analyzer.analyze("INSERT INTO warm_up_t (a, b) VALUES (?, ?)", d);
            analyzer.analyze("UPDATE warm_up_t SET b = b + 1 WHERE a = ?", d);
            analyzer.analyze("SELECT setting FROM pg_settings WHERE name = 'port'", d);
        }
    }
}
