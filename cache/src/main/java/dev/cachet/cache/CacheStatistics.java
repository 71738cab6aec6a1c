package dev.cachet.cache;

/**
 * An immutable snapshot of a {@link ResultCache}'s counters, taken by {@link ResultCache#statistics()}.
 * Counters only grow; {@code entries} and {@code bytes} are the tier's current (approximate) figures.
 *
 * @param hits                   look-ups answered from the cache
 * @param misses                 look-ups not answered from the cache (absent, or dropped as stale on read)
 * @param inFlightHits           misses answered by waiting for a concurrent fill of the same key
 * @param fills                  results stored
 * @param fillsDroppedStale      results not stored because a table they read changed meanwhile
 * @param fillsAbandonedOverCaps results not stored because they exceeded the per-entry caps or held a
 *                               value that cannot be cached
 * @param fillsAbandoned         fills abandoned for other reasons (errors, unread result sets)
 * @param fillsBlocked           fills refused because a table was blocked by an open transaction
 * @param evictionsSize          entries evicted to respect the byte bound
 * @param evictionsExpired       entries removed when their TTL ran out
 * @param evictionsInvalidated   entries removed by invalidation (tables written, or invalidateAll)
 * @param invalidations          calls to {@code invalidate(tables)}
 * @param invalidateAlls         calls to {@code invalidateAll()}
 * @param entries                entries currently stored
 * @param bytes                  their summed estimated size in bytes
 */
public record CacheStatistics(long hits, long misses, long inFlightHits, long fills, long fillsDroppedStale,
                              long fillsAbandonedOverCaps, long fillsAbandoned, long fillsBlocked,
                              long evictionsSize, long evictionsExpired, long evictionsInvalidated,
                              long invalidations, long invalidateAlls, long entries, long bytes) {

    /** Hits divided by look-ups, 0 when there were none. */
    public double hitRate() {
        long lookups = hits + misses;
        return lookups == 0 ? 0 : (double) hits / lookups;
    }

    @Override
    public String toString() {
        return "CacheStatistics[hits=" + hits + ", misses=" + misses + ", hitRate="
                + String.format(java.util.Locale.ROOT, "%.3f", hitRate()) + ", inFlightHits=" + inFlightHits
                + ", fills=" + fills + ", fillsDroppedStale=" + fillsDroppedStale + ", fillsAbandonedOverCaps="
                + fillsAbandonedOverCaps + ", fillsAbandoned=" + fillsAbandoned + ", fillsBlocked=" + fillsBlocked
                + ", evictionsSize=" + evictionsSize + ", evictionsExpired=" + evictionsExpired
                + ", evictionsInvalidated=" + evictionsInvalidated + ", invalidations=" + invalidations
                + ", invalidateAlls=" + invalidateAlls + ", entries=" + entries + ", bytes=" + bytes + "]";
    }
}
