package dev.cachet.driver.jdbc;

import dev.cachet.cache.SessionKey;
import dev.cachet.parser.Dialect;
import dev.cachet.parser.SessionEffect;
import dev.cachet.parser.StatementInfo;
import dev.cachet.parser.StatementKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * The session and transaction of one {@link CachetConnection} as Cachet models them — session state, open
 * transaction, temporary tables, the cache key's session part — and what the application's statements and JDBC calls
 * do to them, including the invalidation and block release at a transaction's end (DESIGN §6).
 *
 * <p>The execution pipeline reads it on every statement, so it holds its state in plain fields. Not thread-safe: used
 * under the logical connection's discipline (one thread at a time, as JDBC expects).
 */
final class LogicalSession {

    private final CachetConnection owner;
    private final Cluster cluster;
    private final Dialect dialect;
    private final String originalUser;
    /** The rendering-relevant real driver options of this connection, part of every cache key (see SessionKey). */
    private final String driverOptions;
    private final TransactionState transaction = new TransactionState();

    private SessionState state;
    /** The key's session part for the current session state; null when it must be rebuilt. */
    private SessionKey key;
    /** See {@link #namespaceChanges()}. */
    private int namespaceChanges;
    /** Set when a transaction left open at close could not be rolled back: its blocks lapse by themselves. */
    private boolean blocksOutliveConnection;
    /** Set by a session change Cachet does not model: no caching until RESET ALL / DISCARD ALL or close. */
    private boolean unmodelled;
    /**
     * Set when a search_path or time zone reached a physical connection as SQL (SET search_path, SET TIME ZONE), which
     * a pool does not see: the physical connections are reset before they are released (see
     * {@link CachetConnection#clearWarnings}).
     */
    private boolean sqlSettings;
    /** A statement that may have changed the catalog ran in the open transaction: the other instances learn at its end. */
    private boolean catalogChangeToAnnounce;
    /** Whether that statement was DDL (told at once) rather than one that only may hold DDL. */
    private boolean catalogChangeCertain;
    /**
     * A string Cachet cannot see through ran under auto-commit since the last transaction end: it may have left a
     * transaction open that Cachet did not see ({@code BEGIN; …}), so no catalog reading runs on this connection.
     */
    private boolean unseenTransactionMayBeOpen;
    /** Temporary tables this connection created (canonical names); their reads are never cached. */
    private Set<String> temporaryTables;

    LogicalSession(CachetConnection owner, Cluster cluster, SessionState opened, String driverOptions) {
        this.owner = owner;
        this.cluster = cluster;
        this.dialect = cluster.dialect();
        this.state = opened;
        this.originalUser = opened.user();
        this.driverOptions = driverOptions;
    }

    // ---------------------------------------------------------------- state used by the pipeline and routing

    SessionState state() {
        return state;
    }

    TransactionState transaction() {
        return transaction;
    }

    boolean inTransaction() {
        return transaction.open(state);
    }

    boolean unmodelled() {
        return unmodelled;
    }

    /**
     * Whether a replica connection can run as this session's user: always on PostgreSQL, where {@code SET SESSION
     * AUTHORIZATION} is applied to every physical connection; elsewhere only while the session user is the login user
     * (DESIGN §2, §11: a replica never runs a read as another user than the primary would).
     */
    boolean userReplayable() {
        return dialect == Dialect.POSTGRESQL || java.util.Objects.equals(state.user(), originalUser);
    }

    boolean readsTemporaryTable(Set<String> tablesRead) {
        if (temporaryTables == null || temporaryTables.isEmpty()) {
            return false;
        }
        for (String t : tablesRead) {
            if (temporaryTables.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /** The cache key's session part, built once per session state (catalog and schema read once if never set). */
    SessionKey key() throws SQLException {
        SessionKey k = key;
        if (k == null) {
            SessionState s = state;
            PhysicalConnection lead = owner.physical.lead();
            boolean inSync = lead.applied() == s;
            if (s.catalog() == null) {
                s = s.withCatalog(lead.connection().getCatalog());
            }
            if (s.schema() == null) {
                s = s.withSchema(lead.connection().getSchema());
            }
            state = s;
            if (inSync) {
                lead.applied(s);
            }
            k = SessionKey.of(s.user(), s.catalog(), s.schema(), s.role(), s.timeZone(), dialect.name(),
                    driverOptions);
            key = k;
        }
        return k;
    }

    /**
     * A statement that may have changed the catalog succeeded on {@code target}: {@code ddl}, or one that may hide DDL —
     * a string Cachet cannot see through ({@code opaque}), a call, an unknown function. After DDL the cluster reads its
     * catalog again now if that reading can be trusted — under auto-commit, on the primary, outside any transaction
     * Cachet may not have seen — else counts every write as a write to every table until one can; after the others it
     * does the latter, with a reading at most once a second ({@link ClusterCatalog#changedHere}). Its
     * other instances are told once the change has committed: of DDL at once, of the rest at most once a heartbeat.
     */
    void catalogMayHaveChanged(PhysicalConnection target, boolean ddl, boolean opaque) {
        boolean outside = !inTransaction();
        if (outside && opaque) {
            unseenTransactionMayBeOpen = true;
        }
        cluster.catalogChangedHere(target.connection(), outside && !unseenTransactionMayBeOpen(target), ddl);
        if (!outside && dialect != Dialect.MYSQL) {
            // the other instances could not see it before it commits (MySQL's DDL commits by itself)
            announceAtEnd(ddl);
        } else {
            cluster.catalogChanged(ddl);
            if (opaque) {
                // the string may have begun a transaction Cachet did not see (BEGIN; ALTER …): told again when a
                // transaction of this connection ends, in case the DDL committed only then
                announceAtEnd(false);
            }
        }
    }

    private void announceAtEnd(boolean certain) {
        catalogChangeToAnnounce = true;
        catalogChangeCertain |= certain;
    }

    /**
     * True while a transaction Cachet did not see may be open on {@code primary}, this connection's primary connection,
     * where such strings run (see {@link #catalogMayHaveChanged}): until a transaction of this connection ends, or the
     * real driver reports none open.
     */
    boolean unseenTransactionMayBeOpen(PhysicalConnection primary) {
        if (unseenTransactionMayBeOpen && primary.reportsNoTransaction(dialect)) {
            unseenTransactionMayBeOpen = false;
        }
        return unseenTransactionMayBeOpen;
    }

    /**
     * Counts changes of user, catalog, schema or role. A statement prepared before one may still name the tables it
     * resolved then (H2 resolves names when it prepares), so it runs uncached after one.
     */
    int namespaceChanges() {
        return namespaceChanges;
    }

    /** The session state is now {@code next} (a JDBC call or a statement changed it). */
    void changed(SessionState next) {
        if (next != state) {
            SessionState s = state;
            if (!java.util.Objects.equals(next.user(), s.user()) || !java.util.Objects.equals(next.catalog(), s.catalog())
                    || !java.util.Objects.equals(next.schema(), s.schema())
                    || !java.util.Objects.equals(next.role(), s.role())) {
                namespaceChanges++;
            }
            state = next;
            key = null;
        }
    }

    /** A search_path or time zone reached a physical connection as SQL, unseen by its pool. */
    void sqlSettingApplied() {
        sqlSettings = true;
    }

    // ---------------------------------------------------------------- effects of statements

    /**
     * Applies what a statement that ran successfully on {@code where} did to the session and transaction state: its
     * session effect, the temporary tables it created or dropped.
     */
    void statementSucceeded(StatementInfo info, PhysicalConnection where) {
        SessionEffect effect = info.sessionEffect();
        if (effect != null) {
            apply(effect);
            if (effect.type() == SessionEffect.Type.UNMODELLED) {
                adoptAutoCommit(where);
            }
            where.applied(state);
        }
        Set<String> created = info.temporaryTablesCreated();
        if (!created.isEmpty()) {
            if (temporaryTables == null) {
                temporaryTables = new HashSet<>();
            }
            temporaryTables.addAll(created);
        }
        if (temporaryTables != null && !info.tablesDropped().isEmpty()) {
            temporaryTables.removeAll(info.tablesDropped());
        }
    }

    /**
     * An unmodelled session statement may have changed auto-commit too ({@code SET autocommit = 0, sql_mode = ''}):
     * where the driver knows the server's mode (MariaDB, MySQL), Cachet's transaction tracking follows it.
     */
    private void adoptAutoCommit(PhysicalConnection where) {
        boolean real;
        try {
            real = where.connection().getAutoCommit();
        } catch (SQLException e) {
            return; // the connection is failing; the next statement will tell the application
        }
        if (real != state.autoCommit()) {
            if (real && inTransaction()) {
                autoCommitTurnedOn(true);
            }
            changed(state.withAutoCommit(real));
        }
    }

    /**
     * A statement returned or failed, before its effects are applied: inside a transaction, a string Cachet cannot see
     * through may have committed it ({@code UPDATE …; COMMIT}) whatever its outcome, and a failed one that commits
     * ({@code COMMIT}, auto-commit set on, an unmodelled setting) may have committed all the same.
     */
    void statementReturned(StatementInfo info, boolean succeeded) {
        if (!inTransaction()) {
            return;
        }
        SessionEffect effect = info.sessionEffect();
        boolean commits = info.kind() == StatementKind.UNKNOWN || !succeeded && effect != null
                && (effect.type() == SessionEffect.Type.COMMIT || effect.type() == SessionEffect.Type.UNMODELLED
                        || effect.type() == SessionEffect.Type.SET_AUTOCOMMIT && Boolean.parseBoolean(effect.value()));
        if (commits) {
            commitMayHaveHappened();
        }
    }

    /** True when the statement only created or dropped this connection's temporary tables. */
    boolean onlyTemporaryDdl(StatementInfo info) {
        if (!info.temporaryTablesCreated().isEmpty()) {
            return true;
        }
        return temporaryTables != null && !info.tablesDropped().isEmpty()
                && temporaryTables.containsAll(info.tablesDropped());
    }

    private void apply(SessionEffect effect) {
        String value = effect.value();
        switch (effect.type()) {
            case SET_SESSION_ISOLATION, SET_SESSION_READ_ONLY, SET_SCHEMA, USE_CATALOG, SET_ROLE, RESET_ROLE,
                    SET_SESSION_AUTHORIZATION, SET_TIME_ZONE -> {
                settingChangedInTransaction();
            }
            default -> {
            }
        }
        switch (effect.type()) {
            case BEGIN, BEGIN_READ_ONLY -> {
                transaction.begin(effect.type() == SessionEffect.Type.BEGIN_READ_ONLY);
                if (value != null) {
                    // BEGIN ISOLATION LEVEL …: this transaction's own level; one Cachet cannot read bypasses the cache
                    int level = isolationLevel(value);
                    transaction.isolation(level < 0 ? Connection.TRANSACTION_SERIALIZABLE : level);
                }
            }
            case COMMIT -> endTransaction("commit");
            case ROLLBACK -> endTransaction("rollback");
            case ROLLBACK_TO_SAVEPOINT -> rolledBackToSavepoint();
            case SAVEPOINT, RELEASE_SAVEPOINT, HARMLESS -> {
            }
            case SET_AUTOCOMMIT -> {
                boolean on = Boolean.parseBoolean(value);
                if (on && inTransaction()) {
                    autoCommitTurnedOn(!state.autoCommit());
                }
                changed(state.withAutoCommit(on));
            }
            case SET_TRANSACTION_ISOLATION -> {
                int level = isolationLevel(value);
                if (level < 0) {
                    unmodelled = true;
                } else {
                    transaction.isolation(level);
                }
            }
            case SET_SESSION_ISOLATION -> {
                int level = isolationLevel(value);
                if (level < 0) {
                    unmodelled = true;
                } else {
                    changed(state.withIsolation(level));
                }
            }
            case SET_TRANSACTION_READ_ONLY -> transaction.readOnly(Boolean.parseBoolean(value));
            case SET_SESSION_READ_ONLY -> changed(state.withReadOnly(Boolean.parseBoolean(value)));
            case SET_SCHEMA -> {
                sqlSettings = true;
                changed(state.withSchema(value));
            }
            case USE_CATALOG -> changed(state.withCatalog(value));
            case SET_ROLE -> changed(state.withRole(value));
            case RESET_ROLE -> changed(state.withRole(null));
            case SET_SESSION_AUTHORIZATION -> changed(state.withRole(null).withUser(
                    value == null || value.equalsIgnoreCase("default") ? originalUser : value));
            case SET_TIME_ZONE -> {
                sqlSettings = true;
                changed(state.withTimeZone(value));
            }
            case RESET_ALL -> {
                unmodelled = false;
                // the server's defaults are read again when the key is next built
                changed(state.withSchema(null).withTimeZone(null).withRole(null));
            }
            case DISCARD_ALL -> {
                unmodelled = false;
                if (temporaryTables != null) {
                    temporaryTables.clear();
                }
                changed(state.withSchema(null).withTimeZone(null).withRole(null).withUser(originalUser));
            }
            case UNMODELLED -> unmodelled = true;
        }
    }

    private static int isolationLevel(String value) {
        if (value == null) {
            return -1;
        }
        return switch (value.trim().toUpperCase(java.util.Locale.ROOT).replace('_', ' ')) {
            case "READ UNCOMMITTED" -> Connection.TRANSACTION_READ_UNCOMMITTED;
            case "READ COMMITTED" -> Connection.TRANSACTION_READ_COMMITTED;
            case "REPEATABLE READ" -> Connection.TRANSACTION_REPEATABLE_READ;
            case "SERIALIZABLE", "SNAPSHOT" -> Connection.TRANSACTION_SERIALIZABLE;
            default -> -1;
        };
    }

    // ---------------------------------------------------------------- transaction ends

    /**
     * What the transaction wrote, at table level (and through the current dependencies) when the catalog changed
     * since its first write: its row slots and expansions came from a reading that may miss what it changed.
     */
    private Set<String> writtenScope() {
        return cluster.scopeSince(transaction.scope(), transaction.catalogGeneration());
    }

    /**
     * Ends the current transaction in Cachet's books: invalidates what it wrote (again) and releases its blocks
     * (DESIGN §6). Called after commit, rollback, auto-commit turned on, close and abort.
     */
    void endTransaction(String cause) {
        if (cause.equals("rollback") && transaction.sessionChangedInside()) {
            // PostgreSQL undoes SET inside a rolled-back transaction: what Cachet recorded may no longer hold
            unmodelled = true;
        }
        unseenTransactionMayBeOpen = false;
        if (catalogChangeToAnnounce) {
            // whatever the cause: a commit whose answer was lost may have made it, and a needless notice costs a
            // reading. This instance doubts too: a reading another connection made before the commit saw none of it
            catalogChangeToAnnounce = false;
            cluster.doubtCatalog(catalogChangeCertain); // a call in a transaction: read at the pace of calls
            cluster.catalogChanged(catalogChangeCertain);
            catalogChangeCertain = false;
        }
        try {
            if (transaction.hasWritten()) {
                try {
                    cluster.invalidate(writtenScope(), cause);
                } finally {
                    cluster.releaseBlocks(transaction);
                }
            }
        } finally {
            ConnectionRouting routing = owner.routing();
            if (routing != null) {
                routing.transactionEnded(cause.equals("commit"));
            }
        }
        transaction.reset();
    }

    /**
     * Auto-commit set on inside a transaction. A change of mode commits it. Set to what it already is, inside a
     * transaction begun by SQL, some drivers do nothing (pgjdbc) and the transaction stays open: its writes are
     * invalidated in case it committed, but stay blocked until it ends by COMMIT, ROLLBACK or close.
     */
    void autoCommitTurnedOn(boolean modeChanged) {
        if (modeChanged) {
            endTransaction("commit");
        } else {
            commitMayHaveHappened();
            if (transaction.hasWritten()) {
                cluster.invalidate(writtenScope(), "commit");
            }
        }
    }

    /**
     * A commit may have happened though the transaction is still open in Cachet's books (a commit that failed, its
     * answer perhaps lost; a string Cachet cannot see through, which may hold a {@code COMMIT}): however it ends,
     * read-your-writes counts its writes as committed.
     */
    void commitMayHaveHappened() {
        ConnectionRouting routing = owner.routing();
        if (routing != null) {
            routing.commitMayHaveHappened();
        }
        if (catalogChangeToAnnounce) {
            cluster.catalogChanged(catalogChangeCertain); // again at the transaction's end
        }
    }

    /** PostgreSQL (and, to be safe, an unknown database) undoes SET on rollback; note a change made in a transaction. */
    void settingChangedInTransaction() {
        if ((dialect == Dialect.POSTGRESQL || dialect == Dialect.GENERIC) && inTransaction()) {
            transaction.sessionChanged();
        }
    }

    void rolledBackToSavepoint() {
        if (transaction.sessionChangedInside()) {
            unmodelled = true;
        }
        if (transaction.hasWritten()) {
            cluster.invalidate(writtenScope(), "rollback to savepoint");
        }
    }

    /**
     * After {@code commit()} or {@code rollback()}: success ends the transaction. A failure may or may not have ended
     * it (a connection lost after the commit was sent may have committed; pgjdbc refuses both under auto-commit and
     * leaves a transaction begun by SQL open), so its writes are invalidated but stay blocked until it is known to
     * have ended — by a later commit, rollback, close or abort.
     */
    void transactionCallReturned(boolean succeeded, String cause) {
        if (succeeded) {
            endTransaction(cause);
            return;
        }
        if (cause.equals("commit")) {
            commitMayHaveHappened();
        }
        if (transaction.hasWritten()) {
            cluster.invalidate(writtenScope(), cause);
        }
    }

    // ---------------------------------------------------------------- release

    /** True on PostgreSQL when the role, the session user or an unmodelled setting was changed through SQL. */
    boolean sqlStateSet() {
        return dialect == Dialect.POSTGRESQL
                && (state.role() != null || unmodelled || !java.util.Objects.equals(state.user(), originalUser));
    }

    /**
     * Before the physical connections are released — closed, or returned to the pool a wrapped DataSource borrowed
     * them from ({@code pooled}), where the next logical connection would take them as they are: rolls back a
     * transaction left open (as closing a real connection would; HikariCP does not roll back a transaction begun by
     * SQL under auto-commit, and the next borrower would commit its writes later, unseen by Cachet), then resets what
     * {@link #sqlStateSet()} covers (its cache keys would otherwise be wrong). Best effort: a failure here never
     * keeps the connection from closing; a transaction that could not be rolled back keeps its blocks until they lapse
     * ({@code cachet.transactionBlockTimeout}).
     */
    void beforeRelease(boolean pooled) {
        if (inTransaction()) {
            if (!pooled || owner.physical.rollBackLeftOpen(state.autoCommit())) {
                // closing a real connection rolls its transaction back
                endTransaction("rollback");
            } else {
                if (transaction.hasWritten()) {
                    cluster.invalidate(writtenScope(), "connection closed");
                }
                blocksOutliveConnection = transaction.hasWritten();
            }
        }
        if (sqlStateSet() || (pooled && sqlSettings && dialect == Dialect.POSTGRESQL)) {
            try {
                resetSql();
            } catch (SQLException | RuntimeException e) {
                // the real close that follows decides what the application sees
            }
        }
    }

    /**
     * Resets every physical connection's role, session user and settings; the schema and time zone this session
     * keeps are applied again before its next statement.
     */
    void resetSql() throws SQLException {
        SessionState reset = state.withRole(null).withUser(originalUser);
        // RESET ALL also reset search_path and the time zone: the next sync applies the kept ones again
        SessionState physicalState = reset.withSchema(null).withTimeZone(null);
        owner.physical.resetSql(physicalState);
        unmodelled = false;
        sqlSettings = false;
        changed(reset);
    }

    /** The logical connection was closed or aborted: its transaction ends in Cachet's books. */
    void connectionEnded() {
        if (blocksOutliveConnection) {
            transaction.reset(); // its blocks lapse by themselves; nothing may fill their tables before
        }
        endTransaction("connection closed");
    }
}
