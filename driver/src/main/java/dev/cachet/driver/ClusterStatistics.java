package dev.cachet.driver;

import dev.cachet.cache.CacheStatistics;

/**
 * A snapshot of one cluster's counters since it was first used in this JVM.
 *
 * @param cache             the result cache's own counters (hits, misses, fills, evictions, bytes, ...)
 * @param executions        statements executed through Cachet
 * @param hits              executions answered from the cache
 * @param misses            cacheable executions that ran on the database
 * @param notCacheable      reads that ran on the database uncached (including reads blocked by an open transaction)
 * @param writes            executions counted as writes
 * @param invalidations     invalidation calls made (per write, commit, rollback or operator call)
 * @param openConnections   logical connections of this cluster currently open
 */
public record ClusterStatistics(CacheStatistics cache, long executions, long hits, long misses, long notCacheable,
                               long writes, long invalidations, int openConnections) {

    /** Hits over cacheable executions (hits + misses), or 0 when there were none. */
    public double hitRatio() {
        long total = hits + misses;
        return total == 0 ? 0 : (double) hits / total;
    }
}
