package dev.cachet.driver.it.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cross-instance row checker itself: which reads of a logged history it counts as stale. */
class RowReadLogTest {

    private static final long ABSENT = -1;

    /** Key 5: 0 initially, 7 returned at 100, deleted at 200, then 8 and 9 in one transaction committed at 300. */
    private static final Map<Long, List<long[]>> HISTORY = Map.of(5L, List.of(
            new long[] {5, 0, 0}, new long[] {5, 7, 100}, new long[] {5, ABSENT, 200},
            new long[] {5, 8, 300}, new long[] {5, 9, 300}));

    private static long stale(long seen, long start, long end) {
        List<long[]> reads = new ArrayList<>();
        reads.add(new long[] {5, seen, start, end});
        return new RowReadLog().check(HISTORY, reads).stale;
    }

    @Test
    void aReadMaySeeTheLastReturnedStateOrTheWriteInFlightAtItsEnd() {
        assertThat(stale(7, 150, 160)).isZero();
        assertThat(stale(ABSENT, 150, 160)).as("the delete was in flight").isZero();
        assertThat(stale(9, 250, 310)).as("the transaction returned before the read ended").isZero();
        assertThat(stale(9, 310, 320)).isZero();
    }

    @Test
    void olderStatesNeverSeenStatesAndStatesFromTheFutureAreStale() {
        assertThat(stale(0, 150, 160)).as("older than the state returned at 100").isOne();
        assertThat(stale(ABSENT, 301, 400)).as("the deleted row after its re-insert returned").isOne();
        assertThat(stale(7, 301, 400)).isOne();
        assertThat(stale(9, 150, 160)).as("a write that had not started").isOne();
        assertThat(stale(42, 150, 160)).as("a value the key never had").isOne();
        List<long[]> unknown = new ArrayList<>();
        unknown.add(new long[] {6, 0, 1, 2});
        assertThat(new RowReadLog().check(HISTORY, unknown).stale).as("an item nobody logged").isOne();
    }
}
