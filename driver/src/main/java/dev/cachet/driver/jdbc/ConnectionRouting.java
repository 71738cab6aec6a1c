package dev.cachet.driver.jdbc;

import dev.cachet.driver.Route;
import dev.cachet.driver.routing.Lsn;
import dev.cachet.driver.routing.ReadYourWrites;
import dev.cachet.driver.routing.ReplicaRouter;
import dev.cachet.driver.routing.ReplicaState;
import dev.cachet.parser.NotCacheableReason;
import dev.cachet.parser.StatementInfo;
import dev.cachet.parser.StatementKind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing of one logical connection (DESIGN §9): which physical connection runs each statement, the replica
 * connections it opened (lazily, kept until it closes), the physical connection its current transaction is pinned
 * to, and the read-your-writes reports of its writes.
 *
 * <ul>
 *   <li>An autocommit read that may run anywhere goes to a replica the {@link ReplicaRouter} allows for the tables it
 *       reads; when the replica fails before a row reached the application, the read runs again on another replica
 *       or the primary.</li>
 *   <li>A JDBC transaction (auto-commit off) is pinned at its first statement: a read-only one to a replica that has
 *       replayed every write the cluster recorded, anything else to the primary; it stays there to its end.</li>
 *   <li>Everything else runs on the primary physical connection.</li>
 * </ul>
 * Not thread-safe: used under its logical connection's discipline.
 */
final class ConnectionRouting {

    private static final Logger log = LoggerFactory.getLogger(ConnectionRouting.class);

    private final CachetConnection connection;
    private final ClusterRouting cluster;
    /**
     * Opens this logical connection's physical connections, with its own credentials and driver properties; null for a
     * connection opened without replicas in a cluster that has them (a wrapped DataSource without replicas, a URL
     * without {@code cachet.replicas} naming the same {@code cachet.cluster}): it runs everything on its primary but
     * still reports its writes, so that the cluster's other connections read them back (read-your-writes).
     */
    private final dev.cachet.driver.routing.JdbcNodeProbe.HostConnector connector;
    /** Hosts whose connection this logical connection's user was refused (a password, a connection limit). */
    private java.util.Set<String> refused;
    /** The state a freshly opened physical connection is in (the logical connection's at open). */
    private final SessionState fresh;
    private final Map<String, PhysicalConnection> open = new HashMap<>(4);
    /** The physical connection the current JDBC transaction runs on; null outside one or before its first statement. */
    private PhysicalConnection pinned;
    /** The read-your-writes ticket of the autocommit write in progress. */
    private ReadYourWrites.WriteTicket autocommitWrite;
    /** Tickets of the writes of the open transaction, settled when it ends. */
    private List<ReadYourWrites.WriteTicket> transactionWrites;
    /** The open transaction may have committed (see {@link #commitMayHaveHappened}). */
    private boolean commitOutcomeUnknown;
    /** Where the last read ran (for events). */
    private PhysicalConnection lastTarget;
    /**
     * The replica this connection's last autocommit read ran on (at first, the one it was opened on), offered to the
     * read strategy with each choice: the sticky strategy reads there again while that replica may serve the read.
     */
    private ReplicaState lastReplica;

    ConnectionRouting(CachetConnection connection, ClusterRouting cluster, SessionState fresh,
                      dev.cachet.driver.routing.JdbcNodeProbe.HostConnector connector) {
        this.connection = connection;
        this.cluster = cluster;
        this.fresh = fresh;
        this.connector = connector;
    }

    /** Keeps the replica connection the logical connection was opened on as this replica's slot. */
    void adopt(PhysicalConnection home) {
        open.put(home.replica().host(), home);
        connection.physical.replicas.add(home);
        lastReplica = home.replica();
    }

    /**
     * Connects the primary for the logical connection, with its own credentials, configured like its other physical
     * connections. The real driver's exception passes through; Cachet's own, of class {@code 08}, when no configured
     * host is a primary.
     */
    PhysicalConnection openPrimary() throws SQLException {
        Connection c = cluster.connectPrimary(connector);
        PhysicalConnection p = new PhysicalConnection(c, Route.PRIMARY, fresh);
        try {
            connection.physical.configure(p);
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return p;
    }

    /**
     * Whether a statement prepared now must live on the primary: it can never run on a replica by what it is (DESIGN
     * §9's table), or it asks for an updatable result set.
     */
    boolean needsPrimary(StatementInfo info, StatementOptions options) {
        return options.updatable() || !replicaCapable(info);
    }

    /** The physical connection of the open transaction: the one it is pinned to, else the primary (pinned now). */
    PhysicalConnection transactionConnection() throws SQLException {
        if (pinned != null) {
            return pinned;
        }
        PhysicalConnection p = connection.primary();
        if (connection.session.inTransaction() || !connection.session.state().autoCommit()) {
            pinned = p;
        }
        return p;
    }

    /** The replica the open transaction is pinned to, or null. */
    PhysicalConnection pinnedReplica() {
        PhysicalConnection p = pinned;
        return p != null && p.replica() != null ? p : null;
    }

    // ---------------------------------------------------------------- choosing

    /**
     * The physical connection for a statement that is not a query run through {@link #query}: the pinned one in a
     * JDBC transaction, else the primary. Synced to the session state.
     */
    PhysicalConnection route(StatementInfo info, CachetStatement owner) throws SQLException {
        SessionState session = connection.session.state();
        PhysicalConnection target;
        if (session.autoCommit()) {
            target = connection.primary();
        } else {
            if (pinned == null) {
                pinned = pin(info, owner);
            }
            target = pinned;
            if (target.replica() != null && !caughtUp(target, info)) {
                // READ COMMITTED: each statement may see any state committed before it began, so a query the pinned
                // replica cannot answer fresh runs on the primary (in the same read-only transaction there)
                target = connection.primary();
            }
        }
        if (owner != null && target != owner.home && !owner.replayable()) {
            // its streams and LOBs are bound on its home, always the primary (a statement prepared on a replica keeps
            // them to bind where it runs), and cannot be bound again elsewhere
            target = owner.home;
        }
        target.sync(session, connection.dialect());
        return target;
    }

    /**
     * Whether a statement of a transaction pinned to {@code replica} may run there: it has replayed every write
     * recorded for the tables the statement reads since the transaction chose it. Snapshot isolation keeps the
     * transaction's first view, so there it always may.
     */
    private boolean caughtUp(PhysicalConnection replica, StatementInfo info) {
        if (info.kind() != StatementKind.QUERY
                || connection.session.transaction().snapshotIsolation(connection.session.state())) {
            return true;
        }
        Lsn required = cluster.readYourWrites().requiredPosition(info.tablesRead());
        return !required.equals(Lsn.MAX) && replica.replica().hasReplayed(required);
    }

    /** The target of a JDBC transaction's first statement (DESIGN §9). */
    private PhysicalConnection pin(StatementInfo info, CachetStatement owner) throws SQLException {
        SessionState session = connection.session.state();
        TransactionState tx = connection.session.transaction();
        if (connector == null || !tx.readOnly(session) || tx.isolation(session) == Connection.TRANSACTION_SERIALIZABLE
                || !connection.session.userReplayable()
                || (owner != null && !mayRunOnReplica(info, owner))) {
            return connection.primary();
        }
        ReplicaState state = cluster.router().chooseForReadOnlyTransaction();
        PhysicalConnection replica = state == null ? null : replica(state);
        return replica == null ? connection.primary() : replica;
    }

    /**
     * Where a query prepared now under auto-commit should live: the replica connection the read strategy picks for
     * it now, opened if need be — its first execution runs there while that replica may still serve it (see
     * {@link #query}); null when it may not run on a replica now (then it lives on the logical connection's home).
     */
    PhysicalConnection readHome(StatementInfo info) {
        SessionState session = connection.session.state();
        if (!session.autoCommit() || connection.session.inTransaction() || !replicaCapable(info)
                || connection.session.unmodelled() || connection.session.readsTemporaryTable(info.tablesRead())
                || connection.session.transaction().isolation(session) == Connection.TRANSACTION_SERIALIZABLE) {
            return null;
        }
        ReplicaState state = cluster.router().chooseFor(info.tablesRead(), lastReplica);
        return state == null ? null : replica(state);
    }

    /** Whether an autocommit query may run on a replica at all (DESIGN §9's table). */
    private boolean mayRunOnReplica(StatementInfo info, CachetStatement owner) {
        if (connector == null || !replicaCapable(info)) {
            return false;
        }
        if (owner.options().updatable() || !owner.replayable() || owner.bindsLater()
                || owner instanceof CachetCallableStatement || connection.session.unmodelled()
                || connection.session.readsTemporaryTable(info.tablesRead()) || !connection.session.userReplayable()) {
            return false;
        }
        return connection.session.transaction().isolation(connection.session.state())
                != Connection.TRANSACTION_SERIALIZABLE;
    }

    /** Whether a statement may ever run on a replica by what it is: a plain query, nothing the primary must run. */
    private static boolean replicaCapable(StatementInfo info) {
        return info.kind() == StatementKind.QUERY && !info.requiresPrimary() && !info.isWrite() && !info.lockingRead()
                && info.sessionEffect() == null && !info.hints().primary()
                && info.notCacheableReason() != NotCacheableReason.SYSTEM_CATALOG;
    }

    /** The kept connection to a replica, opened now if needed; null (and the replica marked failed) if it cannot be. */
    private PhysicalConnection replica(ReplicaState state) {
        PhysicalConnection p = open.get(state.host());
        if (p != null) {
            return p;
        }
        if (connector == null || (refused != null && refused.contains(state.host()))) {
            return null;
        }
        try {
            Connection c = connector.connect(state.host());
            try {
                p = PhysicalConnection.replica(c, fresh, state);
                connection.physical.configure(p);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            open.put(state.host(), p);
            connection.physical.replicas.add(p);
            return p;
        } catch (SQLException e) {
            log.debug("Cachet: replica {} could not be opened: {}", state.host(), e.toString());
            if (ClusterRouting.nodeFailure(e)) {
                state.markFailed(cluster.ticker().read());
            } else {
                // this user's failure (a password, a connection limit, a refused setting): the replica stays in the
                // rotation for everyone else, and this connection reads elsewhere
                if (refused == null) {
                    refused = new java.util.HashSet<>(4);
                }
                refused.add(state.host());
            }
            return null;
        } catch (RuntimeException e) {
            log.debug("Cachet: replica {} could not be opened: {}", state.host(), e.toString());
            state.markFailed(cluster.ticker().read());
            return null;
        }
    }

    /**
     * A connection to a replica in the rotation for the home of new statements: one already open, else one opened
     * now; null when no replica can be reached.
     */
    PhysicalConnection anyReplica() {
        if (!connection.physical.replicas.isEmpty()) {
            return connection.physical.replicas.get(0);
        }
        for (int attempt = 0; attempt < cluster.hosts().size(); attempt++) {
            ReplicaState state = cluster.router().chooseFor(Set.of());
            if (state == null) {
                return null;
            }
            PhysicalConnection p = replica(state);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /**
     * Whether {@code e}, raised on replica connection {@code p}, means the connection is broken (a connection-class
     * failure, or the connection reports itself closed); if so the replica leaves the rotation and the connection is
     * dropped. Always false for the primary's connection.
     */
    boolean failed(PhysicalConnection p, SQLException e) {
        ReplicaState state = p.replica();
        if (state == null) {
            return false;
        }
        boolean broken;
        try {
            broken = ClusterRouting.nodeFailure(e) || p.connection().isClosed();
        } catch (SQLException closedCheck) {
            broken = true;
        }
        if (broken) {
            log.debug("Cachet: replica {} failed ({}); it leaves the rotation", state.host(), e.toString());
            state.markFailed(cluster.ticker().read());
            drop(p);
        }
        return broken;
    }

    /** Drops a replica connection whose replica is known to have failed (routing will not use it again). */
    void dropFailed(PhysicalConnection p) {
        if (open.get(p.replica().host()) == p && pinned != p) {
            drop(p);
        }
    }

    private void drop(PhysicalConnection p) {
        open.remove(p.replica().host(), p);
        connection.physical.replicas.remove(p);
        if (pinned == p) {
            pinned = null;
        }
        try {
            p.connection().close();
        } catch (SQLException ignored) {
            // already broken
        }
        connection.physical.replicaDropped(p);
    }

    // ---------------------------------------------------------------- reads

    /**
     * Runs a query where routing sends it, and returns the real result set. A replica that fails before the result
     * reached the application leaves the rotation and the query runs on another replica or the primary; a standby's
     * recovery conflict or read-only refusal sends it to the primary. In a transaction nothing is retried.
     */
    ResultSet query(CachetStatement owner, StatementInfo info) throws SQLException {
        SessionState session = connection.session.state();
        if (!session.autoCommit() || connection.session.inTransaction()) {
            PhysicalConnection target = route(info, owner);
            lastTarget = target;
            return owner.runQuery(target, info);
        }
        int attempts = cluster.hosts().size();
        boolean replicas = mayRunOnReplica(info, owner);
        while (true) {
            PhysicalConnection target = null;
            if (replicas && attempts-- > 0) {
                // a statement's first execution runs on the replica it was prepared on, picked for it then by the
                // read strategy (readHome), while that replica may serve it; later ones are picked one by one
                ReplicaState home = owner.firstRunAtHome ? owner.home.replica() : null;
                owner.firstRunAtHome = false;
                ReplicaState state = home != null && cluster.router().mayServe(home, info.tablesRead()) ? home
                        : cluster.router().chooseFor(info.tablesRead(), lastReplica);
                if (state != null) {
                    target = replica(state);
                    if (target == null) {
                        if (state == lastReplica) {
                            lastReplica = null; // unreachable for this connection: the next attempt picks in turn
                        }
                        continue;
                    }
                }
            }
            if (target == null) {
                target = connection.primary();
                target.sync(session, connection.dialect());
                lastTarget = target;
                return owner.runQuery(target, info);
            }
            ReplicaState state = target.replica();
            long start = System.nanoTime();
            state.readStarted();
            try {
                target.sync(session, connection.dialect());
                ResultSet rs = owner.runQuery(target, info);
                state.readFinished(System.nanoTime() - start);
                lastTarget = target;
                lastReplica = state;
                return rs;
            } catch (SQLException e) {
                state.readFinished(System.nanoTime() - start);
                if (failed(target, e)) {
                    continue; // the read runs elsewhere
                }
                if (standbyRefused(e)) {
                    replicas = false;
                } else {
                    throw e;
                }
            }
        }
    }

    /** Refusals a standby gives that the primary would not: a recovery conflict, a read-only transaction. */
    private static boolean standbyRefused(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "25006".equals(state) || "0A000".equals(state);
    }

    /** Where the last query ran. */
    PhysicalConnection lastTarget() {
        return lastTarget;
    }

    /**
     * Whether a result read from {@code target} may fill the cache: always from the primary; from a replica only
     * when it has replayed every write recorded for the tables read (a pinned transaction's replica may not have).
     */
    boolean fillAllowed(PhysicalConnection target, StatementInfo info) {
        ReplicaState state = target.replica();
        if (state == null) {
            return true;
        }
        Lsn required = cluster.readYourWrites().requiredPosition(info.tablesRead());
        return !required.equals(Lsn.MAX) && state.hasReplayed(required);
    }

    // ---------------------------------------------------------------- writes (read-your-writes)

    /** A write to {@code scope} ({@link Cluster#ALL_TABLES} = every table) is about to run on the primary. */
    void writeStarting(Set<String> scope) {
        if (scope.isEmpty()) {
            return;
        }
        boolean all = scope == Cluster.ALL_TABLES;
        ReadYourWrites.WriteTicket ticket = cluster.readYourWrites().beginWrite(all ? Set.of() : scope, all);
        if (connection.session.inTransaction()) {
            if (transactionWrites == null) {
                transactionWrites = new ArrayList<>(4);
            }
            transactionWrites.add(ticket);
        } else {
            if (autocommitWrite != null) {
                settle(List.of(autocommitWrite), true);
            }
            autocommitWrite = ticket;
        }
    }

    /** The autocommit write announced last has returned (or failed). */
    void writeFinished() {
        ReadYourWrites.WriteTicket ticket = autocommitWrite;
        if (ticket != null) {
            autocommitWrite = null;
            settle(List.of(ticket), true);
        }
    }

    /**
     * The open transaction may have committed though it is still open in Cachet's books: a commit failed (the call,
     * a {@code COMMIT} statement, or auto-commit turned on) and its answer may be what was lost, or a string Cachet
     * cannot see through ran in it. However the transaction then ends — a rollback that finds nothing to undo, a
     * close — its writes are settled as committed: the application's read that checks whether the commit happened
     * must not run on a replica that has not replayed it.
     */
    void commitMayHaveHappened() {
        if (transactionWrites != null) {
            commitOutcomeUnknown = true;
        }
    }

    /** The transaction ended: committed (or its outcome is unknown), or rolled back / abandoned. */
    void transactionEnded(boolean committed) {
        pinned = null;
        boolean mayHaveCommitted = committed || commitOutcomeUnknown;
        commitOutcomeUnknown = false;
        List<ReadYourWrites.WriteTicket> tickets = transactionWrites;
        if (tickets != null) {
            transactionWrites = null;
            settle(tickets, mayHaveCommitted);
        }
    }

    /**
     * Reports the outcome of writes. A commit is reported unsampled, as of now (after it returned): its tables stay on
     * the primary until the poller's next sample of the primary's insert position, which started after it, resolves
     * it — coalescing every commit since the previous sample into one, and taken early when a read of a table written
     * finds it waiting ({@link dev.cachet.driver.routing.ReplicaRouter#requestSampleIfAwaited}). So a commit costs
     * no round trip of its own, and read-your-writes stays exact: no read that starts after the commit returned runs
     * on a replica that has not replayed a position sampled after it. Without measurable replication (not
     * PostgreSQL) nothing is reported and the tables stay on the primary.
     */
    private void settle(List<ReadYourWrites.WriteTicket> tickets, boolean committed) {
        ReadYourWrites ryw = cluster.readYourWrites();
        if (!committed) {
            tickets.forEach(ryw::abandoned);
            return;
        }
        if (!cluster.measuresReplication()) {
            return;
        }
        long now = cluster.ticker().read();
        for (ReadYourWrites.WriteTicket t : tickets) {
            ryw.committedUnsampled(t, now);
        }
    }

    // ---------------------------------------------------------------- transaction end and lifecycle

    /** Commits or rolls back the transaction on its pinned replica, if it has one. */
    void endPinned(boolean commit) throws SQLException {
        PhysicalConnection p = pinned;
        if (p != null && p.replica() != null) {
            if (commit) {
                p.connection().commit();
            } else {
                p.connection().rollback();
            }
        }
    }

    /** The logical connection closed: settles what is pending and closes the replica connections. */
    void closed() {
        if (autocommitWrite != null) {
            writeFinished();
        }
        transactionEnded(false);
        open.clear();
    }
}
