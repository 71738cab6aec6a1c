package dev.cachet.bench.workload;

import java.util.Arrays;

/**
 * The median and spread of a small sample — one figure per alternating round — as reported in the tables:
 * median, min, max and the quartiles (linear interpolation between closest ranks, the same definition as
 * R's default and NumPy's {@code linear}). Immutable.
 */
public record Spread(int n, double median, double min, double max, double q1, double q3) {

    /** Summarizes {@code values}; an empty sample gives NaN everywhere. The array is not modified. */
    public static Spread of(double... values) {
        if (values.length == 0) {
            return new Spread(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Spread(sorted.length, quantile(sorted, 0.5), sorted[0], sorted[sorted.length - 1],
                quantile(sorted, 0.25), quantile(sorted, 0.75));
    }

    /** Quantile {@code q} in [0, 1] of an ascending array, interpolating linearly between closest ranks. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /** Largest relative distance of min or max from the median, e.g. 0.04 for ±4%; NaN for a zero median. */
    public double relativeSpread() {
        return median == 0 ? Double.NaN : Math.max(median - min, max - median) / Math.abs(median);
    }
}
