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
            if (miss(nextKey++)) {
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
            miss(nextKey++);
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
        assertThat(miss(key)).isFalse();
        assertThat(miss(key)).isTrue();
        assertThat(miss(key + 1)).isFalse();
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
        assertThat(miss(nextKey++)).isTrue();
    }

    @Test
    void secondSightReturnsWhenEntriesFilledBeforeEarnHits() {
        toSecondSight();
        // keys never re-read within the doorkeeper's memory, but the entries stored in first sight are being hit
        for (int i = 0; i < WINDOW; i++) {
            assertThat(miss(nextKey++)).isFalse();
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
    void aKeySeenIsLookedUpAndItsHitsAreNoSecondSights() {
        assertThat(shape.read(0x5eed)).as("first sight looks every key up").isEqualTo(Read.LOOK_UP_AND_FILL);
        toSecondSight();
        int hot = 0x1234;
        assertThat(shape.read(hot)).as("a key not seen: looked up in the window after the switch, never filled")
                .isEqualTo(Read.LOOK_UP);
        shape.missed(Read.LOOK_UP);
        // a hot key, seen, looked up and hit many times over (no missed call): hits are no reason to fill cold keys
        for (int i = 0; i < 4 * WINDOW; i++) {
            assertThat(shape.read(hot)).isEqualTo(Read.LOOK_UP_AND_FILL);
        }
        assertThat(shape.state()).isEqualTo(AdmissionState.SECOND_SIGHT);
        // the cold keys around it still count: a window of them keeps second sight
        assertThat(freshMisses(WINDOW, 0)).isZero();
        assertThat(shape.state()).isEqualTo(AdmissionState.SECOND_SIGHT);
    }

    @Test
    void keysNotSeenAreLookedUpForAWindowAfterTheSwitchThenOneInSample() {
        toSecondSight();
        assertThat(reads(WINDOW)).as("the window after the switch: every key looked up")
                .containsExactly(WINDOW, 0);
        // that window ended without a hit of a key not seen: sampling
        assertThat(reads(SAMPLE * 64)).containsExactly(64, SAMPLE * 64 - 64);
        assertThat(shape.state()).isEqualTo(AdmissionState.SECOND_SIGHT);
    }

    @Test
    void aSampledLookUpThatHitsHasEveryKeyLookedUpUntilAWindowPassesWithoutSuchAHit() {
        toSecondSight();
        reads(WINDOW);
        // sampling: the first look-up comes within SAMPLE reads, and it hits
        int read = 0;
        while (shape.read(nextKey++) != Read.LOOK_UP) {
            read++;
        }
        assertThat(read).isLessThan(SAMPLE);
        shape.unseenKeyHit();
        // from then on every key is looked up, through the rest of this window and all of the next
        assertThat(reads(2 * WINDOW - read)).containsExactly(2 * WINDOW - read, 0);
        // the window just judged had no such hit: sampling again
        assertThat(reads(SAMPLE * 8)).containsExactly(8, SAMPLE * 8 - 8);
    }

    @Test
    void secondSightsAmongMissesNotLookedUpBringFirstSightBack() {
        toSecondSight();
        reads(WINDOW);
        // every key read twice: its first read mostly answered without a look-up, its second a second sight
        readKeys(WINDOW, 1);
        assertThat(shape.state()).isEqualTo(AdmissionState.FIRST_SIGHT);
    }

    /**
     * {@code n} reads of keys never seen, every look-up missing: how many were looked up and how many went to the
     * database without one.
     */
    private int[] reads(int n) {
        int[] outcomes = new int[2];
        for (int i = 0; i < n; i++) {
            Read read = shape.read(nextKey++);
            assertThat(read).isNotEqualTo(Read.LOOK_UP_AND_FILL);
            if (read == Read.LOOK_UP) {
                outcomes[0]++;
                shape.missed(read);
            } else {
                outcomes[1]++;
            }
        }
        return outcomes;
    }

    /** A read of {@code key} whose look-up, if there is one, misses: true when the miss fills. */
    private boolean miss(int key) {
        Read read = shape.read(key);
        if (read == Read.DATABASE) {
            return false;
        }
        shape.missed(read);
        return read == Read.LOOK_UP_AND_FILL;
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
            miss(key);
            counted++;
            if (++fresh % twiceEvery == 0 && counted < misses) {
                assertThat(miss(key)).as("second read of a key").isTrue();
                counted++;
            }
        }
    }
}
