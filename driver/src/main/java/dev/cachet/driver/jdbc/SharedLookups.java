package dev.cachet.driver.jdbc;

import dev.cachet.cache.FillTicket;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultCache;
import dev.cachet.parser.StatementInfo;
import java.time.Duration;

/**
 * The pipeline's path through a cache with a shared tier (DESIGN §10): one {@link ResultCache#lookup} that looks in
 * process, waits for a fill of the key in flight in this JVM, then reads Redis (the entry and the current versions of
 * the tables read, in one round trip) and takes the key's lease; then the fill of a miss, which records the shared
 * versions read before the query runs. Without a shared tier the pipeline keeps its in-process path.
 */
final class SharedLookups {

    private SharedLookups() {
    }

    /**
     * The look-up of {@code key} in every tier, or null when the cache has no shared tier. The entry's versions are
     * those of the names it depends on: its tables, or a key look-up's rows (DESIGN §13), so Redis holds row
     * versions beside table versions under the same names.
     */
    static ResultCache.Lookup lookup(ResultCache cache, QueryKey key, RowScopes scopes, StatementInfo info,
                                     Object[] parameters) {
        if (cache.sharedTier() == null) {
            return null;
        }
        // a thread reading on while its own fill of the key is open must not wait for that fill (nor for its lease)
        return cache.lookup(key, scopes.dependencies(info, parameters), !OwnFills.fillingOnThisThread(key));
    }

    /**
     * Starts the fill of a shared miss; null when it must run uncached (an open transaction wrote a table it reads,
     * or every table, or a fill of the key is in flight). A lease the miss took is then released at once, so other
     * instances do not wait for a fill that never comes.
     */
    static FillTicket beginFill(ResultCache cache, ResultCache.Lookup miss, boolean allTablesBlocked, Duration ttl) {
        if (allTablesBlocked) {
            cache.beginFill(miss, Duration.ZERO); // no fill: releases the lease
            return null;
        }
        return cache.beginFill(miss, ttl);
    }
}
