package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link PublishedClock}, stepped by hand on a time the test sets (the JVM's ticking thread never sees a clock that
 * was not started), and through that thread.
 */
class PublishedClockTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong now = new AtomicLong(System.nanoTime() - 100 * SECOND); // behind, as a published time is
    private final PublishedClock clock = new PublishedClock(hits::get, now::get);

    private void assertReadsTheSystemClock() {
        long before = System.nanoTime();
        long read = clock.read();
        long after = System.nanoTime();
        assertThat(read).isBetween(before, after);
        assertThat(clock.publishing()).isFalse();
    }

    /** Moves the time on by {@code nanos} and ticks. */
    private boolean tickAfter(long nanos) {
        now.addAndGet(nanos);
        return clock.tick();
    }

    @Test
    void readsTheSystemClockUntilTheHitsPayForTicking() {
        assertReadsTheSystemClock();
        assertThat(clock.tick()).as("the first count only starts counting").isFalse();
        hits.addAndGet(PublishedClock.ON_PER_SECOND - 1);
        assertThat(tickAfter(SECOND)).isFalse();
        assertReadsTheSystemClock();
        hits.addAndGet(PublishedClock.ON_PER_SECOND);
        assertThat(tickAfter(SECOND)).isTrue();
        assertThat(clock.read()).isEqualTo(now.get());
    }

    @Test
    void publishesEveryTickAndCountsOnceASecond() {
        clock.tick();
        hits.addAndGet(PublishedClock.ON_PER_SECOND);
        assertThat(tickAfter(SECOND)).isTrue();
        for (int i = 1; i < SECOND / PublishedClock.TICK_NANOS; i++) {
            // no hit counted within the second: the rate is judged at its end, not per tick
            assertThat(tickAfter(PublishedClock.TICK_NANOS)).isTrue();
            assertThat(clock.read()).isEqualTo(now.get());
        }
        assertThat(tickAfter(PublishedClock.TICK_NANOS)).as("a second without hits").isFalse();
        assertReadsTheSystemClock();
    }

    @Test
    void turnsOffOnlyBelowTheLowerRateAndOnOnlyAboveTheHigher() {
        clock.tick();
        hits.addAndGet(PublishedClock.ON_PER_SECOND);
        assertThat(tickAfter(SECOND)).isTrue();
        hits.addAndGet(PublishedClock.OFF_PER_SECOND);
        assertThat(tickAfter(SECOND)).as("between the two rates: stays on").isTrue();
        hits.addAndGet(PublishedClock.OFF_PER_SECOND - 1);
        assertThat(tickAfter(SECOND)).isFalse();
        assertReadsTheSystemClock();
        hits.addAndGet(PublishedClock.ON_PER_SECOND - 1);
        assertThat(tickAfter(SECOND)).as("between the two rates: stays off").isFalse();
        assertReadsTheSystemClock();
    }

    @Test
    void aRateOverALateCountIsPerSecondOfTheTimeThatPassed() {
        clock.tick();
        hits.addAndGet(2 * PublishedClock.ON_PER_SECOND - 2);
        // two seconds passed (the thread was kept from running): under the rate that turns it on
        assertThat(tickAfter(2 * SECOND)).isFalse();
        hits.addAndGet(Long.MAX_VALUE / 2);
        assertThat(tickAfter(SECOND)).as("a count too large for nanosecond arithmetic").isTrue();
    }

    @Test
    void aStoppedOrHaltedClockReadsTheSystemClockWhateverTheRate() {
        clock.tick();
        hits.addAndGet(10 * PublishedClock.ON_PER_SECOND);
        assertThat(tickAfter(SECOND)).isTrue();
        assertThat(clock.read()).isEqualTo(now.get());

        clock.halt();
        assertReadsTheSystemClock();
        assertThat(tickAfter(SECOND)).as("a halted clock counts afresh").isFalse();

        hits.addAndGet(10 * PublishedClock.ON_PER_SECOND);
        assertThat(tickAfter(SECOND)).isTrue();
        clock.stop();
        assertReadsTheSystemClock();
        hits.addAndGet(10 * PublishedClock.ON_PER_SECOND);
        assertThat(tickAfter(SECOND)).isFalse();
        assertReadsTheSystemClock();
    }

    /**
     * Through the JVM's thread: the published time advances and never leads the system clock; an interrupted thread
     * ends and leaves its clocks on the system clock (never a frozen time); a fill starts it again.
     */
    @Test
    void theTickingThreadPublishesEndsWhenInterruptedAndStartsAgain() {
        AtomicLong busy = new AtomicLong();
        // a hit count that grows by a million each time it is read: far above the rate that turns a clock on
        PublishedClock started = PublishedClock.started(() -> busy.addAndGet(1_000_000));
        try {
            await().atMost(Duration.ofSeconds(10)).until(started::publishing);
            long first = started.read();
            assertThat(first).isLessThanOrEqualTo(System.nanoTime());
            await().atMost(Duration.ofSeconds(10)).until(() -> started.read() > first);
            assertThat(started.read()).isLessThanOrEqualTo(System.nanoTime());

            Thread ticking = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("cachet-clock") && t.isAlive()).findFirst().orElseThrow();
            assertThat(ticking.getContextClassLoader()).as("pins no application's classes").isNull();
            ticking.interrupt();
            await().atMost(Duration.ofSeconds(10)).until(() -> !ticking.isAlive());
            assertThat(started.publishing()).as("halted when its thread ended").isFalse();

            PublishedClock.keepTicking();
            await().atMost(Duration.ofSeconds(10)).until(started::publishing);
        } finally {
            started.stop();
        }
        assertThat(started.publishing()).isFalse();
        long before = System.nanoTime();
        assertThat(started.read()).isGreaterThanOrEqualTo(before);
    }
}
