package dev.cachet.driver;

import dev.cachet.cache.CacheStatistics;
import dev.cachet.cache.shared.SharedTierStatistics;
import dev.cachet.parser.NotCacheableReason;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of one cluster's counters since it was first used in this JVM.
 *
 * @param cache                the result cache's own counters (hits, misses, fills, evictions, bytes, ...)
 * @param executions           statements executed through Cachet
 * @param hits                 executions answered from the cache
 * @param misses               cacheable executions that ran on the database
 * @param notCacheable         reads that ran on the database uncached (including reads blocked by an open transaction)
 * @param writes               executions counted as writes
 * @param invalidations        invalidation calls made (per write, commit, rollback or operator call)
 * @param openConnections      logical connections of this cluster currently open
 * @param notCacheableByReason {@code notCacheable} split by reason; reasons never seen are absent
 * @param primaryExecutions    statements (and batches) the database ran on the primary
 * @param replicaExecutions    statements the database ran on a replica
 * @param missNanos            summed time of the misses on the database, from the query's start until the real
 *                             driver returned its result set (the rows are then copied as the application reads them);
 *                             exact for misses that fill, estimated for those that do not ({@code missesNotAdmitted}:
 *                             one in 16, chosen at random, is timed and counts 16 times)
 * @param replicas             the cluster's configured hosts as routing sees them now; empty without replicas
 * @param shared               the shared tier's counters (hits, misses, bytes, fallbacks, lease waits, messages, bad
 *                             values; docs/shared-tier.md), or null when the cluster has no shared tier
 * @param missesNotAdmitted    misses (counted in {@code misses} too) that ran on the database without filling the
 *                             cache: the first read of a key of a statement in second-sight admission
 *                             ({@link AdmissionState}, {@code cachet.admission})
 */
public record ClusterStatistics(CacheStatistics cache, long executions, long hits, long misses, long notCacheable,
                               long writes, long invalidations, int openConnections,
                               Map<NotCacheableReason, Long> notCacheableByReason, long primaryExecutions,
                               long replicaExecutions, long missNanos, List<ReplicaStatistics> replicas,
                               SharedTierStatistics shared, long missesNotAdmitted) {

    /** Copies the map and list, so a snapshot never changes. */
    public ClusterStatistics {
        notCacheableByReason = Map.copyOf(notCacheableByReason);
        replicas = List.copyOf(replicas);
    }

    /** A snapshot without the count of misses not admitted (it reads as zero). */
    public ClusterStatistics(CacheStatistics cache, long executions, long hits, long misses, long notCacheable,
                             long writes, long invalidations, int openConnections,
                             Map<NotCacheableReason, Long> notCacheableByReason, long primaryExecutions,
                             long replicaExecutions, long missNanos, List<ReplicaStatistics> replicas,
                             SharedTierStatistics shared) {
        this(cache, executions, hits, misses, notCacheable, writes, invalidations, openConnections,
                notCacheableByReason, primaryExecutions, replicaExecutions, missNanos, replicas, shared, 0);
    }

    /** A snapshot of a cluster without a shared tier. */
    public ClusterStatistics(CacheStatistics cache, long executions, long hits, long misses, long notCacheable,
                             long writes, long invalidations, int openConnections,
                             Map<NotCacheableReason, Long> notCacheableByReason, long primaryExecutions,
                             long replicaExecutions, long missNanos, List<ReplicaStatistics> replicas) {
        this(cache, executions, hits, misses, notCacheable, writes, invalidations, openConnections,
                notCacheableByReason, primaryExecutions, replicaExecutions, missNanos, replicas, null, 0);
    }

    /** A snapshot without the routing, per-reason and timing figures (they read as zero). */
    public ClusterStatistics(CacheStatistics cache, long executions, long hits, long misses, long notCacheable,
                             long writes, long invalidations, int openConnections) {
        this(cache, executions, hits, misses, notCacheable, writes, invalidations, openConnections, Map.of(), 0, 0, 0,
                List.of(), null, 0);
    }

    /** Hits over cacheable executions (hits + misses), or 0 when there were none. */
    public double hitRatio() {
        long total = hits + misses;
        return total == 0 ? 0 : (double) hits / total;
    }
}
