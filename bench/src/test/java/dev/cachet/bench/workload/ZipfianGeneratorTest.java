package dev.cachet.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfianGeneratorTest {

    /** Chi-square of the observed rank counts against the exact pmf; the top ranks each, the rest pooled. */
    private static double chiSquare(ZipfianGenerator zipf, long[] counts, long draws, int cells) {
        double norm = 0;
        for (long k = 1; k <= zipf.size(); k++) {
            norm += Math.pow(k, -zipf.skew());
        }
        double chi = 0;
        double restExpected = draws;
        long restObserved = draws;
        for (int k = 1; k < cells; k++) {
            double expected = draws * Math.pow(k, -zipf.skew()) / norm;
            chi += (counts[k] - expected) * (counts[k] - expected) / expected;
            restExpected -= expected;
            restObserved -= counts[k];
        }
        chi += (restObserved - restExpected) * (restObserved - restExpected) / restExpected;
        return chi;
    }

    private static long[] draw(ZipfianGenerator zipf, long draws, long seed) {
        long[] counts = new long[(int) zipf.size() + 1];
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < draws; i++) {
            long k = zipf.next(random);
            assertThat(k).isBetween(1L, zipf.size());
            counts[(int) k]++;
        }
        return counts;
    }

    @Test
    void matchesTheExactDistributionAtTheDefaultSkew() {
        ZipfianGenerator zipf = new ZipfianGenerator(1000, 0.99);
        long draws = 1_000_000;
        long[] counts = draw(zipf, draws, 7);
        // 50 cells, 49 degrees of freedom: the 0.999 quantile of chi-square(49) is 85.35.
        assertThat(chiSquare(zipf, counts, draws, 50)).isLessThan(85.35);
        // Rank 1 is drawn about 2^0.99 times as often as rank 2.
        assertThat((double) counts[1] / counts[2]).isCloseTo(Math.pow(2, 0.99), org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void matchesTheExactDistributionAtSkewOneAndAboveAndBelow() {
        for (double s : new double[] {0.5, 1.0, 1.2}) {
            ZipfianGenerator zipf = new ZipfianGenerator(200, s);
            long draws = 400_000;
            long[] counts = draw(zipf, draws, 11);
            assertThat(chiSquare(zipf, counts, draws, 50)).as("s=%s", s).isLessThan(85.35);
        }
    }

    @Test
    void aWrongSkewIsDetected() {
        // Guards the test itself: counts drawn at 0.8 do not pass as 0.99.
        ZipfianGenerator drawn = new ZipfianGenerator(1000, 0.8);
        long draws = 1_000_000;
        long[] counts = draw(drawn, draws, 7);
        assertThat(chiSquare(new ZipfianGenerator(1000, 0.99), counts, draws, 50)).isGreaterThan(1000);
    }

    @Test
    void hotSetShareOverALargeKeySpace() {
        // With 100,000 keys at 0.99 the 1% hottest keys take about 63% of the draws (computed from the pmf).
        ZipfianGenerator zipf = new ZipfianGenerator(100_000, 0.99);
        double expected = 0;
        for (long k = 1; k <= 1000; k++) {
            expected += zipf.probability(k);
        }
        SplittableRandom random = new SplittableRandom(3);
        long hot = 0;
        int draws = 500_000;
        for (int i = 0; i < draws; i++) {
            if (zipf.next(random) <= 1000) {
                hot++;
            }
        }
        assertThat((double) hot / draws).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.005));
        assertThat(expected).isBetween(0.55, 0.70);
    }

    @Test
    void sameSeedSameSequence() {
        ZipfianGenerator zipf = new ZipfianGenerator(10_000, 0.99);
        SplittableRandom a = new SplittableRandom(5);
        SplittableRandom b = new SplittableRandom(5);
        for (int i = 0; i < 1000; i++) {
            assertThat(zipf.next(a)).isEqualTo(zipf.next(b));
        }
    }

    @Test
    void singleRankAndBadArguments() {
        ZipfianGenerator one = new ZipfianGenerator(1, 0.99);
        assertThat(one.next(new SplittableRandom(1))).isEqualTo(1);
        assertThatThrownBy(() -> new ZipfianGenerator(0, 0.99)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ZipfianGenerator(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
