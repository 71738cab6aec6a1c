package dev.cachet.driver;

import dev.cachet.driver.jdbc.Cluster;
import dev.cachet.parser.NotCacheableReason;
import dev.cachet.parser.StatementInfo;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The operator's handle on one cluster (a primary and its replicas) in this JVM: its statistics, manual
 * invalidation, what Cachet would do with a statement, and listeners. Obtained from {@link Cachet}.
 *
 * <p>Thread-safe. Invalidations made here behave like writes through Cachet: every connection of the cluster stops
 * seeing the dropped results at once. Use them after changes Cachet cannot see (DESIGN §6 "escape hatches"):
 * writes by other programs, on unwrapped connections, or by other JVMs.
 */
public final class CachetCluster {

    private final Cluster cluster;

    CachetCluster(Cluster cluster) {
        this.cluster = cluster;
    }

    /** The cluster's id: {@code cachet.cluster}, or derived from its configured hosts and database. */
    public String id() {
        return cluster.id();
    }

    /** A snapshot of the cluster's cache counters and Cachet's own execution counters. */
    public ClusterStatistics statistics() {
        return cluster.statistics();
    }

    /**
     * Drops every cached result that read any of these tables, or a view or table that depends on them. Names are
     * compared unqualified, unquoted and case-insensitively ({@code "public"."Orders"} = {@code orders}).
     */
    public void invalidate(String... tables) {
        Set<String> canonical = new LinkedHashSet<>();
        for (String t : tables) {
            canonical.add(canonical(t));
        }
        Set<String> scope = cluster.expandForOperator(canonical);
        if (scope == null) {
            cluster.invalidateEverything("operator");
        } else {
            cluster.invalidateTables(scope, "operator");
        }
    }

    /** Drops every cached result of the cluster. */
    public void invalidateAll() {
        cluster.invalidateEverything("operator");
    }

    /**
     * What Cachet would do with {@code sql} on an idle auto-commit connection of this cluster: cacheable or why not,
     * where it would run, the tables it reads, what a write would invalidate, the TTL of its result, and whether its
     * misses fill the cache on the first read of a key or only on the second ({@link AdmissionState}).
     */
    public Explanation explain(String sql) {
        StatementInfo info = cluster.analyze(sql);
        NotCacheableReason reason = null;
        String detail = null;
        Duration ttl = null;
        if (!cluster.settings().enabled()) {
            reason = NotCacheableReason.CACHE_DISABLED;
        } else if (!info.cacheable()) {
            reason = info.notCacheableReason();
            detail = info.notCacheableDetail();
        } else {
            ttl = cluster.ttl(info);
            if (ttl.isZero()) {
                reason = NotCacheableReason.TABLE_TTL_ZERO;
                ttl = null;
            } else if (cluster.writeHot(info)) {
                reason = NotCacheableReason.WRITE_HOT;
                ttl = null;
            }
        }
        if (reason != null && detail == null) {
            detail = reason.description();
        }
        Set<String> scope = cluster.invalidationScope(info);
        return new Explanation(sql, info.kind(), reason == null, reason, detail, cluster.plannedRoute(info),
                info.tablesRead(), scope == null ? Set.of() : scope, scope == null, ttl,
                reason == null ? cluster.admissionState(info) : null);
    }

    /**
     * What caching each table has earned since the cluster was created — hits, fills, fills wasted, writes — and
     * whether caching is switched off for it now ({@code WRITE_HOT}, {@code cachet.adaptive}); sorted by table.
     */
    public java.util.List<TableStatistics> tableStatistics() {
        return cluster.tableStatistics();
    }

    /** Registers a listener for this cluster's executions and invalidations. */
    public void addListener(ExecutionListener listener) {
        cluster.addListener(listener);
    }

    public void removeListener(ExecutionListener listener) {
        cluster.removeListener(listener);
    }

    static String canonical(String table) {
        String t = table.trim();
        int dot = lastDotOutsideQuotes(t);
        if (dot >= 0) {
            t = t.substring(dot + 1);
        }
        if (t.length() >= 2 && (t.charAt(0) == '"' || t.charAt(0) == '`' || t.charAt(0) == '[')) {
            t = t.substring(1, t.length() - 1);
        }
        return t.toLowerCase(Locale.ROOT);
    }

    private static int lastDotOutsideQuotes(String s) {
        boolean quoted = false;
        int last = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '`') {
                quoted = !quoted;
            } else if (c == '[' ) {
                quoted = true;
            } else if (c == ']') {
                quoted = false;
            } else if (c == '.' && !quoted) {
                last = i;
            }
        }
        return last;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CachetCluster other && other.cluster == cluster;
    }

    @Override
    public int hashCode() {
        return cluster.hashCode();
    }

    @Override
    public String toString() {
        return "CachetCluster[" + id() + "]";
    }
}
