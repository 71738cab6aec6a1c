package dev.cachet.cache.shared;

import dev.cachet.cache.CacheSettings;
import dev.cachet.cache.FillTicket;
import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultCache;
import dev.cachet.cache.SessionKey;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Application instances for the shared tier's tests: each a {@link ResultCache} over its own tier. */
final class Instances implements AutoCloseable {

    static final SessionKey SESSION = SessionKey.of("app", "shop", "public", null, null, "POSTGRESQL");

    final List<Instance> all = new ArrayList<>();

    static QueryKey key(String sql, Object... parameters) {
        return QueryKey.of(SESSION, sql, parameters, null, 0, ResultSet.TYPE_FORWARD_ONLY);
    }

    static SharedTierSettings.Builder settings(SharedTierSettings.Consistency consistency) {
        return SharedTierSettings.builder("shop-db", "redis://memory").consistency(consistency)
                .timeout(Duration.ofMillis(200)).heartbeat(Duration.ZERO).leaseWait(Duration.ofSeconds(10));
    }

    Instance start(SharedStore store, SharedTierSettings settings) {
        Instance i = new Instance(store, settings);
        all.add(i);
        return i;
    }

    @Override
    public void close() {
        all.forEach(i -> i.cache.close());
    }

    /** One application instance: its cache and its tier. */
    static final class Instance {
        final SharedStore store;
        final RedisSharedTier tier;
        final ResultCache cache;

        Instance(SharedStore store, SharedTierSettings settings) {
            this.store = store;
            this.tier = new RedisSharedTier(settings, TestCodec.INSTANCE, store);
            this.cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build(), tier);
        }

        /** A miss that runs its "query" (the result given) and stores it, as the driver's fill does. */
        ResultCache.Lookup fill(QueryKey key, Set<String> tables, MaterializedResult result) {
            ResultCache.Lookup lookup = cache.lookup(key, tables, true);
            if (!lookup.isHit()) {
                FillTicket ticket = cache.beginFill(lookup, null);
                if (ticket != null) {
                    cache.complete(ticket, result);
                }
            }
            return lookup;
        }

        SharedTierStatistics stats() {
            return tier.statistics();
        }
    }
}
