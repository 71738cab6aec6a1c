package dev.cachet.bench.workload;

/**
 * What one contender did in one measured window of one mix: operations completed, the window's length, the
 * latency percentiles (microseconds) and errors. Immutable.
 */
public record RoundResult(Mix mix, String contender, int round, long operations, double seconds,
                          double p50Micros, double p99Micros, double p999Micros, double maxMicros,
                          long errors, String firstError, String cacheStatistics) {

    /** Completed operations per second over the measured window. */
    public double throughput() {
        return seconds <= 0 ? 0 : operations / seconds;
    }

    static RoundResult of(Mix mix, String contender, int round, LatencyHistogram h, double seconds, long errors,
                          String firstError, String cacheStatistics) {
        return new RoundResult(mix, contender, round, h.count(), seconds, h.percentile(50) / 1e3,
                h.percentile(99) / 1e3, h.percentile(99.9) / 1e3, h.max() / 1e3, errors, firstError,
                cacheStatistics);
    }
}
