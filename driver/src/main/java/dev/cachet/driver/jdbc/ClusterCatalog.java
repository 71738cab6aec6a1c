package dev.cachet.driver.jdbc;

import dev.cachet.driver.catalog.RowKeys;
import dev.cachet.driver.catalog.TableDependencies;
import dev.cachet.parser.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one cluster read from its database's catalog — the tables' dependencies and row keys (DESIGN §5, §13) — and
 * whether that may be out of date.
 *
 * <p>Everything read is one immutable {@link View}, replaced whole: a statement sees the dependencies and the keys of
 * one reading, and a doubt ({@link #doubt}) and a reading never mix their fields. A doubt — another instance changed
 * the catalog, or this one did where a reading could not be trusted — means no row keys and every write to every
 * table, until a <em>settling</em> reading: on the primary, between transactions, begun after the doubt. Only such
 * readings are made and installed; where none can be made (a connection opening on a replica, DDL inside a
 * transaction, whose snapshot may predate another's DDL), the catalog is put in doubt instead, to be settled at the
 * next chance ({@link #settleIfDue}). A reading that a doubt overtook is not installed. A doubt raised only by statements
 * that may hide DDL (calls, functions Cachet does not know, strings it cannot see through) is settled no sooner than a
 * second after the last reading ({@link #mayHaveChanged}): an application may run them with every request.
 *
 * <p>Each change of the view counts one generation: a write whose scope was worked out in an older generation is
 * invalidated at table level ({@link #generation}).
 *
 * <p>Thread-safe: readings are serialized by one lock, held only while reading; doubts never take it.
 */
final class ClusterCatalog {

    private static final Logger log = LoggerFactory.getLogger(ClusterCatalog.class);
    /** The first wait after a settling reading found no primary; it doubles up to {@link #MAX_RETRY_NANOS}. */
    private static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * How long after the last reading a doubt that only statements which may hide DDL raised waits for its settling
     * reading: a reading is a dozen catalog queries (10–16 ms on loopback PostgreSQL with 21 tables), and an
     * application may make a call or use a function of its own with every request.
     */
    static final long POSSIBLE_CHANGE_SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * One reading of the catalog and the doubt cast on it since.
     *
     * @param dependencies null until first read
     * @param unknown      every write counts as a write to every table: the catalog could not be read, or is in doubt
     * @param rowScopes    the row keys trusted now
     * @param keysInDoubt  the keys trusted before a doubt, compared with the settling reading's; null when none
     * @param readDue      a settling reading is awaited
     * @param paced        the doubt was raised only by statements that may hide DDL: its settling reading keeps the
     *                     pace ({@link #POSSIBLE_CHANGE_SETTLE_NANOS})
     * @param generation   counts the views installed
     */
    private record View(TableDependencies dependencies, boolean unknown, RowScopes rowScopes, RowKeys keysInDoubt,
                        boolean readDue, boolean paced, long generation) {

        static final View UNREAD = new View(null, false, RowScopes.NONE, null, false, false, 0);

        /** In doubt of a certain change (DDL here or elsewhere): settled at the first chance. */
        View doubted() {
            return doubted(false);
        }

        /** In doubt of a possible change: paced, unless a doubt of a certain one is already awaiting its reading. */
        View doubtedPossibly() {
            return doubted(readDue ? paced : true);
        }

        private View doubted(boolean pace) {
            RowKeys trusted = rowScopes.keys();
            RowKeys doubt = keysInDoubt != null ? keysInDoubt : trusted.isEmpty() ? null : trusted;
            return new View(dependencies, true, RowScopes.NONE, doubt, true, pace, generation + 1);
        }
    }

    private final LongSupplier clock;
    private final String clusterId;
    private final Dialect dialect;
    private final Map<String, Set<String>> configured;
    /** Drops, in every tier, the results of the given tables (or of {@link #all}), for the given cause. */
    private final BiConsumer<Set<String>, String> invalidate;
    private final Set<String> all;
    private final AtomicReference<View> view = new AtomicReference<>(View.UNREAD);
    private final ReentrantLock reading = new ReentrantLock();
    private volatile Cluster.CatalogConnector probe;
    /** Set with {@link #probe} (before it, under its lock). */
    private volatile boolean probeOnPrimaryOnly;
    /** Guarded by {@link #reading}: when the probe user's connection may be tried again after it failed. */
    private long probeRetryAt;
    private long probeRetryNanos = FIRST_RETRY_NANOS;
    /** Guarded by {@link #reading}. */
    private boolean rowKeysRead;
    /** Guarded by {@link #reading}: when a settling reading may try again, and the wait after the next failure. */
    private long settleRetryAt;
    private long settleRetryNanos = FIRST_RETRY_NANOS;
    /** Guarded by {@link #reading}; read by tests. */
    private volatile long readings;
    /** When the last reading ended ({@link #clock}). */
    private volatile long lastReadingAt;

    ClusterCatalog(String clusterId, Dialect dialect, Map<String, Set<String>> configured,
                   BiConsumer<Set<String>, String> invalidate, Set<String> all) {
        this(clusterId, dialect, configured, invalidate, all, System::nanoTime);
    }

    /** As above, with {@code clock} (nanoseconds) for the waits between readings: a test's. */
    ClusterCatalog(String clusterId, Dialect dialect, Map<String, Set<String>> configured,
                   BiConsumer<Set<String>, String> invalidate, Set<String> all, LongSupplier clock) {
        this.clock = clock;
        this.clusterId = clusterId;
        this.dialect = dialect;
        this.configured = configured;
        this.invalidate = invalidate;
        this.all = all;
        this.settleRetryAt = clock.getAsLong();
        this.probeRetryAt = settleRetryAt;
        this.lastReadingAt = settleRetryAt - POSSIBLE_CHANGE_SETTLE_NANOS;
    }

    /**
     * The probe user's connections for readings (first call wins); without one, application connections read.
     * {@code primaryOnly}: the connector reaches the host routing takes for the primary, and a reading it finds on a
     * standby is not used.
     */
    synchronized void probe(Cluster.CatalogConnector connector, boolean primaryOnly) {
        if (probe == null) {
            probeOnPrimaryOnly = primaryOnly;
            probe = connector;
        }
    }

    /**
     * Expands written tables through the dependencies of one reading; {@code all} when one of them hides its effects,
     * or while the catalog could not be read or is in doubt.
     */
    Set<String> expand(Set<String> written, Set<String> all) {
        View v = view.get();
        TableDependencies deps = v.dependencies;
        if (deps == null || v.unknown) {
            return deps == null && !v.unknown ? written : all;
        }
        for (String table : written) {
            if (deps.writesEverything(table) || (dialect == Dialect.MYSQL && !deps.knows(table))) {
                // MySQL's information_schema lists only what the catalog reader's user may see: a table it did not
                // list may have triggers and cascades Cachet never saw
                return all;
            }
        }
        return deps.expand(written);
    }

    RowScopes rowScopes() {
        return view.get().rowScopes;
    }

    /** True when a settling reading is awaited; one volatile read. */
    boolean readDue() {
        return view.get().readDue;
    }

    /** The view's generation: a write scoped in an older one is invalidated at table level. */
    long generation() {
        return view.get().generation;
    }

    /**
     * At a connection's opening, when nothing was read yet or the last reading failed: reads on {@code physical}. A
     * reading on a replica ({@code settles} false) is used, since the primary is connected only when a statement
     * needs it, but awaits a settling reading too, compared with it as with a doubt's.
     */
    void ensureRead(Connection physical, boolean settles) {
        View v = view.get();
        if (v.readDue || v.dependencies != null && !v.unknown) {
            return;
        }
        reading.lock();
        try {
            v = view.get();
            if (!v.readDue && (v.dependencies == null || v.unknown)) {
                read(physical, !settles, true);
            }
        } finally {
            reading.unlock();
        }
    }

    /**
     * After a statement through this instance that changed the catalog ({@code certain}: DDL) or may have (a call, a
     * function Cachet does not know, a string it cannot see through). DDL: reads again on {@code physical} when that
     * reading settles (the primary, between transactions; it settles an awaited reading too), else puts the catalog in
     * doubt. The others: puts it in doubt, settled by the next reading between transactions no sooner than
     * {@link #POSSIBLE_CHANGE_SETTLE_NANOS} after the last one ({@link #mayHaveChanged}).
     */
    void changedHere(Connection physical, boolean settles, boolean certain) {
        if (!certain) {
            mayHaveChanged();
            return;
        }
        if (!settles) {
            doubt();
            return;
        }
        reading.lock();
        try {
            if (!read(physical, false, false)) {
                doubt();
            }
        } finally {
            reading.unlock();
        }
    }

    /**
     * Makes the settling reading if one is awaited, no other connection is making it, and no reading failed lately (a
     * second, doubling to 30 s while they fail); the caller runs between transactions, on {@code primary}, which is
     * read on when the probe user's connection cannot.
     */
    void settleIfDue(Connection primary) {
        View due = view.get();
        // a paced doubt is checked before the lock: every statement of every thread passes here while it lasts
        if (!due.readDue || due.paced && clock.getAsLong() - (lastReadingAt + POSSIBLE_CHANGE_SETTLE_NANOS) < 0
                || !reading.tryLock()) {
            return;
        }
        try {
            long now = clock.getAsLong();
            View v = view.get();
            if (!v.readDue || now - settleRetryAt < 0
                    || v.paced && now - (lastReadingAt + POSSIBLE_CHANGE_SETTLE_NANOS) < 0) {
                return;
            }
            boolean read = read(primary, false, true);
            if (read) {
                settleRetryNanos = FIRST_RETRY_NANOS;
            } else {
                settleRetryAt = clock.getAsLong() + settleRetryNanos;
                settleRetryNanos = Math.min(2 * settleRetryNanos, MAX_RETRY_NANOS);
            }
        } finally {
            reading.unlock();
        }
    }

    /**
     * The catalog may have changed where no settling reading could see it (another instance's DDL; this instance's
     * inside a transaction): no row keys and every write to every table until one does. Never blocks. Returns the
     * tables whose keys were trusted until now.
     */
    Set<String> doubt() {
        return view.getAndUpdate(View::doubted).rowScopes.keys().tables();
    }

    /**
     * A statement of this instance may have changed the catalog: in doubt as for {@link #doubt}, but a doubt raised by
     * such statements alone is settled no sooner than {@link #POSSIBLE_CHANGE_SETTLE_NANOS} after the last reading,
     * so that an application calling a procedure with every request does not read the catalog with each. The doubt
     * keeps every write a write to every table meanwhile, as any doubt does.
     */
    void mayHaveChanged() {
        view.getAndUpdate(View::doubtedPossibly);
    }

    /**
     * One reading, through the probe user's connection when there is one, else on {@code physical}'s; installed only
     * if no doubt came meanwhile. {@code provisional}: used, but still awaiting a settling reading. A catalog that
     * cannot be read leaves every write to every table and no row keys, still awaiting a reading. Returns whether the
     * catalog was read.
     */
    private boolean read(Connection physical, boolean provisional, boolean idle) {
        readings++;
        try {
            return readOnce(physical, provisional, idle);
        } finally {
            lastReadingAt = clock.getAsLong();
        }
    }

    /** How many readings were made, read or failed. */
    long readings() {
        return readings;
    }

    private boolean readOnce(Connection physical, boolean provisional, boolean idle) {
        View start = view.get();
        Reading r = null;
        Cluster.CatalogConnector p = probe;
        if (p != null && clock.getAsLong() - probeRetryAt >= 0) {
            try (Connection c = p.open()) {
                if (standby(c)) {
                    // routing has not seen a failover yet: the host it names may be back as a standby
                    throw new SQLException("the probe user's host is a standby");
                }
                r = readOn(c);
                probeRetryNanos = FIRST_RETRY_NANOS;
            } catch (SQLException | RuntimeException e) {
                // a probe host that is gone (its URL names the primary of before a failover) would hold every reading
                probeRetryAt = clock.getAsLong() + probeRetryNanos;
                probeRetryNanos = Math.min(2 * probeRetryNanos, MAX_RETRY_NANOS);
                log.warn("Cachet cluster {}: the probe user could not read the catalog ({}); reading it as the "
                        + "application's user", clusterId, e.toString());
            }
        }
        if (r == null) {
            try {
                r = readOn(physical);
            } catch (SQLException | RuntimeException e) {
                log.warn("Cachet cluster {}: could not read table dependencies from the catalog ({}); every write "
                        + "will invalidate every cached result until they can be read", clusterId, e.toString());
            }
            if (idle) {
                endTransactionBegunBy(physical);
            }
        }
        // keys not read keep the doubt, and a failed reading the wait, for the next reading to compare and settle
        RowKeys doubt = r != null && r.keys != null ? null : start.doubted().keysInDoubt;
        if (provisional && r != null && r.keys != null && !r.keys.isEmpty()) {
            doubt = r.keys; // the settling reading compares its keys with these
        }
        View next = r == null
                ? new View(start.dependencies != null ? start.dependencies : TableDependencies.none(), true,
                        RowScopes.NONE, doubt, true, false, start.generation + 1)
                : new View(r.dependencies, false, r.keys == null || r.keys.isEmpty() ? RowScopes.NONE
                        : new RowScopes(r.keys), doubt, provisional || r.keys == null, false, start.generation + 1);
        if (!view.compareAndSet(start, next)) {
            return r != null; // a doubt came during the reading, which may have run before its cause committed
        }
        if (r != null && (start.unknown || start.readDue) && start.dependencies != null
                && !start.dependencies.sameEdges(r.dependencies)) {
            // writes made in doubt's moment before it was known (another instance's DDL) followed the old edges
            invalidate.accept(all, "dependencies changed");
        }
        if (r != null && r.keys != null) {
            if (rowKeysRead) {
                // a look-up cached under a table's old key names rows by slots that writes by the new key never bump
                Set<String> changed = new HashSet<>();
                changedKeys(start.rowScopes.keys(), r.keys, changed);
                if (start.keysInDoubt != null) {
                    changedKeys(start.keysInDoubt, r.keys, changed);
                }
                if (!changed.isEmpty()) {
                    invalidate.accept(Set.copyOf(changed), "row keys changed");
                }
            }
            rowKeysRead = true;
        }
        return r != null;
    }

    /**
     * Ends a transaction the reading began on an application connection with auto-commit off: nothing of the
     * application's ran in it ({@code idle} readings only), and it must not stay open.
     */
    private static void endTransactionBegunBy(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException e) {
            // the connection is failing; the application's next statement on it will say so
        }
    }

    /** The dependencies and row keys read on one connection; {@code keys} null when they could not be read. */
    private record Reading(TableDependencies dependencies, RowKeys keys) {
    }

    /**
     * Whether {@code c}, a probe connection of a cluster with replicas, is on a PostgreSQL standby — whose catalog
     * replays the primary's with a lag — as the host routing takes for the primary can be in the moment after a
     * failover. Elsewhere no failover moves the primary: never asked.
     */
    private boolean standby(Connection c) throws SQLException {
        if (!probeOnPrimaryOnly || dialect != Dialect.POSTGRESQL) {
            return false;
        }
        try (java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * Reads dependencies, then row keys, on {@code c}; row keys that cannot be read leave writes table level. Throws
     * when the dependencies cannot be read.
     */
    private Reading readOn(Connection c) throws SQLException {
        TableDependencies deps = TableDependencies.read(c, dialect, configured);
        try {
            return new Reading(deps, RowKeys.read(c, dialect).retain(deps::isolated));
        } catch (SQLException | RuntimeException e) {
            log.warn("Cachet cluster {}: could not read the tables' keys from the catalog ({}); writes invalidate whole "
                    + "tables", clusterId, e.toString());
            return new Reading(deps, null);
        }
    }

    private static void changedKeys(RowKeys before, RowKeys now, Set<String> changed) {
        for (String t : before.tables()) {
            if (now.get(t) == null || !now.get(t).toString().equals(before.get(t).toString())) {
                changed.add(t);
            }
        }
    }
}
