package dev.cachet.driver.jdbc;

import static dev.cachet.driver.jdbc.StatementAdmission.SAMPLE;
import static dev.cachet.driver.jdbc.StatementAdmission.WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.AdmissionState;
import dev.cachet.driver.jdbc.StatementAdmission.Read;
import org.junit.jupiter.api.Test;

/** The switch between first- and second-sight admission, driven by counts alone (no clock, no threads). */
class StatementAdmissionTest {

    private final AdmissionControl control = new AdmissionControl(true, 64L << 20);
    private final StatementAdmission shape = new StatementAdmission("SELECT 1", control);
    private int nextKey = 1;

    /**
     * {@code n} misses of keys never seen, each filled when admitted; the first fill and every {@code hitEvery}-th
     * after it earn a first hit (told right after the fill, before the window closes).
     */
    private int freshMisses(int n, int hitEvery) {
        int admitted = 0;
        for (int i = 0; i < n; i++) {
            if (shape.admit(nextKey++)) {
                admitted++;
                shape.filled();
                if (hitEvery > 0 && (admitted - 1) % hitEvery == 0) {
                    shape.firstHit();
                }
            }
        }
        return admitted;
    }

    @Test
    void firstSightFillsEveryMissUntilAWindowOfFillsEarnedAlmostNoHits() {
        assertThat(shape.state()).isEqualTo(AdmissionState.FIRST_SIGHT);
        assertThat(freshMisses(WINDOW - 1, 0)).isEqualTo(WINDOW - 1);
        assertThat(shape.state()).isEqualTo(AdmissionState.FIRST_SIGHT);
        assertThat(freshMisses(1, 0)).isEqualTo(1);
        assertThat(shape.state()).isEqualTo(AdmissionState.SECOND_SIGHT);
        assertThat(shape.switchedToSecondSight()).isEqualTo(1);
        // a key never seen now runs without filling
        assertThat(freshMisses(100, 0)).isZero();
    }

    @Test
    void fillsThatEarnAnEighthOfFirstHitsKeepFirstSight() {
        // 64 first hits over 512 fills: exactly an eighth, not below it
        for (int w = 0; w < 5; w++) {
            assertThat(freshMisses(WINDOW, 8)).isEqualTo(WINDOW);
            assertThat(shape.state()).isEqualTo(AdmissionState.FIRST_SIGHT);
        }
    }

    @Test
    void justBelowAnEighthSwitches() {
        for (int i = 0; i < WINDOW; i++) {
            shape.admit(nextKey++);
            shape.filled();
            if (i < WINDOW / StatementAdmission.OFF_DIVISOR - 1) {
                shape.firstHit();
            }
        }
        assertThat(shape.state()).isEqualTo(AdmissionState.SECOND_SIGHT);
    }

    @Test
    void secondSightFillsAKeyOnItsSecondRead() {
        toSecondSight();
        int key = 0x5eed;
        assertThat(shape.admit(key)).isFalse();
        assertThat(shape.admit(key)).isTrue();
        assertThat(shape.admit(key + 1)).isFalse();
    }

    @Test
    void secondSightReturnsWhenAQuarterOfItsMissesAreSecondSights() {
        toSecondSight();
        // each window: 3 of 4 keys read once, 1 of 4 read twice (the second read is a second sight) — a fifth of
        // the misses, below a quarter: stays
        for (int w = 0; w < 3; w++) {
            readKeys(WINDOW, 4);
            assertThat(shape.state()).isEqualTo(AdmissionState.SECOND_SIGHT);
        }
        // every key read twice: half the misses are second sights
        readKeys(WINDOW, 1);
        assertThat(shape.state()).isEqualTo(AdmissionState.FIRST_SIGHT);
        assertThat(shape.admit(nextKey++)).isTrue();
    }

    @Test
    void secondSightReturnsWhenEntriesFilledBeforeEarnHits() {
        toSecondSight();
        // keys never re-read within the doorkeeper's memory, but the entries stored in first sight are being hit
        for (int i = 0; i < WINDOW; i++) {
            assertThat(shape.admit(nextKey++)).isFalse();
            if (i % 4 == 0) {
                shape.firstHit();
            }
        }
        assertThat(shape.state()).isEqualTo(AdmissionState.FIRST_SIGHT);
    }

    @Test
    void aShapeThatReturnedSwitchesAgainWhenItsFillsStopPaying() {
        toSecondSight();
        readKeys(WINDOW, 1);
        assertThat(shape.state()).isEqualTo(AdmissionState.FIRST_SIGHT);
        freshMisses(WINDOW, 0);
        assertThat(shape.state()).isEqualTo(AdmissionState.SECOND_SIGHT);
        assertThat(shape.switchedToSecondSight()).isEqualTo(2);
    }

    @Test
    void beforeTheLookUpTheDoorkeeperIsAskedWithoutRecording() {
        assertThat(shape.beforeLookUp(0x5eed)).as("first sight looks every key up").isEqualTo(Read.LOOK_UP);
        toSecondSight();
        shape.queryTimed(1_000);
        int hot = 0x1234;
        // a hot key, hit many times over: asked, never recorded, so it stays a key not seen and costs no slot
        for (int i = 0; i < 4 * WINDOW; i++) {
            assertThat(shape.beforeLookUp(hot)).isEqualTo(Read.LOOK_UP_UNSEEN);
            shape.unseenKeyHit();
        }
        assertThat(control.doorkeeper().recorded()).isZero();
        // its first miss records it, and from then on it is a key seen
        assertThat(shape.admit(hot)).isFalse();
        assertThat(shape.beforeLookUp(hot)).isEqualTo(Read.LOOK_UP);
        assertThat(shape.admit(hot)).as("its second miss fills").isTrue();
    }

    @Test
    void keysNotSeenAreLookedUpForAWindowAfterTheSwitchThenOneInSample() {
        toSecondSight();
        shape.queryTimed(1_000);
        assertThat(unseenReads(WINDOW)).as("the window after the switch: every key looked up")
                .isEqualTo(WINDOW);
        // that window passed without a hit of a key not seen: one in SAMPLE, at random
        int lookedUp = unseenReads(SAMPLE * 64);
        assertThat(lookedUp).isBetween(32, 96);
        assertThat(control.doorkeeper().recorded()).as("every key not looked up is recorded, as a miss")
                .isEqualTo(WINDOW + SAMPLE * 64);
        assertThat(shape.state()).isEqualTo(AdmissionState.SECOND_SIGHT);
    }

    @Test
    void aSampledLookUpThatHitsHasEveryKeyLookedUpUntilAWindowPassesWithoutSuchAHit() {
        toSecondSight();
        shape.queryTimed(1_000);
        unseenReads(WINDOW);
        int skipped = 0;
        while (shape.beforeLookUp(nextKey++) == Read.DATABASE) {
            skipped++;
        }
        assertThat(skipped).isLessThan(20 * SAMPLE);
        shape.unseenKeyHit();
        // every key looked up, through the rest of this window and all of the next
        assertThat(unseenReads(2 * WINDOW - skipped)).isEqualTo(2 * WINDOW - skipped);
        // the window just judged had no such hit: sampling again
        assertThat(unseenReads(SAMPLE * 64)).isBetween(32, 96);
    }

    @Test
    void keysNotSeenAreAllLookedUpWhileTheShapesQueriesAreNotCheap() {
        toSecondSight();
        unseenReads(WINDOW);
        assertThat(unseenReads(SAMPLE * 8)).as("no query timed yet").isEqualTo(SAMPLE * 8);
        shape.queryTimed(StatementAdmission.CHEAP_QUERY_NANOS * 4);
        assertThat(unseenReads(SAMPLE * 8)).as("a server's query").isEqualTo(SAMPLE * 8);
        // an average that decays by an eighth a sample: cheap after a few in-memory queries
        for (int i = 0; i < 30; i++) {
            shape.queryTimed(1_000);
        }
        assertThat(shape.cheapQueries()).isTrue();
        assertThat(unseenReads(SAMPLE * 64)).isBetween(32, 96);
    }

    @Test
    void theSampleDoesNotFollowACycleOfReads() {
        toSecondSight();
        shape.queryTimed(1_000);
        unseenReads(WINDOW);
        // a loop of four reads: the sample falls on every place in it
        int[] lookedUpAt = new int[4];
        for (int i = 0; i < SAMPLE * 64; i++) {
            if (shape.beforeLookUp(nextKey++) == Read.LOOK_UP_UNSEEN) {
                lookedUpAt[i % 4]++;
                shape.admit(nextKey - 1);
            }
        }
        assertThat(lookedUpAt).doesNotContain(0);
    }

    /**
     * {@code n} reads of keys never seen, every look-up missing (and then admitted, as the driver does): how many were
     * looked up.
     */
    private int unseenReads(int n) {
        int lookedUp = 0;
        for (int i = 0; i < n; i++) {
            int key = nextKey++;
            Read read = shape.beforeLookUp(key);
            assertThat(read).isNotEqualTo(Read.LOOK_UP);
            if (read == Read.LOOK_UP_UNSEEN) {
                lookedUp++;
                assertThat(shape.admit(key)).isFalse();
            }
        }
        return lookedUp;
    }

    private void toSecondSight() {
        freshMisses(WINDOW, 0);
        assertThat(shape.state()).isEqualTo(AdmissionState.SECOND_SIGHT);
    }

    /** Misses until {@code misses} were counted; every {@code twiceEvery}-th new key is read a second time. */
    private void readKeys(int misses, int twiceEvery) {
        int counted = 0;
        int fresh = 0;
        while (counted < misses) {
            int key = nextKey++;
            shape.admit(key);
            counted++;
            if (++fresh % twiceEvery == 0 && counted < misses) {
                assertThat(shape.admit(key)).as("second read of a key").isTrue();
                counted++;
            }
        }
    }
}
