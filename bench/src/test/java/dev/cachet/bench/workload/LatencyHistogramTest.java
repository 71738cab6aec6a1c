package dev.cachet.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesOfAUniformRangeAreWithinTheBucketError() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v);
        }
        assertThat(h.count()).isEqualTo(100_000);
        assertThat(h.min()).isEqualTo(1);
        assertThat(h.max()).isEqualTo(100_000);
        assertThat(h.mean()).isCloseTo(50_000.5, within(1e-6));
        assertThat((double) h.percentile(50)).isCloseTo(50_000, within(50_000 / 64.0));
        assertThat((double) h.percentile(99)).isCloseTo(99_000, within(99_000 / 64.0));
        assertThat((double) h.percentile(99.9)).isCloseTo(99_900, within(99_900 / 64.0));
        assertThat(h.percentile(100)).isEqualTo(100_000);
        assertThat(h.percentile(0)).isEqualTo(1);
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 0; v < 64; v++) {
            h.record(v);
        }
        assertThat(h.percentile(50)).isEqualTo(31);  // nearest rank 32 of 0..63
        assertThat(h.percentile(100)).isEqualTo(63);
    }

    @Test
    void matchesExactPercentilesOfASkewedSampleWithinOnePointSixPercent() {
        SplittableRandom random = new SplittableRandom(9);
        long[] values = new long[200_000];
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) (1_000 * Math.exp(random.nextDouble() * 8)); // 1 µs .. 3 ms, log-uniform
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {1, 25, 50, 90, 99, 99.9}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            assertThat((double) h.percentile(p)).as("p%s", p).isCloseTo(exact, within(exact / 64.0 + 1));
        }
    }

    @Test
    void bucketsCoverTheWholeRangeWithoutGaps() {
        for (long v : new long[] {63, 64, 65, 127, 128, 1_000_003, Long.MAX_VALUE / 3, Long.MAX_VALUE}) {
            int i = LatencyHistogram.index(v);
            assertThat(LatencyHistogram.lowerBound(i)).isLessThanOrEqualTo(v);
            assertThat(v - LatencyHistogram.lowerBound(i)).isLessThan(LatencyHistogram.width(i));
            assertThat((double) LatencyHistogram.width(i)).isLessThanOrEqualTo(Math.max(1, v / 64.0));
        }
        assertThat(LatencyHistogram.index(128)).isEqualTo(LatencyHistogram.index(127) + 1);
    }

    @Test
    void mergingEqualsRecordingIntoOne() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        LatencyHistogram both = new LatencyHistogram();
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 10_000; i++) {
            long v = random.nextLong(1, 1_000_000);
            (i % 2 == 0 ? a : b).record(v);
            both.record(v);
        }
        a.add(b);
        assertThat(a.count()).isEqualTo(both.count());
        assertThat(a.min()).isEqualTo(both.min());
        assertThat(a.max()).isEqualTo(both.max());
        for (double p : new double[] {50, 90, 99, 99.9}) {
            assertThat(a.percentile(p)).isEqualTo(both.percentile(p));
        }
        a.reset();
        assertThat(a.count()).isZero();
        assertThat(a.percentile(50)).isZero();
    }
}
