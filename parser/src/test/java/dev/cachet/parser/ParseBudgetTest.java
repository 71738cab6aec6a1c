package dev.cachet.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The parse budget, the parse limit and the late answer memoized after a timeout. */
class ParseBudgetTest {

    @Test
    void defaultsAreABudgetAndALongerLimit() {
        SqlAnalyzer a = new SqlAnalyzer();
        assertThat(a.parseBudget()).isEqualTo(Duration.ofMillis(250));
        assertThat(a.parseLimit()).isEqualTo(Duration.ofSeconds(2));
        assertThat(new SqlAnalyzer(10, Duration.ofSeconds(5)).parseLimit()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aParsePastTheBudgetIsMemoizedWhenItFinishesWithinTheLimit() throws InterruptedException {
        // a zero budget: the caller never waits, so the first answer is always the timeout
        SqlAnalyzer a = new SqlAnalyzer(100, Duration.ZERO, Duration.ofSeconds(60));
        String sql = AnalyzerPropertiesTest.longStatement();
        StatementInfo first = a.analyze(sql, Dialect.POSTGRESQL);
        assertThat(first.notCacheableReason()).isEqualTo(NotCacheableReason.PARSE_TIMEOUT);
        assertThat(first.writesAllTables()).isTrue();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        StatementInfo later = first;
        while (later.notCacheableReason() == NotCacheableReason.PARSE_TIMEOUT && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            later = a.analyze(sql, Dialect.POSTGRESQL);
        }
        assertThat(later.kind()).isEqualTo(StatementKind.QUERY);
        assertThat(later.cacheable()).as(later.toString()).isTrue();
        assertThat(later.writesAllTables()).isFalse();
    }

    @Test
    void withoutMemoOrWithALimitNoLongerThanTheBudgetEveryTimeoutStaysConservative() {
        String sql = AnalyzerPropertiesTest.longStatement() + " and 1 = 1";
        SqlAnalyzer stopped = new SqlAnalyzer(100, Duration.ZERO, Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            assertThat(stopped.analyze(sql, Dialect.POSTGRESQL).notCacheableReason())
                    .isEqualTo(NotCacheableReason.PARSE_TIMEOUT);
        }
        SqlAnalyzer unmemoized = new SqlAnalyzer(0, Duration.ZERO, Duration.ofSeconds(60));
        assertThat(unmemoized.analyze(sql, Dialect.POSTGRESQL).notCacheableReason())
                .isEqualTo(NotCacheableReason.PARSE_TIMEOUT);
    }
}
