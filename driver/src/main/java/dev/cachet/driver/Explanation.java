package dev.cachet.driver;

import dev.cachet.parser.NotCacheableReason;
import dev.cachet.parser.StatementKind;
import java.time.Duration;
import java.util.Set;

/**
 * What Cachet would do with a statement on an idle autocommit connection of a cluster, from {@link CachetCluster#explain}.
 *
 * <p>The answer uses the cluster's settings (function lists, per-table TTLs, dependencies) but no connection's state:
 * inside a transaction, with temporary tables or unmodelled session state, a cacheable statement may run uncached.
 *
 * @param sql               the statement
 * @param kind              its kind (query, insert, DDL, ...)
 * @param cacheable         whether its result would be cached
 * @param reason            why not, or null when cacheable
 * @param detail            user-readable detail of {@code reason}, or null
 * @param route             where it would run
 * @param tablesRead        canonical names of the tables it reads
 * @param tablesInvalidated canonical names of the tables whose cached results it would invalidate (after expansion
 *                          through views, cascading foreign keys and {@code cachet.dependencies}); empty when it writes
 *                          nothing, or when {@code invalidatesAll} is true
 * @param invalidatesAll    true when it counts as a write to every table (unknown statement or function, call, ...)
 * @param ttl               how long its result would be kept, or null when not cacheable
 * @param admission         which of its misses fill the cache now ({@code cachet.admission}): on the first read of a
 *                          key, or only on the second; null when not cacheable
 */
public record Explanation(String sql, StatementKind kind, boolean cacheable, NotCacheableReason reason, String detail,
                          Route route, Set<String> tablesRead, Set<String> tablesInvalidated, boolean invalidatesAll,
                          Duration ttl, AdmissionState admission) {

    /** An explanation without the admission state (null). */
    public Explanation(String sql, StatementKind kind, boolean cacheable, NotCacheableReason reason, String detail,
                       Route route, Set<String> tablesRead, Set<String> tablesInvalidated, boolean invalidatesAll,
                       Duration ttl) {
        this(sql, kind, cacheable, reason, detail, route, tablesRead, tablesInvalidated, invalidatesAll, ttl, null);
    }
}
