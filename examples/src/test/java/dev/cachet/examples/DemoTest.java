package dev.cachet.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DemoTest {

    @Test
    void theDemoHitsInvalidatesAndNeverReadsStaleData() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DemoSummary s;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            s = new Demo(out, 300, 7).run();
        }
        String report = bytes.toString(StandardCharsets.UTF_8);

        assertThat(s.hits()).isPositive();
        assertThat(s.misses()).isPositive();
        assertThat(s.notCacheable()).as("CURRENT_TIMESTAMP and /*cachet:nocache*/ reads").isPositive();
        assertThat(s.writes()).isPositive();
        assertThat(s.invalidations()).isPositive();
        assertThat(s.readsAfterWrites()).isPositive();
        assertThat(s.staleReads()).as("stale reads; the demo's report:%n%s", report).isZero();
        assertThat(s.reads()).isEqualTo(s.hits() + s.misses() + s.notCacheable());
        // what H2 itself executed: every read that was not a hit reached it, and the hits did not (a SELECT
        // whose analysis ran over budget on a loaded machine is reported as a write, hence the upper bound)
        assertThat(s.databaseSelects()).isBetween(s.misses() + s.notCacheable(),
                s.misses() + s.notCacheable() + s.writes());
        assertThat(s.databaseSelects()).isLessThan(s.reads());

        assertThat(report).contains("HIT", "MISS", "NOT CACHEABLE", "invalidated results reading",
                "customer_totals", "hit ratio", "stale reads: 0");
    }
}
