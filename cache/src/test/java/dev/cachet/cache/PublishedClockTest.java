package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link PublishedClock}, stepped by hand on times the test chooses (the JVM's ticking thread never sees a clock
 * that was not started), and once through that thread.
 */
class PublishedClockTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong hits = new AtomicLong();
    private final PublishedClock clock = new PublishedClock(hits::get);

    private void assertReadsTheSystemClock() {
        long before = System.nanoTime();
        long read = clock.read();
        long after = System.nanoTime();
        assertThat(read).isBetween(before, after);
        assertThat(clock.publishing()).isFalse();
    }

    @Test
    void readsTheSystemClockUntilTheLookUpsPayForTicking() {
        assertReadsTheSystemClock();
        long t = 1_000 * SECOND;
        assertThat(clock.tick(t)).as("the first count only starts counting").isFalse();
        hits.addAndGet(PublishedClock.ON_PER_SECOND - 1);
        assertThat(clock.tick(t + SECOND)).isFalse();
        assertReadsTheSystemClock();
        hits.addAndGet(PublishedClock.ON_PER_SECOND);
        assertThat(clock.tick(t + 2 * SECOND)).isTrue();
        assertThat(clock.read()).isEqualTo(t + 2 * SECOND);
    }

    @Test
    void publishesEveryTickAndCountsOnceASecond() {
        long t = 1_000 * SECOND;
        clock.tick(t);
        hits.addAndGet(PublishedClock.ON_PER_SECOND);
        assertThat(clock.tick(t + SECOND)).isTrue();
        for (int i = 1; i < SECOND / PublishedClock.TICK_NANOS; i++) {
            long now = t + SECOND + i * PublishedClock.TICK_NANOS;
            // no hit counted within the second: the rate is judged at its end, not per tick
            assertThat(clock.tick(now)).isTrue();
            assertThat(clock.read()).isEqualTo(now);
        }
        assertThat(clock.tick(t + 2 * SECOND)).as("a second without hits").isFalse();
    }

    @Test
    void turnsOffOnlyBelowTheLowerRateAndOnOnlyAboveTheHigher() {
        long t = 1_000 * SECOND;
        clock.tick(t);
        hits.addAndGet(PublishedClock.ON_PER_SECOND);
        assertThat(clock.tick(t + SECOND)).isTrue();
        hits.addAndGet(PublishedClock.OFF_PER_SECOND);
        assertThat(clock.tick(t + 2 * SECOND)).as("between the two rates: stays on").isTrue();
        hits.addAndGet(PublishedClock.OFF_PER_SECOND - 1);
        assertThat(clock.tick(t + 3 * SECOND)).isFalse();
        assertReadsTheSystemClock();
        hits.addAndGet(PublishedClock.ON_PER_SECOND - 1);
        assertThat(clock.tick(t + 4 * SECOND)).as("between the two rates: stays off").isFalse();
        assertReadsTheSystemClock();
    }

    @Test
    void aRateOverALateCountIsPerSecondOfTheTimeThatPassed() {
        long t = 1_000 * SECOND;
        clock.tick(t);
        hits.addAndGet(2 * PublishedClock.ON_PER_SECOND - 2);
        // two seconds passed (the thread was kept from running): under the rate that turns it on
        assertThat(clock.tick(t + 2 * SECOND)).isFalse();
    }

    @Test
    void aStoppedOrHaltedClockReadsTheSystemClockWhateverTheRate() {
        long t = System.nanoTime() - 10 * SECOND;
        clock.tick(t);
        hits.addAndGet(10 * PublishedClock.ON_PER_SECOND);
        assertThat(clock.tick(t + SECOND)).isTrue();
        assertThat(clock.read()).isEqualTo(t + SECOND);

        clock.halt();
        assertReadsTheSystemClock();
        assertThat(clock.tick(t + 2 * SECOND)).as("a halted clock counts afresh").isFalse();

        hits.addAndGet(10 * PublishedClock.ON_PER_SECOND);
        assertThat(clock.tick(t + 3 * SECOND)).isTrue();
        clock.stop();
        assertReadsTheSystemClock();
        hits.addAndGet(10 * PublishedClock.ON_PER_SECOND);
        assertThat(clock.tick(t + 5 * SECOND)).isFalse();
        assertReadsTheSystemClock();
    }

    @Test
    void theTickingThreadPublishesATimeThatAdvancesAndNeverLeadsTheSystemClock() {
        AtomicLong busy = new AtomicLong();
        // a hit count that grows by a million each time it is read: far above the rate that turns a clock on
        PublishedClock started = PublishedClock.started(() -> busy.addAndGet(1_000_000));
        try {
            await().atMost(Duration.ofSeconds(10)).until(started::publishing);
            long first = started.read();
            assertThat(first).isLessThanOrEqualTo(System.nanoTime());
            await().atMost(Duration.ofSeconds(10)).until(() -> started.read() > first);
            long later = started.read();
            assertThat(later).isLessThanOrEqualTo(System.nanoTime());
        } finally {
            started.stop();
        }
        assertThat(started.publishing()).isFalse();
        long before = System.nanoTime();
        assertThat(started.read()).isGreaterThanOrEqualTo(before);
    }
}
