package dev.cachet.agent;

import dev.cachet.driver.Cachet;
import dev.cachet.driver.CachetCluster;
import dev.cachet.driver.ClusterStatistics;
import dev.cachet.driver.Explanation;
import dev.cachet.driver.ReplicaStatistics;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.JMException;
import javax.management.ObjectName;

/** Registers a {@link CachetClusterMXBean} for each cluster the agent's connections created. */
final class ClusterMBeans {

    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    /** Registers the clusters not registered yet; called after each wrapped connection (connects are rare). */
    void registerNew() {
        for (CachetCluster cluster : Cachet.clusters()) {
            if (registered.add(cluster.id())) {
                try {
                    ManagementFactory.getPlatformMBeanServer().registerMBean(new Bean(cluster), name(cluster.id()));
                } catch (JMException | RuntimeException e) {
                    AgentLog.once("jmx " + cluster.id(), "cluster " + cluster.id() + " has no JMX bean: "
                            + AgentLog.describe(e));
                }
            }
        }
    }

    static ObjectName name(String clusterId) throws JMException {
        return new ObjectName("dev.cachet:type=Cluster,name=" + ObjectName.quote(clusterId));
    }

    private static final class Bean implements CachetClusterMXBean {
        private final CachetCluster cluster;

        Bean(CachetCluster cluster) {
            this.cluster = cluster;
        }

        private ClusterStatistics s() {
            return cluster.statistics();
        }

        @Override public String getId() { return cluster.id(); }
        @Override public long getExecutions() { return s().executions(); }
        @Override public long getHits() { return s().hits(); }
        @Override public long getMisses() { return s().misses(); }
        @Override public long getMissesNotAdmitted() { return s().missesNotAdmitted(); }
        @Override public double getHitRatio() { return s().hitRatio(); }
        @Override public long getNotCacheable() { return s().notCacheable(); }
        @Override public long getWrites() { return s().writes(); }
        @Override public long getInvalidations() { return s().invalidations(); }
        @Override public int getOpenConnections() { return s().openConnections(); }
        @Override public long getEntries() { return s().cache().entries(); }
        @Override public long getBytes() { return s().cache().bytes(); }
        @Override public long getFills() { return s().cache().fills(); }
        @Override public long getEvictions() { return s().cache().evictionsSize() + s().cache().evictionsExpired(); }
        @Override public long getPrimaryExecutions() { return s().primaryExecutions(); }
        @Override public long getReplicaExecutions() { return s().replicaExecutions(); }
        @Override public double getMissMillis() { return s().missNanos() / 1e6; }

        @Override
        public Map<String, Long> getNotCacheableByReason() {
            Map<String, Long> m = new LinkedHashMap<>();
            s().notCacheableByReason().forEach((r, n) -> m.put(r.name().toLowerCase(Locale.ROOT).replace('_', '-'), n));
            return m;
        }

        @Override
        public Map<String, Double> getReplicaLagMillis() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (ReplicaStatistics r : s().replicas()) {
                if (!r.primary()) {
                    m.put(r.host(), r.lag() == null ? -1 : r.lag().toNanos() / 1e6);
                }
            }
            return m;
        }

        @Override public void invalidate(String table) { cluster.invalidate(table); }
        @Override public void invalidateAll() { cluster.invalidateAll(); }

        @Override
        public String explain(String sql) {
            Explanation e = cluster.explain(sql);
            return e.cacheable() ? "cacheable for " + e.ttl() + ", reads " + e.tablesRead() + ", runs on " + e.route()
                    : "not cacheable: " + e.detail() + (e.invalidatesAll() ? "; invalidates every table"
                    : e.tablesInvalidated().isEmpty() ? "" : "; invalidates " + e.tablesInvalidated());
        }
    }
}
