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
            a.hitCounters(null, T).count();
        }
        now.addAndGet(AdaptiveCaching.WINDOW_NANOS);
        a.hitCounters(null, Set.of("other")).count(); // any event judges the windows that are due... of its own table
        a.fill(Set.of()); // no-op
    }

    /** Ends t's window: the first event after it judges it. */
    void judge(AdaptiveCaching a) {
        a.write(Set.of("t#w"));
    }

    @Test
    void aWriteCountsOncePerTableItReachesWhicheverNamesItUses() {
        AdaptiveCaching a = adaptive(true);
        a.write(Set.of("t#w", "t#r5", "t#r9"));
        a.write(Set.of("t", "t#w", "t#r5", "u"));
        a.write(Set.of("u#w", "u"));
        a.write(Set.of("q#1"));
        a.write(Set.of("v#w"));
        assertThat(a.statistics()).extracting(TableStatistics::table, TableStatistics::writes).containsExactly(
                org.assertj.core.groups.Tuple.tuple("q#1", 1L), org.assertj.core.groups.Tuple.tuple("t", 2L),
                org.assertj.core.groups.Tuple.tuple("u", 2L), org.assertj.core.groups.Tuple.tuple("v", 1L));
    }

    private static double writesPerSecondOfT(AdaptiveCaching a) {
        return a.statistics().stream().filter(s -> s.table().equals("t")).findFirst().orElseThrow().writesPerSecond();
    }

    @Test
    void theWriteRateIsTheLastWindowsNotTheTotals() {
        AdaptiveCaching a = adaptive(false);
        window(a, 100, 90, 5);
        judge(a); // its own write counts in the window it ends
        assertThat(writesPerSecondOfT(a)).isCloseTo(91 * 1e9 / AdaptiveCaching.WINDOW_NANOS,
                org.assertj.core.data.Offset.offset(1e-9));
        window(a, 100, 10, 5);
        judge(a);
        assertThat(writesPerSecondOfT(a)).isCloseTo(11 * 1e9 / AdaptiveCaching.WINDOW_NANOS,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.statistics().stream().filter(s -> s.table().equals("t")).findFirst().orElseThrow().writes())
                .isEqualTo(102);
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
    void theFillCostIsMeasuredNotFixed() {
        // 100 fills, 90 wasted, 30 hits: at the fixed quarter of a query per fill the hits pay (30 >= 25)
        AdaptiveCaching unmeasured = adaptive(true);
        window(unmeasured, 100, 90, 30);
        judge(unmeasured);
        assertThat(unmeasured.writeHot(T)).isFalse();
        assertThat(stats(unmeasured).fillCost()).isEqualTo(AdaptiveCaching.FILL_COST);

        // an in-memory database: copying a row costs four of its 1 µs queries, so 30 hits do not pay for 100 fills
        AdaptiveCaching inMemory = adaptive(true);
        for (int i = 0; i < 20; i++) {
            inMemory.fillCost(T, 1_000, 4_000);
        }
        window(inMemory, 100, 90, 30);
        judge(inMemory);
        assertThat(stats(inMemory).fillCost()).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(inMemory.writeHot(T)).isTrue();

        // a remote database: a fill costs a tenth of its 200 µs query, so even 15 hits in 100 fills pay
        AdaptiveCaching remote = adaptive(true);
        for (int i = 0; i < 20; i++) {
            remote.fillCost(T, 200_000, 20_000);
        }
        window(remote, 100, 90, 15);
        judge(remote);
        assertThat(remote.writeHot(T)).isFalse();
        assertThat(unmeasuredWouldSwitchOff(15)).as("where the fixed cost would have switched it off").isTrue();
    }

    @Test
    void aBusyTableIsJudgedAfterASecondAQuietOneAfterItsWholeWindow() {
        AdaptiveCaching a = adaptive(true);
        for (int i = 0; i < AdaptiveCaching.BUSY_WINDOW_FILLS; i++) {
            a.fill(T);
            if (i % 2 == 0) {
                a.wasted(T);
            }
        }
        now.addAndGet(AdaptiveCaching.SHORT_WINDOW_NANOS - 1);
        judge(a);
        assertThat(a.writeHot(T)).as("not before a second").isFalse();
        now.addAndGet(1);
        judge(a);
        assertThat(a.writeHot(T)).as("thousands of wasted fills and no hit, judged after a second").isTrue();

        AdaptiveCaching quiet = adaptive(true);
        for (int i = 0; i < 100; i++) {
            quiet.fill(T);
            quiet.wasted(T);
        }
        now.addAndGet(AdaptiveCaching.SHORT_WINDOW_NANOS);
        judge(quiet);
        assertThat(quiet.writeHot(T)).as("a hundred fills wait for the whole window").isFalse();
        now.addAndGet(AdaptiveCaching.WINDOW_NANOS);
        judge(quiet);
        assertThat(quiet.writeHot(T)).isTrue();
    }

    @Test
    void theAveragesFollowTheTimedFillsAndOneFillInSixteenIsTimed() {
        AdaptiveCaching a = adaptive(true);
        a.fillCost(T, 1_000, 1_000);
        assertThat(stats(a).fillCost()).isEqualTo(1.0);
        for (int i = 0; i < 200; i++) {
            a.fillCost(T, 1_000, 3_000);
        }
        assertThat(stats(a).fillCost()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.01));
        a.fillCost(T, 0, 5_000); // a query timed at zero (a coarse clock) says nothing
        assertThat(stats(a).fillCost()).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.01));
        int timed = 0;
        for (int i = 0; i < 160; i++) {
            if (a.timeThisFill()) {
                timed++;
            }
        }
        assertThat(timed).isEqualTo(160 / AdaptiveCaching.TIMED_FILL_EVERY);
    }

    private boolean unmeasuredWouldSwitchOff(int hits) {
        AdaptiveCaching a = adaptive(true);
        window(a, 100, 90, hits);
        judge(a);
        return a.writeHot(T);
    }

    private static TableStatistics stats(AdaptiveCaching a) {
        return a.statistics().stream().filter(s -> s.table().equals("t")).findFirst().orElseThrow();
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
