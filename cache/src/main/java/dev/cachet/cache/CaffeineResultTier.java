package dev.cachet.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The in-process {@link ResultTier}: a Caffeine cache bounded by the summed entry weight in bytes
 * (W-TinyLFU), with each entry's own TTL, plus a reverse index from table to the entries that read it,
 * so invalidating a table removes exactly its entries at once (their memory is freed immediately, not
 * when they would have expired). The index is maintained on every store and removal.
 */
public final class CaffeineResultTier implements ResultTier {

    private final Cache<QueryKey, CacheEntry> cache;
    private final ConcurrentMap<QueryKey, CacheEntry> map;
    private final com.github.benmanes.caffeine.cache.Policy<QueryKey, CacheEntry> policy;
    private final ConcurrentHashMap<String, Set<CacheEntry>> byTable = new ConcurrentHashMap<>();
    private final CacheCounters counters;
    /** The expiry checks' clock when the settings keep the system ticker; null otherwise. */
    private final PublishedClock clock;
    /** Told of every entry an invalidation removed before its first hit; null for none. */
    private volatile java.util.function.Consumer<CacheEntry> wasted;

    CaffeineResultTier(CacheSettings settings, CacheCounters counters) {
        this.counters = counters;
        // a ticker given in the settings is a test's: kept as it is
        this.clock = settings.ticker() == Ticker.systemTicker()
                ? PublishedClock.started(counters.hits::sum) : null;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(settings.maxBytes())
                .weigher((QueryKey k, CacheEntry e) -> (int) Math.min(Integer.MAX_VALUE, e.weight()))
                .expireAfter(new Expiry<QueryKey, CacheEntry>() {
                    @Override
                    public long expireAfterCreate(QueryKey key, CacheEntry entry, long currentTime) {
                        return entry.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(QueryKey key, CacheEntry entry, long currentTime,
                                                  long currentDuration) {
                        return entry.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(QueryKey key, CacheEntry entry, long currentTime,
                                                long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(clock != null ? clock : settings.ticker())
                .executor(settings.executor())
                .evictionListener((QueryKey key, CacheEntry entry, RemovalCause cause) -> evicted(entry, cause))
                .build();
        this.map = cache.asMap();
        this.policy = cache.policy();
    }

    private void evicted(CacheEntry entry, RemovalCause cause) {
        if (entry != null) {
            unindex(entry);
        }
        if (cause == RemovalCause.EXPIRED) {
            counters.evictionsExpired.increment();
        } else if (cause == RemovalCause.SIZE || cause == RemovalCause.COLLECTED) {
            counters.evictionsSize.increment();
        }
    }

    private void unindex(CacheEntry entry) {
        for (String table : entry.tables()) {
            Set<CacheEntry> entries = byTable.get(table);
            if (entries != null) {
                entries.remove(entry);
            }
        }
    }

    /** The clock its expiry checks read when the settings keep the system ticker, else null. */
    PublishedClock clock() {
        return clock;
    }

    /** Its expiry checks read the system clock from now on (the tier stays usable; nothing ticks for it). */
    void close() {
        if (clock != null) {
            clock.stop();
        }
    }

    @Override
    public CacheEntry get(QueryKey key) {
        return cache.getIfPresent(key);
    }

    /**
     * As {@link #get}, without telling the eviction policy of the access: no read buffer, no maintenance to schedule
     * (expiry still applies: an expired entry is not returned). For hits sampled elsewhere ({@link ResultCache}).
     */
    CacheEntry getQuietly(QueryKey key) {
        return policy.getIfPresentQuietly(key);
    }

    @Override
    public void put(CacheEntry entry) {
        if (clock != null) {
            PublishedClock.keepTicking(); // its thread ends when every tier was slow for a while
        }
        // indexed before it becomes visible: an invalidation scanning the index cannot miss a stored entry
        for (String table : entry.tables()) {
            byTable.computeIfAbsent(table, t -> ConcurrentHashMap.newKeySet()).add(entry);
        }
        CacheEntry previous = map.put(entry.key(), entry);
        if (previous != null && previous != entry) {
            unindex(previous);
        }
    }

    @Override
    public boolean remove(CacheEntry entry) {
        boolean removed = map.remove(entry.key(), entry);
        unindex(entry);
        return removed;
    }

    @Override
    public int invalidate(Collection<String> tables) {
        int removed = 0;
        for (String table : tables) {
            Set<CacheEntry> entries = byTable.get(table);
            if (entries == null) {
                continue;
            }
            for (CacheEntry entry : entries) {
                // an entry indexed but not yet stored stays indexed; its filler re-checks its stamp
                if (map.remove(entry.key(), entry)) {
                    removed++;
                    unindex(entry);
                    wasted(entry);
                }
            }
        }
        counters.evictionsInvalidated.add(removed);
        return removed;
    }

    /** Sets the listener told of entries invalidated before their first hit (DESIGN §13's fills wasted). */
    void onWasted(java.util.function.Consumer<CacheEntry> listener) {
        this.wasted = listener;
    }

    private void wasted(CacheEntry entry) {
        java.util.function.Consumer<CacheEntry> listener = wasted;
        if (listener != null && !entry.served()) {
            try {
                listener.accept(entry);
            } catch (RuntimeException e) {
                // statistics must never break an invalidation
            }
        }
    }

    @Override
    public long invalidateAll() {
        long removed = 0;
        for (CacheEntry entry : map.values()) {
            if (map.remove(entry.key(), entry)) {
                removed++;
            }
            unindex(entry);
        }
        counters.evictionsInvalidated.add(removed);
        return removed;
    }

    @Override
    public long entryCount() {
        return cache.estimatedSize();
    }

    @Override
    public long weightedBytes() {
        return cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    @Override
    public void cleanUp() {
        cache.cleanUp();
    }
}
