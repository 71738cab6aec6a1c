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
 * whether it must read it again because another instance changed it.
 *
 * <p>Everything read is one immutable {@link View}, replaced whole: a statement sees the dependencies and the keys of
 * one reading, and a notice from another instance ({@link #doubt}) and a reading never mix their fields. A notice puts
 * the view in doubt — no row keys, every write to every table — until a reading that <em>settles</em> it: one made
 * after the notice, on the primary, between transactions ({@link #settleIfDue}). A reading that began before a notice
 * is not installed; one that cannot settle (at a connection's opening, perhaps on a replica that has not replayed the
 * DDL; after DDL inside a transaction, under its snapshot) is not made while the view is in doubt.
 *
 * <p>Thread-safe: readings are serialized by one lock, held only while reading; notices never take it.
 */
final class ClusterCatalog {

    private static final Logger log = LoggerFactory.getLogger(ClusterCatalog.class);
    /** How long after a settling read could not reach the primary the next one may try. */
    private static final long SETTLE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * One reading of the catalog and the doubt cast on it since.
     *
     * @param dependencies null until first read
     * @param unknown      every write counts as a write to every table: the catalog could not be read, or is in doubt
     * @param rowScopes    the row keys trusted now
     * @param keysInDoubt  the keys trusted before a notice, compared with the settling read's; null when none
     * @param readDue      a notice asked for a settling read
     */
    private record View(TableDependencies dependencies, boolean unknown, RowScopes rowScopes, RowKeys keysInDoubt,
                        boolean readDue) {

        static final View UNREAD = new View(null, false, RowScopes.NONE, null, false);

        View doubted() {
            RowKeys trusted = rowScopes.keys();
            RowKeys doubt = keysInDoubt != null ? keysInDoubt : trusted.isEmpty() ? null : trusted;
            return new View(dependencies, true, RowScopes.NONE, doubt, true);
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
    /** Guarded by {@link #reading}. */
    private long settleRetryAt;

    ClusterCatalog(String clusterId, Dialect dialect, Map<String, Set<String>> configured,
                   Consumer<Set<String>> keysChanged) {
        this.clusterId = clusterId;
        this.dialect = dialect;
        this.configured = configured;
        this.keysChanged = keysChanged;
        this.settleRetryAt = System.nanoTime();
    }

    /** The probe user's connections for readings (first call wins); without one, application connections read. */
    void probe(Cluster.CatalogConnector connector) {
        synchronized (this) {
            if (probe == null) {
                probe = connector;
            }
        }
    }

    boolean readsElsewhere() {
        return probe != null;
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

    /** True when a notice waits for a settling read; one volatile read. */
    boolean readDue() {
        return view.get().readDue;
    }

    /** Reads at a connection's opening: when nothing was read yet or the last reading failed, and no notice waits. */
    void ensureRead(Connection physical) {
        View v = view.get();
        if (v.readDue || v.dependencies != null && !v.unknown) {
            return;
        }
        reading.lock();
        try {
            v = view.get();
            if (!v.readDue && (v.dependencies == null || v.unknown)) {
                read(physical, false);
            }
        } finally {
            reading.unlock();
        }
    }

    /** Reads again after DDL through this instance, unless a notice waits (its settling read covers this DDL too). */
    void readAgain(Connection physical) {
        reading.lock();
        try {
            read(physical, false);
        } finally {
            reading.unlock();
        }
    }

    /** Opens the primary connection for a settling read. */
    @FunctionalInterface
    interface PrimarySource {
        Connection primary() throws SQLException;
    }

    /**
     * Makes the settling read if a notice waits, no other connection is making it, and the primary did not fail to
     * answer less than a second ago; the caller runs between transactions. Returns whether it read.
     */
    boolean settleIfDue(PrimarySource source) {
        if (!view.get().readDue || !reading.tryLock()) {
            return false;
        }
        try {
            if (!view.get().readDue || System.nanoTime() - settleRetryAt < 0) {
                return false;
            }
            Connection primary = null;
            if (probe == null) {
                try {
                    primary = source.primary();
                } catch (SQLException | RuntimeException e) {
                    settleRetryAt = System.nanoTime() + SETTLE_RETRY_NANOS;
                    log.debug("Cachet cluster {}: no primary to read the catalog on ({})", clusterId, e.toString());
                    return false;
                }
            }
            if (!read(primary, true) && view.get().readDue) {
                settleRetryAt = System.nanoTime() + SETTLE_RETRY_NANOS;
            }
            return true;
        } finally {
            reading.unlock();
        }
    }

    /**
     * Another instance changed the catalog (or may have): in doubt until a settling read. Never blocks. Returns the
     * tables whose keys were trusted until now, whose look-ups the caller drops in process.
     */
    Set<String> doubt() {
        return view.getAndUpdate(View::doubted).rowScopes.keys().tables();
    }

    /**
     * One reading, through the probe user's connection when there is one, else {@code physical}; installed only if no
     * notice came meanwhile. Failure: every write to every table and no row keys, until a later reading. Returns
     * whether the catalog could be read.
     */
    private boolean read(Connection physical, boolean settles) {
        View start = view.get();
        if (start.readDue && !settles) {
            return false;
        }
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
        if (r == null && physical != null) {
            try {
                r = readOn(physical);
            } catch (SQLException | RuntimeException e) {
                log.warn("Cachet cluster {}: could not read table dependencies from the catalog ({}); every write will "
                        + "invalidate every cached result until they can be read", clusterId, e.toString());
            }
        }
        // keys not read keep the doubt (and a failed settling read its due) for the next reading to compare and settle
        RowKeys doubt = r != null && r.keys != null ? null : start.doubted().keysInDoubt;
        View next = r == null ? new View(TableDependencies.none(), true, RowScopes.NONE, doubt, start.readDue)
                : new View(r.dependencies, false, r.keys == null || r.keys.isEmpty() ? RowScopes.NONE
                        : new RowScopes(r.keys), doubt, false);
        if (!view.compareAndSet(start, next)) {
            return r != null; // a notice came during the reading, which may have run before the notice's DDL committed
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
