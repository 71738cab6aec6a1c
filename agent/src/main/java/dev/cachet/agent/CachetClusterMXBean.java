package dev.cachet.agent;

import java.util.Map;

/**
 * One Cachet cluster of an application run with the agent, in JMX as {@code dev.cachet:type=Cluster,name=<id>}:
 * statistics (as {@code dev.cachet.driver.ClusterStatistics} reports them) and the operator actions. With the agent
 * the application has no Cachet API of its own to call; this is how operators and monitoring reach Cachet.
 */
public interface CachetClusterMXBean {

    String getId();

    long getExecutions();

    long getHits();

    long getMisses();

    /** Misses that ran on the database without filling the cache (second-sight admission, cachet.admission). */
    long getMissesNotAdmitted();

    double getHitRatio();

    long getNotCacheable();

    /** Uncached reads by reason (lower-case, hyphenated reason names). */
    Map<String, Long> getNotCacheableByReason();

    long getWrites();

    long getInvalidations();

    int getOpenConnections();

    long getEntries();

    long getBytes();

    long getFills();

    /** Entries evicted for the byte bound or their TTL. */
    long getEvictions();

    long getPrimaryExecutions();

    long getReplicaExecutions();

    /** Summed time of the misses on the database, in milliseconds. */
    double getMissMillis();

    /** Lag of each replica in milliseconds, by host; -1 when unknown. */
    Map<String, Double> getReplicaLagMillis();

    /** Drops every cached result that read the table (or what depends on it). */
    void invalidate(String table);

    /** Drops every cached result of the cluster. */
    void invalidateAll();

    /** What Cachet would do with the statement, in one line. */
    String explain(String sql);
}
