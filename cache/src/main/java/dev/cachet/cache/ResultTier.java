package dev.cachet.cache;

import java.util.Collection;

/**
 * Where cache entries live: the in-process tier ({@link CaffeineResultTier}) now, a shared tier (Redis)
 * behind it later (DESIGN §10). A tier only stores and removes; version checks and statistics belong to
 * {@link ResultCache}. Thread-safe.
 */
public interface ResultTier {

    /** The entry stored under {@code key}, or null. */
    CacheEntry get(QueryKey key);

    /** Stores {@code entry} under its key, replacing any entry there. */
    void put(CacheEntry entry);

    /** Removes {@code entry} if it is still the one stored under its key; true when removed. */
    boolean remove(CacheEntry entry);

    /** Removes every entry that read any of {@code tables}; returns how many were removed. */
    int invalidate(Collection<String> tables);

    /** Removes every entry; returns how many were removed (approximately, under concurrency). */
    long invalidateAll();

    /** The number of entries (approximate). */
    long entryCount();

    /** The summed weight of the entries, in bytes. */
    long weightedBytes();

    /** Runs pending maintenance (evictions, expirations) now. */
    void cleanUp();
}
