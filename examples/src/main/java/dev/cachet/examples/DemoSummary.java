package dev.cachet.examples;

import java.time.Duration;

/**
 * What one run of the {@link Demo} workload did and saw.
 *
 * @param reads                SELECTs the application issued
 * @param hits                 reads answered from Cachet's cache
 * @param misses               cacheable reads that ran on the database (and filled the cache)
 * @param notCacheable         reads that ran on the database uncached
 * @param writes               writes the application issued
 * @param invalidations        invalidation events Cachet reported
 * @param databaseSelects      SELECTs H2 itself executed during the workload (its own statistics)
 * @param readsAfterWrites     reads that checked a row right after the application changed it
 * @param staleReads           reads whose result differed from what the application had written (must be 0)
 * @param medianHitMicros     median time of a read served from the cache
 * @param medianMissMicros    median time of a cacheable read served by the database
 * @param elapsed              wall-clock time of the workload
 */
public record DemoSummary(long reads, long hits, long misses, long notCacheable, long writes, long invalidations,
                          long databaseSelects, long readsAfterWrites, long staleReads, double medianHitMicros,
                          double medianMissMicros, Duration elapsed) {

    /** Hits over cacheable reads. */
    public double hitRatio() {
        long cacheable = hits + misses;
        return cacheable == 0 ? 0 : (double) hits / cacheable;
    }

    /** Reads the database did not have to run. */
    public long databaseExecutionsSaved() {
        return reads - databaseSelects;
    }
}
