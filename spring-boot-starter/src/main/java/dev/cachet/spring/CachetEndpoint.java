package dev.cachet.spring;

import dev.cachet.cache.CacheStatistics;
import dev.cachet.cache.shared.SharedTierStatistics;
import dev.cachet.driver.CachetCluster;
import dev.cachet.driver.ClusterStatistics;
import dev.cachet.driver.Explanation;
import dev.cachet.driver.ReplicaStatistics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The Actuator endpoint {@code cachet}. Over HTTP (when exposed, e.g.
 * {@code management.endpoints.web.exposure.include=cachet}):
 * <ul>
 *   <li>{@code GET /actuator/cachet}: statistics of every cluster;</li>
 *   <li>{@code GET /actuator/cachet/explain?sql=...}: what each cluster would do with the statement;</li>
 *   <li>{@code POST /actuator/cachet} with {@code {"table":"orders"}}: drops every cached result that read the table
 *       (in every cluster: a table name means nothing across clusters, and dropping more only costs hits);</li>
 *   <li>{@code DELETE /actuator/cachet}: drops every cached result.</li>
 * </ul>
 * The write operations are Actuator write operations like any other: reachable only where the application exposes
 * the endpoint and its access allows writes ({@code management.endpoint.cachet.access=read-only} forbids them), and
 * behind Spring Security's rules for Actuator where it is present. Answers are plain maps and lists (no types of
 * Cachet's), so any JSON mapper renders them.
 */
@Endpoint(id = "cachet")
public class CachetEndpoint {

    private final CachetClusters clusters;

    public CachetEndpoint(CachetClusters clusters) {
        this.clusters = clusters;
    }

    /** Statistics of every cluster, by cluster id. */
    @ReadOperation
    public Map<String, Object> statistics() {
        Map<String, Object> byCluster = new LinkedHashMap<>();
        for (CachetCluster c : sorted()) {
            byCluster.put(c.id(), statistics(c.statistics()));
        }
        return Map.of("clusters", byCluster);
    }

    /** {@code GET /actuator/cachet/explain?sql=...}: the explanation of {@code sql} in every cluster, by id. */
    @ReadOperation
    public Map<String, Object> explain(@Selector String operation, String sql) {
        if (!"explain".equals(operation)) {
            throw new IllegalArgumentException("unknown operation '" + operation + "'; expected explain?sql=...");
        }
        Map<String, Object> byCluster = new LinkedHashMap<>();
        for (CachetCluster c : sorted()) {
            byCluster.put(c.id(), explanation(c.explain(sql)));
        }
        return Map.of("sql", sql, "clusters", byCluster);
    }

    /** Drops every cached result that read {@code table} (or what depends on it), in every cluster. */
    @WriteOperation
    public Map<String, Object> invalidate(String table) {
        List<String> ids = new ArrayList<>();
        for (CachetCluster c : sorted()) {
            c.invalidate(table);
            ids.add(c.id());
        }
        return Map.of("invalidated", table, "clusters", ids);
    }

    /** Drops every cached result of every cluster. */
    @DeleteOperation
    public Map<String, Object> invalidateAll() {
        List<String> ids = new ArrayList<>();
        for (CachetCluster c : sorted()) {
            c.invalidateAll();
            ids.add(c.id());
        }
        return Map.of("invalidated", "*", "clusters", ids);
    }

    private List<CachetCluster> sorted() {
        List<CachetCluster> all = new ArrayList<>(clusters.all());
        all.sort((a, b) -> a.id().compareTo(b.id()));
        return all;
    }

    static Map<String, Object> statistics(ClusterStatistics s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hitRatio", s.hitRatio());
        m.put("executions", s.executions());
        m.put("hits", s.hits());
        m.put("misses", s.misses());
        m.put("missesNotAdmitted", s.missesNotAdmitted());
        m.put("notCacheable", s.notCacheable());
        Map<String, Long> reasons = new LinkedHashMap<>();
        s.notCacheableByReason().forEach((r, n) -> reasons.put(r.name().toLowerCase(Locale.ROOT).replace('_', '-'), n));
        m.put("notCacheableByReason", reasons);
        m.put("writes", s.writes());
        m.put("invalidations", s.invalidations());
        m.put("openConnections", s.openConnections());
        m.put("primaryExecutions", s.primaryExecutions());
        m.put("replicaExecutions", s.replicaExecutions());
        m.put("missMillis", s.missNanos() / 1_000_000.0);
        CacheStatistics c = s.cache();
        Map<String, Object> cache = new LinkedHashMap<>();
        cache.put("entries", c.entries());
        cache.put("bytes", c.bytes());
        cache.put("fills", c.fills());
        cache.put("fillsDroppedStale", c.fillsDroppedStale());
        cache.put("fillsAbandonedOverCaps", c.fillsAbandonedOverCaps());
        cache.put("fillsAbandoned", c.fillsAbandoned());
        cache.put("fillsBlocked", c.fillsBlocked());
        cache.put("inFlightHits", c.inFlightHits());
        cache.put("evictionsSize", c.evictionsSize());
        cache.put("evictionsExpired", c.evictionsExpired());
        cache.put("evictionsInvalidated", c.evictionsInvalidated());
        m.put("cache", cache);
        List<Map<String, Object>> replicas = new ArrayList<>();
        for (ReplicaStatistics r : s.replicas()) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("host", r.host());
            rm.put("primary", r.primary());
            rm.put("available", r.available());
            rm.put("lagMillis", r.lag() == null ? null : r.lag().toNanos() / 1_000_000.0);
            replicas.add(rm);
        }
        m.put("replicas", replicas);
        SharedTierStatistics t = s.shared();
        if (t != null) {
            Map<String, Object> shared = new LinkedHashMap<>();
            shared.put("state", t.state());
            shared.put("hits", t.hits());
            shared.put("misses", t.misses());
            shared.put("staleEntries", t.staleEntries());
            shared.put("localChecks", t.localChecks());
            shared.put("localChecksStale", t.localChecksStale());
            shared.put("leasesTaken", t.leasesTaken());
            shared.put("leaseWaits", t.leaseWaits());
            shared.put("leaseWaitHits", t.leaseWaitHits());
            shared.put("stores", t.stores());
            shared.put("storesSkipped", t.storesSkipped());
            shared.put("bytesRead", t.bytesRead());
            shared.put("bytesWritten", t.bytesWritten());
            shared.put("badValues", t.badValues());
            shared.put("fallbacks", t.fallbacks());
            shared.put("timeouts", t.timeouts());
            shared.put("refusals", t.refusals());
            shared.put("bumps", t.bumps());
            shared.put("pendingBumps", t.pendingBumps());
            shared.put("published", t.published());
            shared.put("messagesReceived", t.messagesReceived());
            shared.put("streamLosses", t.streamLosses());
            shared.put("catalogChanges", t.catalogChanges());
            m.put("shared", shared);
        }
        return m;
    }

    static Map<String, Object> explanation(Explanation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
        m.put("cacheable", e.cacheable());
        m.put("reason", e.reason() == null ? null : e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        m.put("detail", e.detail());
        m.put("route", e.route().name().toLowerCase(Locale.ROOT));
        m.put("tablesRead", new TreeSet<>(e.tablesRead()));
        m.put("tablesInvalidated", new TreeSet<>(e.tablesInvalidated()));
        m.put("invalidatesAll", e.invalidatesAll());
        m.put("ttl", e.ttl() == null ? null : e.ttl().toString());
        m.put("admission", e.admission() == null ? null
                : e.admission().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return m;
    }
}
