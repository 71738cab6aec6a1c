package dev.cachet.cache;

import java.util.concurrent.atomic.LongAdder;

/** The always-on counters behind {@link CacheStatistics}: striped adders, cheap under contention. */
final class CacheCounters {

    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder inFlightHits = new LongAdder();
    final LongAdder fills = new LongAdder();
    final LongAdder fillsDroppedStale = new LongAdder();
    final LongAdder fillsAbandonedOverCaps = new LongAdder();
    final LongAdder fillsAbandoned = new LongAdder();
    final LongAdder fillsBlocked = new LongAdder();
    final LongAdder evictionsSize = new LongAdder();
    final LongAdder evictionsExpired = new LongAdder();
    final LongAdder evictionsInvalidated = new LongAdder();
    final LongAdder invalidations = new LongAdder();
    final LongAdder invalidateAlls = new LongAdder();
}
