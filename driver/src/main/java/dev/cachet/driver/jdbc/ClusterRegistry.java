package dev.cachet.driver.jdbc;

import dev.cachet.driver.CachetSettings;
import dev.cachet.parser.Dialect;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide map from cluster id to {@link Cluster}: one cache and one set of table versions per cluster (DESIGN §2).
 * Internal; public only so the driver's packages can share it.
 *
 * <p>Clusters are reference-counted by their open logical connections. When the last one closes, the cluster's
 * background services stop, but its cache is kept, so an application that opens a connection per request still
 * hits; {@link #shutdown()} drops everything.
 */
public final class ClusterRegistry {

    private static final Logger log = LoggerFactory.getLogger(ClusterRegistry.class);
    private static final ConcurrentHashMap<String, Cluster> clusters = new ConcurrentHashMap<>();
    private static final java.util.Set<String> warned = ConcurrentHashMap.newKeySet();

    private ClusterRegistry() {
    }

    /**
     * The cluster with this id, created with these settings if it does not exist yet, with one more open connection.
     * A later connection asking for a differently shaped cache gets a warning (once per cluster), not a second cache.
     */
    public static Cluster acquire(String id, CachetSettings settings, Dialect dialect) {
        Cluster cluster = clusters.compute(id, (k, existing) -> {
            Cluster c = existing != null ? existing : new Cluster(k, settings, dialect);
            c.openConnections.incrementAndGet();
            return c;
        });
        if (cluster.settings() != settings && !cluster.settings().sameCacheShape(settings) && warned.add(id)) {
            log.warn("Cachet cluster {}: a connection asked for cache settings that differ from the cluster's first "
                    + "connection; the first connection's settings stay in effect", id);
        }
        return cluster;
    }

    /** One open connection of the cluster closed; the last one stops the cluster's background services. */
    public static void release(Cluster cluster) {
        clusters.compute(cluster.id(), (k, current) -> {
            // after shutdown() the cluster may be gone or replaced; its count is still its own
            if (cluster.openConnections.decrementAndGet() == 0) {
                cluster.stopServices();
            }
            return current;
        });
    }

    public static Cluster find(String id) {
        return clusters.get(id);
    }

    public static Collection<Cluster> all() {
        return List.copyOf(clusters.values());
    }

    /**
     * Stops every cluster's services, drops every cache, and forgets every cluster. Connections still open keep
     * working, uncached, and their writes still invalidate the clusters opened after the shutdown.
     */
    public static void shutdown() {
        for (Cluster c : List.copyOf(clusters.values())) {
            clusters.remove(c.id(), c);
            c.retire();
            c.stopServices();
            c.cache().invalidateAll();
        }
        warned.clear();
    }
}
