package dev.cachet.bench.workload;

/**
 * What one contender did in one measured window of one mix: operations completed, the window's length, the
 * latency percentiles (microseconds), errors, and for a contender with a cache the hit ratio over the window
 * (hits / (hits + misses) of cacheable executions) with the entries and estimated bytes held at its end.
 * Immutable.
 */
public record RoundResult(Mix mix, String contender, int round, long operations, double seconds,
                          double p50Micros, double p99Micros, double p999Micros, double maxMicros,
                          long errors, String firstError, double hitRatio, long cacheEntries, long cacheBytes) {

    /** Completed operations per second over the measured window. */
    public double throughput() {
        return seconds <= 0 ? 0 : operations / seconds;
    }

    /** Whether the contender has a cache whose counters were read. */
    public boolean hasCache() {
        return !Double.isNaN(hitRatio);
    }

    /**
     * @param before the contender's cache counters when the measured window opened, null without a cache
     * @param after  the same when it closed
     */
    static RoundResult of(Mix mix, String contender, int round, LatencyHistogram h, double seconds, long errors,
                          String firstError, long[] before, long[] after) {
        double hitRatio = Double.NaN;
        long entries = -1;
        long bytes = -1;
        if (before != null && after != null) {
            long hits = after[0] - before[0];
            long lookups = hits + after[1] - before[1];
            hitRatio = lookups == 0 ? 0 : (double) hits / lookups;
            entries = after[2];
            bytes = after[3];
        }
        return new RoundResult(mix, contender, round, h.count(), seconds, h.percentile(50) / 1e3,
                h.percentile(99) / 1e3, h.percentile(99.9) / 1e3, h.max() / 1e3, errors, firstError, hitRatio,
                entries, bytes);
    }
}
