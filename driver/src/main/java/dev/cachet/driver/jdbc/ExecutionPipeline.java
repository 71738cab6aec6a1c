package dev.cachet.driver.jdbc;

import dev.cachet.cache.FillTicket;
import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultCache;
import dev.cachet.cache.ValueProfile;
import dev.cachet.driver.CachetSettings;
import dev.cachet.driver.ExecutionEvent;
import dev.cachet.driver.Outcome;
import dev.cachet.driver.Route;
import dev.cachet.parser.NotCacheableReason;
import dev.cachet.parser.StatementInfo;
import dev.cachet.parser.StatementKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The path every statement of one logical connection takes: analyze, decide, then either answer from the cache,
 * fill it, or run on the database and invalidate what a write may have changed (DESIGN §5, §6).
 *
 * <p>Reads: a cacheable query looks up its key (unless second-sight admission spares the look-up of a key it has not
 * seen, which then runs on the database without filling); on a miss it waits for a concurrent fill of the same key,
 * then starts its own fill (which records the table versions before the query runs) and tees the real result into the
 * cache as the application reads it. Writes: under auto-commit, the tables they changed (expanded through views,
 * cascading foreign keys, triggers and configured dependencies) are invalidated as soon as the statement returns,
 * whether it succeeded or failed; inside a transaction they are blocked from filling and invalidated at write time,
 * and invalidated again when the transaction ends.
 */
final class ExecutionPipeline {

    /** A call of the real driver on the physical statement chosen for an execution. */
    @FunctionalInterface
    interface PhysicalCall<T> {
        T run(Statement physical) throws SQLException;
    }

    /** One miss that does not fill in this many is timed for {@code missNanos}; a power of two. */
    static final int MISS_TIMING_SAMPLE = 16;

    private final CachetConnection connection;
    /** The connection's session, read on every statement: held here so that reading it costs no extra hop. */
    private final LogicalSession session;
    private final Cluster cluster;
    private final ResultCache cache;
    private final CachetSettings settings;

    ExecutionPipeline(CachetConnection connection, LogicalSession session, Cluster cluster) {
        this.connection = connection;
        this.session = session;
        this.cluster = cluster;
        this.cache = cluster.cache();
        this.settings = cluster.settings();
    }

    StatementInfo analyze(String sql) {
        return cluster.analyze(sql);
    }

    // ---------------------------------------------------------------- decide

    /** Why the query cannot use the cache on this connection now, or null when it can. */
    NotCacheableReason decide(StatementInfo info, StatementOptions options, boolean streamParameters) {
        if (!connection.cachingEnabled()) {
            return NotCacheableReason.CACHE_DISABLED;
        }
        if (!info.cacheable()) {
            return info.notCacheableReason();
        }
        if (options.updatable()) {
            return NotCacheableReason.UPDATABLE_RESULT_SET;
        }
        if (streamParameters) {
            return NotCacheableReason.STREAM_PARAMETER;
        }
        if (session.unmodelled()) {
            return NotCacheableReason.UNMODELLED_SESSION_STATE;
        }
        Set<String> tables = info.tablesRead();
        if (session.readsTemporaryTable(tables)) {
            return NotCacheableReason.TEMPORARY_TABLE;
        }
        if (ttl(info).isZero()) {
            return NotCacheableReason.TABLE_TTL_ZERO;
        }
        if (cluster.adaptive().writeHot(tables)) {
            return NotCacheableReason.WRITE_HOT;
        }
        if (session.inTransaction()) {
            TransactionState tx = session.transaction();
            if (tx.snapshotIsolation(session.state())) {
                return NotCacheableReason.ISOLATION_LEVEL;
            }
            if (tx.wroteAny(tables)) {
                return NotCacheableReason.TABLE_WRITTEN_IN_TRANSACTION;
            }
        }
        return null;
    }

    Duration ttl(StatementInfo info) {
        return cluster.ttl(info);
    }

    // ---------------------------------------------------------------- reads

    /**
     * Answers a query that {@link #decide} found cacheable: from the cache, from a concurrent fill, or from the
     * database while filling. Falls back to an uncached run when an open transaction blocks the fill.
     */
    ResultSet cachedQuery(CachetStatement owner, StatementInfo info, Object[] parameters, int[] sqlTypes)
            throws SQLException {
        long start = cluster.listening() ? System.nanoTime() : 0;
        QueryKey key;
        ResultCache.Lookup shared = null;
        // with a shared tier every miss fills: other instances may be waiting on this one's lease
        StatementAdmission admission = null;
        MaterializedResult result;
        AdaptiveCaching adaptive = cluster.adaptive();
        // a sample of fills is timed, from the stored key's making to the copy's store, leaving out the query
        long fillStart = 0;
        if (cache.sharedTier() == null) {
            // looked up with the statement's probe, over the bound values as they are: the key to store (values
            // copied) is made only on a miss
            QueryKey.Probe probe = owner.probe().reset(session.key(), info.sql(), parameters, sqlTypes,
                    owner.maxRowsForKey(), owner.options().resultSetType());
            // a statement that holds its shape in second sight may skip the look-up of a key not seen
            StatementAdmission held = owner.admission;
            StatementAdmission.Read read = StatementAdmission.Read.LOOK_UP;
            if (held != null && held.secondSight() && held.sql().equals(info.sql())) {
                read = held.beforeLookUp(probe.hashCode());
                if (read == StatementAdmission.Read.DATABASE) {
                    cache.countMiss();
                    return notAdmitted(owner, info, start);
                }
            }
            result = cache.get(probe);
            if (result != null) {
                if (read == StatementAdmission.Read.LOOK_UP_UNSEEN) {
                    held.unseenKeyHit();
                }
                return hit(owner, info, result, start);
            }
            if (cluster.admission().adaptive()) {
                admission = admission(owner, info);
                if (!admission.admit(probe.hashCode())) {
                    // before the stored key is made: a miss that does not fill copies nothing
                    return notAdmitted(owner, info, start);
                }
            }
            long keyStart = adaptive.timeThisFill() ? System.nanoTime() : 0;
            key = probe.toKey();
            long keyNanos = keyStart == 0 ? 0 : System.nanoTime() - keyStart;
            if (!OwnFills.fillingOnThisThread(key)) {
                result = cache.awaitInFlight(key);
            }
            if (keyStart != 0 && result == null) {
                // the key's making counts, a wait for another thread's fill does not
                fillStart = System.nanoTime() - keyNanos;
            }
        } else {
            key = QueryKey.of(session.key(), info.sql(), parameters, sqlTypes, owner.maxRowsForKey(),
                    owner.options().resultSetType());
            // in process, a fill in flight here, then Redis (and its lease), in one call
            shared = SharedLookups.lookup(cache, key, cluster.rowScopes(), info, parameters);
            result = shared.result();
            if (result == null && adaptive.timeThisFill()) {
                fillStart = System.nanoTime();
            }
        }
        if (result != null) {
            return hit(owner, info, result, start);
        }
        Duration ttl = ttl(info);
        Duration fillTtl = ttl.equals(settings.ttl()) ? null : ttl;
        FillTicket ticket = shared != null ? SharedLookups.beginFill(cache, shared, cluster.allTablesBlocked(), fillTtl)
                : cluster.allTablesBlocked() ? null
                : cache.beginFill(key, cluster.rowScopes().dependencies(info, parameters), fillTtl);
        if (ticket == null) {
            // null: an open transaction wrote a table it reads, or a current fill of the same key is under way
            return uncachedQuery(owner, info, cache.isInFlight(key) ? NotCacheableReason.FILL_IN_FLIGHT
                    : NotCacheableReason.TABLE_BLOCKED_BY_OPEN_TRANSACTION);
        }
        cluster.executions.increment();
        adaptive.fill(info.tablesRead());
        if (admission != null) {
            admission.filled();
            ticket.observe(admission);
        }
        PhysicalConnection target;
        ValueProfile profile;
        ResultSet real;
        long queryStart = System.nanoTime();
        try {
            real = connection.runQuery(owner, info);
            target = connection.lastTarget();
            profile = cluster.valueProfile(target.connection());
        } catch (SQLException | RuntimeException | Error e) {
            cache.abandon(ticket);
            throw e;
        }
        long queryNanos = System.nanoTime() - queryStart;
        cluster.missNanos.add(queryNanos);
        cluster.misses.increment();
        cluster.countRoute(target.role());
        if (start != 0) {
            event(info, Outcome.MISS, null, target.role(), start);
        }
        if (fillStart != 0) {
            // what a fill costs against its query decides whether caching the tables pays (DESIGN §13)
            long beforeQuery = queryStart - fillStart;
            ticket.timeWith(copyNanos -> adaptive.fillCost(info.tablesRead(), queryNanos, beforeQuery + copyNanos));
        }
        if (!connection.fillAllowed(target, info)) {
            // a replica pinned by a transaction has not replayed a write to these tables: serve, never keep
            cache.abandon(ticket);
            return new CachetResultSet(owner, real, info);
        }
        ResultSet teed = Tee.wrap(real, owner, ticket, cache, profile);
        OwnFills.started(key, teed);
        return teed;
    }

    /** Serves a hit (the cache counted it): a result set over the cached result. */
    private ResultSet hit(CachetStatement owner, StatementInfo info, MaterializedResult result, long start) {
        AdaptiveCaching.HitCounters counters = owner.hitCounters;
        if (counters == null || counters.of != info) {
            counters = cluster.adaptive().hitCounters(info, info.tablesRead());
            owner.hitCounters = counters;
        }
        counters.count();
        if (start != 0) {
            event(info, Outcome.HIT, null, connection.plannedRoute(info), start);
        }
        return result.toResultSet(owner);
    }

    /** The admission of {@code info}'s misses, looked up once per statement while its SQL stays the same. */
    private StatementAdmission admission(CachetStatement owner, StatementInfo info) {
        StatementAdmission a = owner.admission;
        if (a == null || !a.sql().equals(info.sql())) {
            a = cluster.admission().of(info.sql());
            owner.admission = a;
        }
        return a;
    }

    /**
     * A miss that second-sight admission does not fill: the query runs on the database and its result set is the real
     * one, wrapped as for a query that is not cached — no tee, no capture, no store. Counted as a miss.
     */
    private ResultSet notAdmitted(CachetStatement owner, StatementInfo info, long start) throws SQLException {
        // timed one in MISS_TIMING_SAMPLE, at random, counted that many times: two clock reads were 3% of an H2
        // in-memory miss that does not fill (async-profiler); a fill (cachedQuery) costs far more and stays timed exactly
        boolean timed = (ThreadLocalRandom.current().nextInt() & (MISS_TIMING_SAMPLE - 1)) == 0;
        long queryStart = timed ? System.nanoTime() : 0;
        ResultSet real;
        try {
            real = connection.runQuery(owner, info);
        } catch (SQLException | RuntimeException | Error e) {
            cluster.executions.increment(); // an execution still, though not a miss
            throw e;
        }
        PhysicalConnection target = connection.lastTarget();
        if (timed) {
            long nanos = System.nanoTime() - queryStart;
            cluster.missNanos.add(nanos * MISS_TIMING_SAMPLE);
            StatementAdmission shape = owner.admission;
            if (shape != null) {
                shape.queryTimed(nanos);
            }
        }
        cluster.countMissNotAdmitted(target.role());
        if (start != 0) {
            event(info, Outcome.MISS, null, target.role(), start);
        }
        return new CachetResultSet(owner, real, info);
    }

    /** Runs a query on the database without caching; a query that counts as a write invalidates like one. */
    ResultSet uncachedQuery(CachetStatement owner, StatementInfo info, NotCacheableReason reason) throws SQLException {
        // counted whatever it is: a write, or a COMMIT that a driver runs through executeQuery before it complains
        connection.enterCall();
        try {
            return runUncached(owner, info, reason);
        } finally {
            connection.exitCall();
        }
    }

    private ResultSet runUncached(CachetStatement owner, StatementInfo info, NotCacheableReason reason)
            throws SQLException {
        long start = cluster.listening() ? System.nanoTime() : 0;
        cluster.executions.increment();
        long generation = cluster.catalogGeneration();
        Set<String> scope = beforeWrite(info, null, generation);
        PhysicalConnection target = null;
        boolean succeeded = false;
        try {
            ResultSet real = connection.runQuery(owner, info);
            target = connection.lastTarget();
            succeeded = true;
            cluster.countRoute(target.role());
            return new CachetResultSet(owner, real, info);
        } catch (SQLException | RuntimeException | Error e) {
            target = connection.lastTarget(); // where it failed: it may have changed the catalog there first
            throw e;
        } finally {
            afterStatement(info, scope, generation, succeeded, target);
            if (scope.isEmpty()) {
                cluster.countNotCacheable(reason);
            }
            if (start != 0) {
                event(info, scope.isEmpty() ? Outcome.NOT_CACHEABLE : Outcome.WRITE, reason,
                        target == null ? Route.PRIMARY : target.role(), start);
            }
        }
    }

    // ---------------------------------------------------------------- everything else

    /** Runs a statement that yields no cached result (update, DDL, session or transaction control, call, ...). */
    <T> T execute(CachetStatement owner, StatementInfo info, PhysicalCall<T> call) throws SQLException {
        connection.enterCall();
        try {
            return run(owner, info, call);
        } finally {
            connection.exitCall();
        }
    }

    private <T> T run(CachetStatement owner, StatementInfo info, PhysicalCall<T> call) throws SQLException {
        long start = cluster.listening() ? System.nanoTime() : 0;
        cluster.executions.increment();
        owner.lastInfo = info;
        PhysicalConnection target = connection.route(info, owner);
        cluster.countRoute(target.role());
        long generation = cluster.catalogGeneration();
        Set<String> scope = beforeWrite(info, owner.pinValues(), generation);
        boolean succeeded = false;
        try {
            T result = call.run(owner.physical(target));
            succeeded = true;
            return result;
        } finally {
            afterStatement(info, scope, generation, succeeded, target);
            if (start != 0) {
                NotCacheableReason reason = info.cacheable() ? null : info.notCacheableReason();
                event(info, scope.isEmpty() ? Outcome.NOT_CACHEABLE : Outcome.WRITE, reason, target.role(), start);
            }
        }
    }

    /** Runs a batch: one write of the union of what its statements write. */
    <T> T executeBatch(CachetStatement owner, List<StatementInfo> batch, PhysicalCall<T> call) throws SQLException {
        connection.enterCall();
        try {
            return runBatch(owner, batch, call);
        } finally {
            connection.exitCall();
        }
    }

    private <T> T runBatch(CachetStatement owner, List<StatementInfo> batch, PhysicalCall<T> call)
            throws SQLException {
        cluster.executions.increment();
        StatementInfo first = batch.isEmpty() ? null : batch.get(0);
        PhysicalConnection target = owner.batchTarget(first);
        cluster.countRoute(target.role());
        long generation = cluster.catalogGeneration();
        Set<String> scope = Set.of();
        for (StatementInfo info : batch) {
            scope = union(scope, cluster.writeScope(info));
        }
        boolean wasInTransaction = session.inTransaction();
        registerWrite(scope, scope, generation);
        boolean succeeded = false;
        try {
            T result = call.run(owner.batchStatement(target));
            succeeded = true;
            return result;
        } finally {
            try {
                invalidateWrite(cluster.scopeSince(scope, generation));
                connection.writeFinished();
            } finally {
                for (StatementInfo info : batch) {
                    session.statementReturned(info, succeeded);
                    if (succeeded) {
                        session.statementSucceeded(info, target);
                    }
                }
                if (succeeded && !wasInTransaction) {
                    // a batch that began a transaction (BEGIN, then writes) left it open: its writes are the
                    // transaction's, blocked until it ends
                    registerWrite(scope, scope, generation);
                }
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        if (a == Cluster.ALL_TABLES || b == Cluster.ALL_TABLES) {
            return Cluster.ALL_TABLES;
        }
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    // ---------------------------------------------------------------- writes

    /**
     * Before a statement runs: what it writes, row-precise when its bound {@code values} pin rows by key (§13), by the
     * catalog of {@code generation}; blocked from filling when a transaction is open.
     */
    private Set<String> beforeWrite(StatementInfo info, Object[] values, long generation) {
        Set<String> tables = cluster.writeScope(info);
        Set<String> scope = cluster.rowScopes().writeScope(info, values, tables);
        registerWrite(scope, tables, generation);
        return scope;
    }

    private void registerWrite(Set<String> scope) {
        registerWrite(scope, scope, cluster.catalogGeneration());
    }

    /**
     * Announces a write: its tables to read-your-writes routing (replicas track tables, never rows), its invalidation
     * scope (perhaps row-precise) to the transaction and its block.
     */
    private void registerWrite(Set<String> scope, Set<String> tables, long generation) {
        connection.writeStarting(tables);
        if (!scope.isEmpty() && session.inTransaction()) {
            TransactionState tx = session.transaction();
            tx.wrote(scope, generation);
            cluster.block(tx, scope);
        }
    }

    /**
     * After a statement returned or failed: invalidates its writes (at table level if the catalog changed since
     * {@code generation}, when their scope was worked out), then records its effects when it succeeded.
     */
    private void afterStatement(StatementInfo info, Set<String> scope, long generation, boolean succeeded,
                                PhysicalConnection target) {
        try {
            invalidateWrite(cluster.scopeSince(scope, generation));
            connection.writeFinished();
        } finally {
            session.statementReturned(info, succeeded);
            if (succeeded) {
                session.statementSucceeded(info, target);
                if (info.kind() == StatementKind.UNKNOWN) {
                    openedTransaction(scope, generation, target);
                }
                if (mayChangeCatalog(info)) {
                    // views, foreign keys and triggers may have changed: read them again, then drop what the new
                    // edges reach too
                    session.catalogMayHaveChanged(target, info.kind() == StatementKind.DDL,
                            info.kind() == StatementKind.UNKNOWN);
                    invalidateWrite(cluster.writeScope(info));
                }
            } else if (target != null && mayChangeCatalog(info)) {
                // it failed, yet may have changed the catalog first: a procedure that committed DDL and then raised,
                // DDL a server applied in part (MySQL's is not transactional) — in doubt, at the pace of calls
                session.catalogMayHaveChanged(target, false, info.kind() == StatementKind.UNKNOWN);
            }
        }
    }

    /**
     * A statement Cachet cannot see through (several statements in one string, say {@code BEGIN; UPDATE …}) may have
     * left a transaction open. Where the driver reports it (H2 turns auto-commit off until the transaction ends), its
     * writes become the transaction's, blocked until it ends.
     */
    private void openedTransaction(Set<String> scope, long generation, PhysicalConnection target) {
        if (session.inTransaction()) {
            return;
        }
        try {
            if (target.connection().getAutoCommit()) {
                return;
            }
        } catch (SQLException e) {
            return; // the connection is failing; the next statement will tell the application
        }
        session.transaction().begin(false);
        registerWrite(scope, scope, generation);
    }

    /**
     * DDL, and any statement Cachet cannot see through (unknown text, a call, an unknown function): any of them may
     * have created a view, trigger, rule or foreign key the next write must follow.
     */
    private boolean mayChangeCatalog(StatementInfo info) {
        StatementKind kind = info.kind();
        if (kind == StatementKind.DDL) {
            return !session.onlyTemporaryDdl(info);
        }
        return kind == StatementKind.UNKNOWN || info.writesAllTables();
    }

    private void invalidateWrite(Set<String> scope) {
        if (!scope.isEmpty()) {
            cluster.writes.increment();
            cluster.adaptive().write(scope);
            cluster.invalidate(scope, session.inTransaction() ? "write in transaction" : "autocommit write");
        }
    }

    /** A row change of an updatable result set on the real driver: {@code updateRow}, {@code insertRow}, ... */
    @FunctionalInterface
    interface RowWrite {
        void run() throws SQLException;
    }

    /**
     * Writes a row through an updatable result set of {@code info}'s query: a write to the tables the query reads,
     * invalidated afterwards together with what those tables reach now if the catalog changed meanwhile.
     */
    void writeRow(StatementInfo info, RowWrite write) throws SQLException {
        connection.enterCall();
        try {
            Set<String> scope = rowWriteScope(info);
            registerWrite(scope);
            try {
                write.run();
            } finally {
                invalidateWrite(union(scope, rowWriteScope(info)));
                connection.writeFinished();
            }
        } finally {
            connection.exitCall();
        }
    }

    private Set<String> rowWriteScope(StatementInfo info) {
        Set<String> read = info.tablesRead();
        return read.isEmpty() ? Cluster.ALL_TABLES : cluster.expand(read);
    }

    // ---------------------------------------------------------------- events

    private void event(StatementInfo info, Outcome outcome, NotCacheableReason reason, Route route, long start) {
        String detail = null;
        if (reason != null) {
            detail = reason == info.notCacheableReason() && info.notCacheableDetail() != null
                    ? info.notCacheableDetail() : reason.description();
        }
        cluster.fire(new ExecutionEvent(info.sql(), outcome, reason, detail, route, System.nanoTime() - start));
    }
}
