package dev.cachet.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.TableStatistics;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The {@code WRITE_HOT} switch of DESIGN §13 on a fake clock: deterministic, no sleeps. */
class AdaptiveCachingTest {

    static final long SECOND = 1_000_000_000L;
    static final Set<String> T = Set.of("t");

    final AtomicLong now = new AtomicLong(1_000 * SECOND);

    AdaptiveCaching adaptive(boolean enabled, String... exempt) {
        Set<String> ex = Set.of(exempt);
        return new AdaptiveCaching(enabled, ex::contains, now::get);
    }

    /** One window of {@code fills} fills of t, {@code wasted} of them invalidated unread, and {@code hits} hits. */
    void window(AdaptiveCaching a, int fills, int wasted, int hits) {
        for (int i = 0; i < fills; i++) {
            a.fill(T);
        }
        for (int i = 0; i < wasted; i++) {
            a.write(Set.of("t#w", "t#r" + i));
            a.wasted(Set.of("t", "t#r" + i));
        }
        for (int i = 0; i < hits; i++) {
            a.hit(T);
        }
        now.addAndGet(AdaptiveCaching.WINDOW_NANOS);
        a.hit(Set.of("other")); // any event judges the windows that are due... of its own table
        a.fill(Set.of()); // no-op
    }

    /** Ends t's window: the first event after it judges it. */
    void judge(AdaptiveCaching a) {
        a.write(Set.of("t#w"));
    }

    @Test
    void aTableWhoseFillsAreWastedByWritesIsSwitchedOffThenRetriedAfterThePause() {
        AdaptiveCaching a = adaptive(true);
        window(a, 100, 90, 5);
        judge(a);
        assertThat(a.writeHot(T)).isTrue();
        assertThat(a.writeHot(Set.of("other"))).isFalse();
        List<TableStatistics> stats = a.statistics();
        TableStatistics t = stats.stream().filter(s -> s.table().equals("t")).findFirst().orElseThrow();
        assertThat(t.writeHot()).isTrue();
        assertThat(t.switchedOff()).isEqualTo(1);
        assertThat(t.fills()).isEqualTo(100);
        assertThat(t.fillsWasted()).isEqualTo(90);
        assertThat(t.hits()).isEqualTo(5);
        assertThat(t.writesPerSecond()).isGreaterThan(0);

        now.addAndGet(AdaptiveCaching.FIRST_PAUSE_NANOS - 1);
        assertThat(a.writeHot(T)).as("still paused").isTrue();
        now.addAndGet(1);
        assertThat(a.writeHot(T)).as("retried after the pause").isFalse();
    }

    @Test
    void aSecondSwitchOffRightAfterTheRetryDoublesThePauseAndAWindowThatPaysResetsIt() {
        AdaptiveCaching a = adaptive(true);
        window(a, 100, 90, 5);
        judge(a);
        now.addAndGet(AdaptiveCaching.FIRST_PAUSE_NANOS);
        assertThat(a.writeHot(T)).isFalse();
        window(a, 100, 90, 5);
        judge(a);
        assertThat(a.writeHot(T)).isTrue();
        now.addAndGet(AdaptiveCaching.FIRST_PAUSE_NANOS);
        assertThat(a.writeHot(T)).as("the second pause is twice as long").isTrue();
        now.addAndGet(AdaptiveCaching.FIRST_PAUSE_NANOS);
        assertThat(a.writeHot(T)).isFalse();
        window(a, 100, 10, 80); // reads pay again
        judge(a);
        assertThat(a.writeHot(T)).isFalse();
        window(a, 100, 90, 5);
        judge(a);
        assertThat(a.writeHot(T)).isTrue();
        now.addAndGet(AdaptiveCaching.FIRST_PAUSE_NANOS);
        assertThat(a.writeHot(T)).as("the paying window reset the pause").isFalse();
    }

    @Test
    void coldStartExpiryAndFewFillsNeverSwitchATableOff() {
        AdaptiveCaching a = adaptive(true);
        window(a, 500, 0, 0); // all misses, nothing wasted: a cold cache or entries expiring unread
        judge(a);
        assertThat(a.writeHot(T)).isFalse();
        window(a, AdaptiveCaching.MIN_FILLS - 1, AdaptiveCaching.MIN_FILLS - 1, 0); // too few to judge
        judge(a);
        assertThat(a.writeHot(T)).isFalse();
        window(a, 100, 90, 30); // wasted, but the hits pay for the fills
        judge(a);
        assertThat(a.writeHot(T)).isFalse();
    }

    @Test
    void adaptiveFalseAndATablesOwnTtlKeepItOnButMeasured() {
        AdaptiveCaching off = adaptive(false);
        window(off, 100, 90, 5);
        judge(off);
        assertThat(off.writeHot(T)).isFalse();
        assertThat(off.statistics().get(off.statistics().size() - 1).fillsWasted()).isEqualTo(90);

        AdaptiveCaching exempt = adaptive(true, "t");
        window(exempt, 100, 90, 5);
        judge(exempt);
        assertThat(exempt.writeHot(T)).isFalse();
    }

    @Test
    void aQueryOfSeveralTablesIsWriteHotWhenOneOfThemIs() {
        AdaptiveCaching a = adaptive(true);
        window(a, 100, 90, 5);
        judge(a);
        assertThat(a.writeHot(Set.of("other", "t"))).isTrue();
        assertThat(a.writeHot(Set.of("other", "u"))).isFalse();
    }
}
