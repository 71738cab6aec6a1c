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
import java.util.function.Consumer;
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
 * next chance ({@link #settleIfDue}). A reading that a doubt overtook is not installed.
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
     * One reading of the catalog and the doubt cast on it since.
     *
     * @param dependencies null until first read
     * @param unknown      every write counts as a write to every table: the catalog could not be read, or is in doubt
     * @param rowScopes    the row keys trusted now
     * @param keysInDoubt  the keys trusted before a doubt, compared with the settling reading's; null when none
     * @param readDue      a settling reading is awaited
     * @param generation   counts the views installed
     */
    private record View(TableDependencies dependencies, boolean unknown, RowScopes rowScopes, RowKeys keysInDoubt,
                        boolean readDue, long generation) {

        static final View UNREAD = new View(null, false, RowScopes.NONE, null, false, 0);

        View doubted() {
            RowKeys trusted = rowScopes.keys();
            RowKeys doubt = keysInDoubt != null ? keysInDoubt : trusted.isEmpty() ? null : trusted;
            return new View(dependencies, true, RowScopes.NONE, doubt, true, generation + 1);
        }
    }

    private final String clusterId;
    private final Dialect dialect;
    private final Map<String, Set<String>> configured;
    /** Drops, in every tier, the results of tables whose key a reading found changed. */
    private final Consumer<Set<String>> keysChanged;
    private final AtomicReference<View> view = new AtomicReference<>(View.UNREAD);
    private final ReentrantLock reading = new ReentrantLock();
    private volatile Cluster.CatalogConnector probe;
    /** Guarded by {@link #reading}. */
    private boolean rowKeysRead;
    /** Guarded by {@link #reading}: when a settling reading may try again, and the wait after the next failure. */
    private long settleRetryAt;
    private long settleRetryNanos = FIRST_RETRY_NANOS;

    ClusterCatalog(String clusterId, Dialect dialect, Map<String, Set<String>> configured,
                   Consumer<Set<String>> keysChanged) {
        this.clusterId = clusterId;
        this.dialect = dialect;
        this.configured = configured;
        this.keysChanged = keysChanged;
        this.settleRetryAt = System.nanoTime();
    }

    /** The probe user's connections for readings (first call wins); without one, application connections read. */
    synchronized void probe(Cluster.CatalogConnector connector) {
        if (probe == null) {
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
                read(() -> physical, !settles);
            }
        } finally {
            reading.unlock();
        }
    }

    /**
     * After a statement through this instance that may have changed the catalog: reads again on {@code physical} when
     * that reading settles (the primary, between transactions), else puts the catalog in doubt.
     */
    void changedHere(Connection physical, boolean settles) {
        if (!settles || view.get().readDue) {
            doubt(); // a doubt already waiting is settled by a reading that covers this change too
            return;
        }
        reading.lock();
        try {
            if (!read(() -> physical, false)) {
                doubt();
            }
        } finally {
            reading.unlock();
        }
    }

    /** Opens the primary connection for a settling reading. */
    @FunctionalInterface
    interface PrimarySource {
        Connection primary() throws SQLException;
    }

    /**
     * Makes the settling reading if one is awaited, no other connection is making it, and no reading failed lately (a
     * second, doubling to 30 s while they fail); the caller runs between transactions. {@code source} is asked for the
     * primary only when the probe user's connection cannot read.
     */
    void settleIfDue(PrimarySource source) {
        if (!view.get().readDue || !reading.tryLock()) {
            return;
        }
        try {
            if (!view.get().readDue || System.nanoTime() - settleRetryAt < 0) {
                return;
            }
            boolean read = read(() -> {
                try {
                    return source.primary();
                } catch (SQLException | RuntimeException e) {
                    log.debug("Cachet cluster {}: no primary to read the catalog on ({})", clusterId, e.toString());
                    return null;
                }
            }, false);
            if (read) {
                settleRetryNanos = FIRST_RETRY_NANOS;
            } else {
                settleRetryAt = System.nanoTime() + settleRetryNanos;
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

    /** A connection to read on, null when there is none. */
    @FunctionalInterface
    private interface Source {
        Connection get();
    }

    /**
     * One reading, through the probe user's connection when there is one, else on {@code physical}'s; installed only
     * if no doubt came meanwhile. {@code provisional}: used, but still awaiting a settling reading. A catalog that
     * cannot be read leaves every write to every table and no row keys, still awaiting a reading. Returns whether the
     * catalog was read.
     */
    private boolean read(Source physical, boolean provisional) {
        View start = view.get();
        Reading r = null;
        Cluster.CatalogConnector p = probe;
        if (p != null) {
            try (Connection c = p.open()) {
                r = readOn(c);
            } catch (SQLException | RuntimeException e) {
                log.warn("Cachet cluster {}: the probe user could not read the catalog ({}); reading it as the "
                        + "application's user", clusterId, e.toString());
            }
        }
        if (r == null) {
            Connection c = physical.get();
            if (c != null) {
                try {
                    r = readOn(c);
                } catch (SQLException | RuntimeException e) {
                    log.warn("Cachet cluster {}: could not read table dependencies from the catalog ({}); every write "
                            + "will invalidate every cached result until they can be read", clusterId, e.toString());
                }
            }
        }
        // keys not read keep the doubt, and a failed reading the wait, for the next reading to compare and settle
        RowKeys doubt = r != null && r.keys != null ? null : start.doubted().keysInDoubt;
        if (provisional && r != null && r.keys != null && !r.keys.isEmpty()) {
            doubt = r.keys; // the settling reading compares its keys with these
        }
        View next = r == null
                ? new View(start.dependencies != null ? start.dependencies : TableDependencies.none(), true,
                        RowScopes.NONE, doubt, true, start.generation + 1)
                : new View(r.dependencies, false, r.keys == null || r.keys.isEmpty() ? RowScopes.NONE
                        : new RowScopes(r.keys), doubt, provisional, start.generation + 1);
        if (!view.compareAndSet(start, next)) {
            return r != null; // a doubt came during the reading, which may have run before its cause committed
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
                    keysChanged.accept(Set.copyOf(changed));
                }
            }
            rowKeysRead = true;
        }
        return r != null;
    }

    /** The dependencies and row keys read on one connection; {@code keys} null when they could not be read. */
    private record Reading(TableDependencies dependencies, RowKeys keys) {
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
