package dev.cachet.bench.workload;

import java.util.Arrays;

/**
 * A log-linear histogram of non-negative values (nanoseconds here) whose percentiles are within 1/64 (1.6%)
 * of the recorded values.
 *
 * <p>Values below 64 have a bucket each; above, every power of two is split into 64 equal sub-buckets, so the
 * whole {@code long} range fits in under 4,000 counters. {@link #record} is a shift, an add and an array
 * increment: no allocation, no lock. Not thread-safe — each worker records into its own histogram and the
 * coordinator {@link #add merges} them after the measured window.
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 6;
    private static final int SUB_COUNT = 1 << SUB_BITS;
    private static final int BUCKETS = SUB_COUNT + (63 - SUB_BITS) * SUB_COUNT;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long min = Long.MAX_VALUE;
    private long max;
    private double sum;

    /** Records one value; negative values count as 0. */
    public void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        total++;
        sum += v;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
    }

    /** Adds every value recorded in {@code other} to this histogram. */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    /** Forgets every value. */
    public void reset() {
        Arrays.fill(counts, 0);
        total = 0;
        sum = 0;
        min = Long.MAX_VALUE;
        max = 0;
    }

    /** Number of values recorded. */
    public long count() {
        return total;
    }

    /** Smallest value recorded, exact; 0 when empty. */
    public long min() {
        return total == 0 ? 0 : min;
    }

    /** Largest value recorded, exact; 0 when empty. */
    public long max() {
        return max;
    }

    /** Arithmetic mean, exact; 0 when empty. */
    public double mean() {
        return total == 0 ? 0 : sum / total;
    }

    /**
     * The value at or below which {@code percentile} percent of the recorded values lie (nearest-rank
     * definition), reported as the middle of its bucket and clamped to the exact min and max (the first and last ranks
     * are the exact min and max); 0 when empty.
     *
     * @param percentile in {@code [0, 100]}
     */
    public long percentile(double percentile) {
        if (percentile < 0 || percentile > 100) {
            throw new IllegalArgumentException("percentile must be in [0, 100]: " + percentile);
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
        if (rank >= total) {
            return max; // the extremes are known exactly
        }
        if (rank == 1) {
            return min;
        }
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long mid = lowerBound(i) + (width(i) - 1) / 2;
                return Math.min(max, Math.max(min, mid));
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < SUB_COUNT) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int shift = exponent - SUB_BITS;
        int sub = (int) (v >>> shift) - SUB_COUNT;       // in [0, SUB_COUNT)
        return SUB_COUNT + shift * SUB_COUNT + sub;
    }

    static long lowerBound(int index) {
        if (index < SUB_COUNT) {
            return index;
        }
        int shift = (index - SUB_COUNT) / SUB_COUNT;
        int sub = (index - SUB_COUNT) % SUB_COUNT;
        return ((long) (SUB_COUNT + sub)) << shift;
    }

    static long width(int index) {
        if (index < SUB_COUNT) {
            return 1;
        }
        return 1L << ((index - SUB_COUNT) / SUB_COUNT);
    }
}
