package dev.cachet.driver.jdbc;

import dev.cachet.cache.ResultCache;
import dev.cachet.cache.ValueProfile;
import dev.cachet.driver.CachetSettings;
import dev.cachet.driver.ClusterStatistics;
import dev.cachet.driver.ExecutionEvent;
import dev.cachet.driver.ExecutionListener;
import dev.cachet.driver.InvalidationEvent;
import dev.cachet.parser.Dialect;
import dev.cachet.parser.SqlAnalyzer;
import dev.cachet.parser.StatementInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import dev.cachet.driver.Route;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime state Cachet keeps for one cluster in this JVM: its result cache and table versions, its settings,
 * its table dependencies, its listeners and counters (DESIGN §2). Internal: applications use
 * {@link dev.cachet.driver.CachetCluster}; this class is public only so the driver's packages can share it.
 *
 * <p>Thread-safe. Shared by every logical connection of the cluster; obtained from {@link ClusterRegistry}.
 */
public final class Cluster {

    private static final Logger log = LoggerFactory.getLogger(Cluster.class);

    /** Analyzers by parse budget: the JVM's shared one for the default, one memo per other budget in use. */
    private static final Map<Duration, SqlAnalyzer> ANALYZERS = new ConcurrentHashMap<>();

    private static SqlAnalyzer analyzer(Duration budget) {
        if (budget.equals(SqlAnalyzer.DEFAULT_PARSE_BUDGET)) {
            return SqlAnalyzer.shared();
        }
        return ANALYZERS.computeIfAbsent(budget, b -> new SqlAnalyzer(SqlAnalyzer.DEFAULT_MAX_ENTRIES, b));
    }

    /** The write scope meaning "every table". */
    static final Set<String> ALL_TABLES = Set.of("*all*");

    private final String id;
    private final CachetSettings settings;
    private final Dialect dialect;
    private final ResultCache cache;
    private final SqlAnalyzer analyzer;
    private final Set<String> deterministicFunctions;
    private final Set<String> readOnlyFunctions;
    private final ValueProfile valueProfile;
    private volatile ValueProfile driverProfile;

    /** What the catalog says of the tables' dependencies and row keys, and whether to read it again. */
    private final ClusterCatalog catalog;
    /** What caching each table earns, and the switch for tables where it does not pay (DESIGN §13). */
    private final AdaptiveCaching adaptive;
    /** Which misses of each statement fill the cache ({@code cachet.admission}). */
    private final AdmissionControl admission;

    private final List<ExecutionListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean listening;

    /** Open transactions that wrote "every table": while one is open, nothing of this cluster is filled. */
    private final Map<Object, Long> allTableBlocks = new ConcurrentHashMap<>();

    /** Replica routing (DESIGN §9); null while the cluster has no replicas. */
    private volatile ClusterRouting routing;

    /** Background services (pollers) tied to the cluster's open connections; stopped with the last one. */
    private final List<AutoCloseable> services = new CopyOnWriteArrayList<>();

    /** Set by {@link ClusterRegistry#shutdown()}: the cluster no longer caches, and forwards its invalidations. */
    private volatile boolean retired;

    final AtomicInteger openConnections = new AtomicInteger();
    /**
     * Executions other than hits and misses not admitted (one of those that failed counts here). Every execution the
     * cache answers is a hit or an in-flight hit in the cache's own counters, and only the pipeline looks the cache
     * up: those are the hits, counted once on the hit path.
     */
    final LongAdder executions = new LongAdder();
    /** Misses other than those not admitted. */
    final LongAdder misses = new LongAdder();
    /**
     * Misses that ran on the database without filling (second-sight admission), by where they ran (indexed by
     * {@link Route} ordinal): each is an execution, a miss and a statement routed there, counted once here rather than
     * in four adders — on H2 in memory those increments were 1.3% of such a miss (async-profiler).
     */
    private final LongAdder[] missesNotAdmitted = adders(Route.values().length);
    final LongAdder notCacheable = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder invalidations = new LongAdder();
    /** Catalog changes this instance announced to the others (with a shared tier, else to no one). */
    final LongAdder catalogChangesAnnounced = new LongAdder();
    /** Reads counted in {@link #notCacheable}, by reason (indexed by ordinal). */
    private final LongAdder[] notCacheableByReason = adders(dev.cachet.parser.NotCacheableReason.values().length);
    /**
     * Statements the database ran other than misses not admitted (counted apart, by route, in
     * {@link #missesNotAdmitted}), by where they ran (indexed by {@link Route} ordinal).
     */
    private final LongAdder[] routed = adders(Route.values().length);
    /** Summed time of misses on the database, from the query's start until its result set was returned. */
    final LongAdder missNanos = new LongAdder();

    Cluster(String id, CachetSettings settings, Dialect dialect) {
        this.id = id;
        this.settings = settings;
        this.dialect = dialect;
        // the shared tier (DESIGN §10), when cachet.shared.uri names one: the cache owns it and closes it
        this.cache = new ResultCache(CacheSettingsMapping.from(settings), SharedTiers.create(id, settings));
        this.analyzer = analyzer(settings.parseBudget());
        this.deterministicFunctions = settings.deterministicFunctions();
        this.readOnlyFunctions = settings.readOnlyFunctions();
        this.valueProfile = Tee.profileFor(dialect);
        this.adaptive = new AdaptiveCaching(settings.adaptive(), settings.tableTtls()::containsKey, System::nanoTime);
        cache.onWastedFill(entry -> adaptive.wasted(entry.tables()));
        this.catalog = new ClusterCatalog(id, dialect, settings.dependencies(), this::invalidate, ALL_TABLES);
        cache.onCatalogChangedElsewhere(this::catalogChangedElsewhere);
        this.admission = new AdmissionControl(settings.adaptiveAdmission(), settings.maxBytes());
    }

    /** Which misses of each statement fill the cache. */
    AdmissionControl admission() {
        return admission;
    }

    /** Whether {@code info}'s misses fill on the first read of a key or only on the second (explain). */
    public dev.cachet.driver.AdmissionState admissionState(StatementInfo info) {
        return admission.state(info.sql());
    }

    /** Per-table effectiveness and the {@code WRITE_HOT} switch. */
    AdaptiveCaching adaptive() {
        return adaptive;
    }

    /** True while caching is switched off for a table {@code info} reads (explain). */
    public boolean writeHot(StatementInfo info) {
        return adaptive.writeHot(info.tablesRead());
    }

    /** Per-table effectiveness, sorted by table. */
    public List<dev.cachet.driver.TableStatistics> tableStatistics() {
        return adaptive.statistics();
    }

    /**
     * How results of this cluster's driver are captured and played back (DESIGN §8): the profile chosen from the real
     * driver on the first fill, or the dialect's default before any.
     */
    public ValueProfile valueProfile() {
        ValueProfile chosen = driverProfile;
        return chosen != null ? chosen : valueProfile;
    }

    /** The profile of the real driver behind {@code physical}; chosen once, on the cluster's first fill. */
    ValueProfile valueProfile(java.sql.Connection physical) throws java.sql.SQLException {
        ValueProfile chosen = driverProfile;
        if (chosen == null) {
            chosen = Tee.profileFor(dialect, physical.getMetaData().getDriverName());
            driverProfile = chosen;
        }
        return chosen;
    }

    /** The cluster's id: {@code cachet.cluster}, or derived from its configured hosts and database. */
    public String id() {
        return id;
    }

    /** The settings of the cluster's first connection, which shape the cache and the analysis. */
    public CachetSettings settings() {
        return settings;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * The cluster's result cache. Only the execution pipeline looks it up: {@link #statistics()} counts the cache's
     * hits as the cluster's, so a look-up from elsewhere would count as an execution answered from the cache.
     */
    public ResultCache cache() {
        return cache;
    }

    /** Analyzes a statement: the shared memoized analysis, then the cluster's function settings (DESIGN §4). */
    public StatementInfo analyze(String sql) {
        return analyzer.analyze(sql, dialect).withFunctionSettings(deterministicFunctions, readOnlyFunctions);
    }

    /**
     * How long a query's result may be kept: zero when a table it reads must never be cached
     * ({@code cachet.ttl.<table>=0}), else its {@code ttl} hint, else the shortest TTL of the tables it reads.
     */
    public Duration ttl(StatementInfo info) {
        Duration shortest = settings.ttl();
        boolean zero = false;
        // every miss asks twice: without per-table TTLs there is nothing to look up per table
        for (String table : settings.tableTtls().isEmpty() ? java.util.Set.<String>of() : info.tablesRead()) {
            Duration d = settings.ttlFor(table);
            if (d.isZero() || d.isNegative()) {
                zero = true;
            } else if (d.compareTo(shortest) < 0) {
                shortest = d;
            }
        }
        if (zero) {
            return Duration.ZERO;
        }
        Duration hint = info.hints().ttl();
        if (hint != null) {
            return hint.isNegative() ? Duration.ZERO : hint;
        }
        return shortest;
    }

    /** Where a statement would run on an idle connection of this cluster; routing decides for real per connection. */
    public Route plannedRoute(StatementInfo info) {
        if (routing == null || info.kind() != dev.cachet.parser.StatementKind.QUERY || info.requiresPrimary()
                || info.isWrite() || info.lockingRead()
                || info.notCacheableReason() == dev.cachet.parser.NotCacheableReason.SYSTEM_CATALOG) {
            return Route.PRIMARY;
        }
        return Route.REPLICA;
    }

    /** The cluster's replica routing, or null when it has no replicas. */
    public ClusterRouting routing() {
        return routing;
    }

    /** The cluster's replica routing, created by {@code factory} if the cluster has none yet (the first one stays). */
    public synchronized ClusterRouting routing(java.util.function.Function<Cluster, ClusterRouting> factory) {
        if (routing == null) {
            routing = factory.apply(this);
        }
        return routing;
    }

    /** {@link #writeScope} for the operator API: null when the statement counts as a write to every table. */
    public Set<String> invalidationScope(StatementInfo info) {
        Set<String> scope = writeScope(info);
        return scope == ALL_TABLES ? null : scope;
    }

    /** The expansion of tables an operator names: themselves plus what depends on them; null for "everything". */
    public Set<String> expandForOperator(Set<String> tables) {
        Set<String> scope = expand(tables);
        return scope == ALL_TABLES ? null : scope;
    }

    // ---------------------------------------------------------------- dependencies

    /**
     * Reads the catalog's table dependencies and row keys on the cluster's first connection, and on a later one while
     * the last reading failed; a reading on a replica (not {@code onPrimary}) is used but made again on a primary
     * connection when one is open between transactions (see {@link ClusterCatalog}).
     */
    void ensureDependencies(Connection physical, boolean onPrimary) {
        catalog.ensureRead(physical, onPrimary);
    }

    /**
     * Makes the catalog reads of this cluster use connections of {@code probeUser} ({@code cachet.probe.user}), opened
     * by {@code connector} and closed after each read, instead of the application connection that triggers them. The
     * first call wins. {@code primaryOnly}, for a cluster with replicas: the connector reaches the host routing takes
     * for the primary, and a reading that finds itself on a standby is not used.
     */
    public void catalogConnector(CatalogConnector connector, boolean primaryOnly) {
        catalog.probe(connector, primaryOnly);
    }

    /** Opens a connection of the configured probe user for the cluster's catalog reads. */
    @FunctionalInterface
    public interface CatalogConnector {
        Connection open() throws SQLException;
    }

    /**
     * A statement through this instance changed the catalog ({@code certain}: DDL) or may have: after DDL, reads the
     * dependencies and keys again through the probe user's connection when one is configured, else through
     * {@code physical} (an application connection: the catalog then shows what its user may see), when that reading
     * can be trusted ({@code settles}: on the primary, between transactions); else, and after a statement that only
     * may have, every write counts as a write to every table until a reading (for the latter, at most one a second).
     * A table whose key changed is invalidated whole.
     */
    void catalogChangedHere(Connection physical, boolean settles, boolean certain) {
        catalog.changedHere(physical, settles, certain);
    }

    /**
     * Another instance changed the catalog, or this one may have missed that one did: its shared tier's invalidation
     * stream was lost or not yet delivering (DESIGN §13: when in doubt, the table). Until a reading on the primary
     * between transactions ({@link CachetConnection#readCatalogIfDue}) every write counts as a write to every table
     * and every result is cached at table level; the look-ups cached in process under the keys trusted so far are
     * dropped now, and that reading drops, in the shared tier too, the tables whose keys it finds changed (everything,
     * when it finds other edges). Runs on the shared tier's threads: in-process work only, never the database or
     * Redis.
     */
    void catalogChangedElsewhere() {
        Set<String> keyed = catalog.doubt();
        if (!keyed.isEmpty()) {
            cache.invalidateInProcess(keyed);
        }
    }

    /**
     * The catalog changed ({@code certain}: DDL) or may have where no reading here could see it: in doubt until one can,
     * a reading that keeps the pace of calls when the change only may have been made (see {@link ClusterCatalog}).
     */
    void doubtCatalog(boolean certain) {
        if (certain) {
            catalog.doubt();
        } else {
            catalog.mayHaveChanged();
        }
    }

    /** True when a reading of the catalog on the primary is awaited; one volatile read. */
    boolean catalogReadDue() {
        return catalog.readDue();
    }

    /** Reads the catalog on {@code primary} if a reading is awaited (see {@link ClusterCatalog#settleIfDue}). */
    void readCatalogIfDue(Connection primary) {
        catalog.settleIfDue(primary);
    }

    /** The catalog view's generation: a write scoped in an older one is invalidated at table level. */
    long catalogGeneration() {
        return catalog.generation();
    }

    /**
     * A write's scope worked out in catalog generation {@code generation}: as it is while the catalog is the same,
     * else widened to table level — row slots and dependencies of another reading may miss what the write changed.
     */
    Set<String> scopeSince(Set<String> scope, long generation) {
        if (scope.isEmpty() || scope == ALL_TABLES || generation == catalog.generation()) {
            return scope;
        }
        return expandScope(scope);
    }

    /**
     * This instance committed a change of the catalog: the other instances sharing its tier read theirs again — at
     * once for DDL ({@code certain}), at most once a heartbeat for what only may hold DDL (strings Cachet cannot see
     * through, calls, unknown functions), which an application may run with every request.
     */
    void catalogChanged(boolean certain) {
        catalogChangesAnnounced.increment();
        cache.catalogChanged(certain);
    }

    /** Row-precise invalidation: the current row keys and the names they give reads and writes. */
    RowScopes rowScopes() {
        return catalog.rowScopes();
    }

    /**
     * The tables whose cached results a statement may change, expanded through views, cascading foreign keys,
     * triggers and configured dependencies; {@link #ALL_TABLES} for "every table"; empty for a non-write.
     */
    Set<String> writeScope(StatementInfo info) {
        if (!info.isWrite()) {
            return Set.of();
        }
        Set<String> written = info.tablesWritten();
        if (info.writesAllTables() || written.isEmpty()) {
            return ALL_TABLES;
        }
        return expand(written);
    }

    /**
     * Expands a scope of version names (tables, and a row-precise write's {@code t#w} and row names) through the
     * dependencies of the tables they name, keeping the names: after DDL the new catalog's edges run from tables.
     */
    Set<String> expandScope(Set<String> scope) {
        Set<String> expanded = expand(tablesOf(scope));
        if (expanded == ALL_TABLES) {
            return ALL_TABLES;
        }
        Set<String> out = new java.util.HashSet<>(expanded);
        out.addAll(scope);
        return Set.copyOf(out);
    }

    /** Expands written tables through the dependencies; {@link #ALL_TABLES} when one of them hides its effects. */
    Set<String> expand(Set<String> written) {
        return catalog.expand(written, ALL_TABLES);
    }

    // ---------------------------------------------------------------- invalidation and blocks

    /**
     * Drops the cached results of the given scope ({@link #ALL_TABLES} = everything) and tells the listeners. A
     * retired cluster also invalidates its successor, so connections opened before a shutdown keep the guarantee
     * for those opened after it.
     */
    void invalidate(Set<String> scope, String cause) {
        if (scope.isEmpty()) {
            return;
        }
        if (retired) {
            Cluster successor = ClusterRegistry.find(id);
            if (successor != null && successor != this) {
                successor.invalidate(scope, cause);
            }
        }
        invalidations.increment();
        if (scope == ALL_TABLES) {
            cache.invalidateAll();
        } else {
            cache.invalidate(scope);
        }
        if (listening) {
            boolean all = scope == ALL_TABLES;
            fire(new InvalidationEvent(all ? Set.of() : tablesOf(scope), all, cause));
        }
    }

    /** The tables of a scope's version names (row-precise scopes name rows and {@code t#w}). */
    private static Set<String> tablesOf(Set<String> scope) {
        Set<String> tables = new java.util.HashSet<>();
        for (String name : scope) {
            tables.add(RowScopes.tableOf(name));
        }
        return Set.copyOf(tables);
    }

    /** Public form for the operator API. */
    public void invalidateTables(Collection<String> tables, String cause) {
        invalidate(Set.copyOf(tables), cause);
    }

    public void invalidateEverything(String cause) {
        invalidate(ALL_TABLES, cause);
    }

    /** Registers an open transaction's write: no fill of the scope until {@link #releaseBlocks}. */
    void block(Object owner, Set<String> scope) {
        if (scope == ALL_TABLES) {
            allTableBlocks.put(owner, System.nanoTime() + settings.transactionBlockTimeout().toNanos());
        } else if (!scope.isEmpty()) {
            cache.blockTables(owner, scope);
        }
    }

    void releaseBlocks(Object owner) {
        allTableBlocks.remove(owner);
        cache.releaseBlocks(owner);
    }

    /** True while an open transaction that wrote every table blocks all fills (bounded by the block timeout). */
    boolean allTablesBlocked() {
        if (allTableBlocks.isEmpty()) {
            return false;
        }
        long now = System.nanoTime();
        allTableBlocks.values().removeIf(deadline -> now - deadline > 0);
        return !allTableBlocks.isEmpty();
    }

    // ---------------------------------------------------------------- listeners

    boolean listening() {
        return listening;
    }

    public void addListener(ExecutionListener listener) {
        listeners.add(listener);
        listening = true;
    }

    public void removeListener(ExecutionListener listener) {
        listeners.remove(listener);
        listening = !listeners.isEmpty();
    }

    void fire(ExecutionEvent event) {
        for (ExecutionListener l : listeners) {
            try {
                l.onExecution(event);
            } catch (RuntimeException e) {
                log.warn("Cachet listener {} failed: {}", l, e.toString());
            }
        }
    }

    void fire(InvalidationEvent event) {
        for (ExecutionListener l : listeners) {
            try {
                l.onInvalidation(event);
            } catch (RuntimeException e) {
                log.warn("Cachet listener {} failed: {}", l, e.toString());
            }
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Registers a background service (e.g. a replica poller) to stop when the cluster's last connection closes. */
    public void addService(AutoCloseable service) {
        services.add(service);
    }

    /**
     * Marks the cluster retired by a shutdown and closes its shared tier, if any (its connections and threads). The
     * in-process flush that follows then stays in this JVM: other instances keep their entries.
     */
    void retire() {
        retired = true;
        cache.close();
    }

    /** False once the cluster was retired by a shutdown: its remaining connections run uncached. */
    boolean caching() {
        return !retired;
    }

    void stopServices() {
        for (AutoCloseable s : services) {
            try {
                s.close();
            } catch (Exception e) {
                log.warn("Cachet cluster {}: stopping {} failed: {}", id, s, e.toString());
            }
        }
        services.clear();
    }

    /** Counts a read that ran uncached, with its reason. */
    void countNotCacheable(dev.cachet.parser.NotCacheableReason reason) {
        notCacheable.increment();
        notCacheableByReason[(reason == null ? dev.cachet.parser.NotCacheableReason.NOT_A_QUERY : reason)
                .ordinal()].increment();
    }

    /** Counts a statement the database ran on {@code target}. */
    void countRoute(Route target) {
        routed[target.ordinal()].increment();
    }

    /** Counts a miss that ran on {@code target} without filling: an execution, a miss, a statement routed there. */
    void countMissNotAdmitted(Route target) {
        missesNotAdmitted[target.ordinal()].increment();
    }

    public ClusterStatistics statistics() {
        java.util.EnumMap<dev.cachet.parser.NotCacheableReason, Long> byReason =
                new java.util.EnumMap<>(dev.cachet.parser.NotCacheableReason.class);
        for (dev.cachet.parser.NotCacheableReason r : dev.cachet.parser.NotCacheableReason.values()) {
            long n = notCacheableByReason[r.ordinal()].sum();
            if (n != 0) {
                byReason.put(r, n);
            }
        }
        ClusterRouting r = routing;
        dev.cachet.cache.CacheStatistics cached = cache.statistics();
        long h = cached.hits() + cached.inFlightHits();
        long notAdmittedOnPrimary = missesNotAdmitted[Route.PRIMARY.ordinal()].sum();
        long notAdmittedOnReplicas = missesNotAdmitted[Route.REPLICA.ordinal()].sum();
        long notAdmitted = notAdmittedOnPrimary + notAdmittedOnReplicas;
        return new ClusterStatistics(cached, executions.sum() + h + notAdmitted, h, misses.sum() + notAdmitted,
                notCacheable.sum(), writes.sum(), invalidations.sum(), openConnections.get(),
                java.util.Collections.unmodifiableMap(byReason),
                routed[Route.PRIMARY.ordinal()].sum() + notAdmittedOnPrimary,
                routed[Route.REPLICA.ordinal()].sum() + notAdmittedOnReplicas, missNanos.sum(),
                r == null ? List.of() : r.replicaStatistics(), SharedTiers.statistics(cache.sharedTier()),
                notAdmitted);
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    @Override
    public String toString() {
        return "Cluster[" + id + "]";
    }
}
