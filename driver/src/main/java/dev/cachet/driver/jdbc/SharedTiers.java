package dev.cachet.driver.jdbc;

import dev.cachet.cache.SharedTier;
import dev.cachet.cache.shared.RedisSharedTier;
import dev.cachet.cache.shared.SharedTierSettings;
import dev.cachet.cache.shared.SharedTierStatistics;
import dev.cachet.driver.CachetSettings;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a cluster's shared tier on Redis from its {@code cachet.shared.*} settings (DESIGN §10). The tier connects in
 * the background; until it is connected and trusted, statements use the in-process tier and the database, so a
 * cluster is never slowed nor failed by Redis being away when it starts.
 */
final class SharedTiers {

    private static final Logger log = LoggerFactory.getLogger(SharedTiers.class);

    private SharedTiers() {
    }

    /** The tier {@code settings} name for cluster {@code clusterId}, or null when they name none (or it cannot be made). */
    static SharedTier create(String clusterId, CachetSettings settings) {
        if (settings.sharedUri() == null || !settings.enabled()) {
            return null;
        }
        SharedTierSettings.Builder b = SharedTierSettings.builder(clusterId, settings.sharedUri())
                .mode(settings.sharedMode())
                .consistency(settings.sharedConsistency())
                .timeout(settings.sharedTimeout())
                .maxEntryBytes(settings.sharedMaxEntryBytes())
                .encryptionKey(settings.sharedEncryptionKey())
                .user(settings.sharedUser())
                .password(settings.sharedPassword());
        if (settings.sharedTrustedCertificates() != null) {
            b.trustedCertificates(Path.of(settings.sharedTrustedCertificates()));
        }
        SharedTierSettings tier = b.build();
        try {
            // the client must be there before the tier starts its threads (the agent's jar does not carry it)
            lettuce();
        } catch (LinkageError e) {
            log.warn("Cachet cluster {}: the shared tier needs Lettuce (io.lettuce:lettuce-core) on the class path,"
                    + " which the Java agent does not carry; caching in process only", clusterId);
            return null;
        }
        try {
            RedisSharedTier created = new RedisSharedTier(tier, EncodedResultCodec.INSTANCE);
            log.info("Cachet cluster {}: shared tier {}", clusterId, tier);
            return created;
        } catch (LinkageError e) {
            log.warn("Cachet cluster {}: the shared tier needs Lettuce (io.lettuce:lettuce-core) on the class path ({});"
                    + " caching in process only", clusterId, e.toString());
        } catch (RuntimeException e) {
            // never e's message: it may quote the URI, and the URI may hold a password
            log.warn("Cachet cluster {}: the shared tier cannot be made ({}); caching in process only", clusterId,
                    e.getClass().getName());
        }
        return null;
    }

    /** Loads Lettuce's client class (by a class literal, which the agent's shading renames like every reference). */
    private static Class<?> lettuce() {
        return io.lettuce.core.RedisClient.class;
    }

    /** The tier's counters, or null when {@code tier} is null. */
    static SharedTierStatistics statistics(SharedTier tier) {
        return tier instanceof RedisSharedTier r ? r.statistics() : null;
    }
}
