package dev.cachet.driver.jdbc;

import java.sql.Connection;
import java.util.HashSet;
import java.util.Set;

/**
 * The transaction a logical connection is in, tracked from the application's calls and the statements it runs
 * (never guessed from text at execute time): whether one is open, what it wrote, its isolation and read-only mode.
 *
 * <p>The object itself is the owner of the cache's transaction blocks (DESIGN §6). Not thread-safe.
 */
final class TransactionState {

    /** Opened by BEGIN / START TRANSACTION while auto-commit is on; ends at COMMIT / ROLLBACK. */
    private boolean explicit;
    /** Isolation set for the current transaction only (SET TRANSACTION ISOLATION LEVEL), or -1. */
    private int isolation = -1;
    /** Read-only set for the current transaction only (BEGIN READ ONLY, SET TRANSACTION READ ONLY). */
    private boolean readOnly;
    /** The expanded tables written in the transaction (what its end must invalidate). */
    private final Set<String> written = new HashSet<>();
    /** The tables of {@link #written}'s names: a row-precise write names rows, yet its transaction wrote the table. */
    private final Set<String> touched = new HashSet<>();
    private boolean writesAll;
    private boolean blocking;
    /** A modelled session setting changed inside the transaction (PostgreSQL undoes it on rollback). */
    private boolean sessionChanged;
    /** The catalog generation of the first write's scope (see {@link Cluster#scopeSince}). */
    private long catalogGeneration;

    /** True when the statements the connection runs now belong to a multi-statement transaction. */
    boolean open(SessionState session) {
        return explicit || !session.autoCommit();
    }

    void begin(boolean readOnly) {
        explicit = true;
        this.readOnly = readOnly;
    }

    void isolation(int level) {
        this.isolation = level;
    }

    void readOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** The isolation the current transaction runs at: its own, else the session's. */
    int isolation(SessionState session) {
        return isolation >= 0 ? isolation : session.isolation();
    }

    boolean readOnly(SessionState session) {
        return readOnly || session.readOnly();
    }

    /** True when the transaction's isolation makes it see a snapshot the cache cannot provide. */
    boolean snapshotIsolation(SessionState session) {
        int level = isolation(session);
        return level == Connection.TRANSACTION_REPEATABLE_READ || level == Connection.TRANSACTION_SERIALIZABLE;
    }

    /** Records a write; {@code scope} is expanded, {@link Cluster#ALL_TABLES} for every table. */
    /** Records a write of {@code scope}, worked out by the catalog of {@code generation}. */
    void wrote(Set<String> scope, long generation) {
        if (!blocking) {
            catalogGeneration = generation; // the first write's: generations only grow
        }
        blocking = true;
        if (scope == Cluster.ALL_TABLES) {
            writesAll = true;
        } else {
            for (String name : scope) {
                written.add(name);
                touched.add(RowScopes.tableOf(name));
            }
        }
    }

    void sessionChanged() {
        sessionChanged = true;
    }

    /** True when a rollback may have undone a session setting Cachet recorded. */
    boolean sessionChangedInside() {
        return sessionChanged;
    }

    boolean hasWritten() {
        return blocking;
    }

    boolean writesAll() {
        return writesAll;
    }

    /** True when the query reads a table this transaction wrote (or the transaction wrote everything). */
    boolean wroteAny(Set<String> tablesRead) {
        if (!blocking) {
            return false;
        }
        if (writesAll) {
            return true;
        }
        for (String t : tablesRead) {
            if (written.contains(t) || touched.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** What the end of the transaction must invalidate: a copy, or {@link Cluster#ALL_TABLES}. */
    Set<String> scope() {
        return writesAll ? Cluster.ALL_TABLES : Set.copyOf(written);
    }

    long catalogGeneration() {
        return catalogGeneration;
    }

    /** Forgets the transaction (it committed or rolled back). */
    void reset() {
        explicit = false;
        isolation = -1;
        readOnly = false;
        written.clear();
        touched.clear();
        writesAll = false;
        blocking = false;
        sessionChanged = false;
    }
}
