package dev.cachet.driver.jdbc;

import dev.cachet.parser.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The physical connections one {@link CachetConnection} holds — its primary slot, connected lazily, its replica slots
 * and the lead among them — and what is done to all of them at once: configuring a new one, ending their
 * transactions, resetting and releasing them (DESIGN §9).
 *
 * <p>Routing ({@link ConnectionRouting}) decides which one a statement runs on and opens and drops replica
 * connections; this class keeps the set those decisions act on. Not thread-safe: used under the logical connection's
 * discipline (one thread at a time, as JDBC expects).
 */
final class PhysicalConnections {

    private final CachetConnection owner;
    private final Dialect dialect;
    /** The primary slot; null until a statement needs the primary (DESIGN §9: the primary is connected lazily). */
    private PhysicalConnection primary;
    /**
     * The physical connection the logical one leads with while its primary is not open: the one it was opened with
     * (the primary without routing, else a replica when one was healthy), or, after that replica failed, another
     * replica connection or the primary. Calls only the real driver can answer, that need no particular node, go to
     * the lead ({@link #lead()}), and the generated pass-through's {@code delegate} follows it.
     */
    private PhysicalConnection home;
    /** Set when {@link #home} is a replica connection routing dropped and no other was open to take its place. */
    private boolean homeLost;
    /** Replica slots, opened lazily by routing; empty until then. */
    final List<PhysicalConnection> replicas = new java.util.ArrayList<>(0);
    /** Connection settings that are not session state but must reach every physical connection (see #configure). */
    private Executor networkTimeoutExecutor;
    private int networkTimeoutMillis = -1;
    private java.util.Properties clientInfo;
    private java.util.Map<String, Class<?>> typeMap;

    /** The set of {@code owner}, led by {@code home}: its primary when {@code home} is the primary's connection. */
    PhysicalConnections(CachetConnection owner, Dialect dialect, PhysicalConnection home) {
        this.owner = owner;
        this.dialect = dialect;
        this.home = home;
        if (home.replica() == null) {
            this.primary = home;
        }
    }

    /**
     * The primary slot, connected now if the logical connection has not used the primary yet (with its own
     * credentials, configured like the others). When the primary cannot be reached the real driver's exception
     * passes through, or Cachet's own of class {@code 08} when no configured host is a primary.
     */
    PhysicalConnection primary() throws SQLException {
        PhysicalConnection p = primary;
        if (p == null) {
            owner.checkOpen();
            p = owner.routing().openPrimary();
            primary = p;
            owner.leadMoved(p.connection());
        }
        return p;
    }

    /** The primary slot if it is connected, else null; never connects. */
    PhysicalConnection primaryIfOpen() {
        return primary;
    }

    /** The primary if it is connected, else the home; never connects. */
    PhysicalConnection primaryOrHome() {
        PhysicalConnection p = primary;
        return p != null ? p : home;
    }

    /**
     * Routing dropped {@code dropped}, a replica connection that failed. When it was the home, another open replica
     * connection takes its place, or the next statement that needs a home opens one ({@link #statementHome}).
     */
    void replicaDropped(PhysicalConnection dropped) {
        if (dropped != home) {
            return;
        }
        if (replicas.isEmpty()) {
            homeLost = primary == null;
            return;
        }
        home = replicas.get(0);
        if (primary == null) {
            owner.leadMoved(home.connection());
        }
    }

    /**
     * The physical connection that leads JDBC calls on the whole session: the primary once open, else the home — a new
     * one when routing dropped the home and no other replica connection was open (a healthy replica, else the
     * primary; see {@link #statementHome}).
     */
    PhysicalConnection lead() throws SQLException {
        PhysicalConnection p = primary;
        if (p != null) {
            return p;
        }
        PhysicalConnection h = home;
        if (!homeLost && h.replica() != null && h.replica().failed()) {
            // the poller or another connection found its replica failed: lead from another
            owner.routing().dropFailed(h);
        }
        return homeLost ? statementHome(false) : home;
    }

    /**
     * The lead, brought to {@code session} first: a JDBC call about to change one part of the state on it may then
     * record the whole new state as applied there.
     */
    PhysicalConnection syncedLead(SessionState session) throws SQLException {
        PhysicalConnection lead = lead();
        lead.sync(session, dialect);
        return lead;
    }

    /** The physical connections open now, each once: the primary (if open), then the replicas. */
    List<PhysicalConnection> all() {
        PhysicalConnection p = primary;
        if (replicas.isEmpty()) {
            return p == null ? List.of() : List.of(p);
        }
        List<PhysicalConnection> all = new java.util.ArrayList<>(replicas.size() + 1);
        if (p != null) {
            all.add(p);
        }
        all.addAll(replicas);
        return all;
    }

    /**
     * The physical connection a statement created now lives on: the primary if {@code needsPrimary} or open, else the
     * home — a new one when the home failed (a healthy replica, else the primary).
     */
    PhysicalConnection statementHome(boolean needsPrimary) throws SQLException {
        if (needsPrimary) {
            return primary();
        }
        PhysicalConnection p = primary;
        if (p != null) {
            return p;
        }
        if (homeLost) {
            owner.checkOpen();
            PhysicalConnection next = owner.routing().anyReplica();
            if (next == null) {
                return primary();
            }
            home = next;
            homeLost = false;
            owner.leadMoved(next.connection());
        }
        return home;
    }

    // ---------------------------------------------------------------- settings every physical connection gets

    /**
     * Gives a physical connection opened after the application configured the logical one (a replica, with routing)
     * the same network timeout, client info and type map, then the session state: what a new slot needs before use.
     */
    void configure(PhysicalConnection slot) throws SQLException {
        Connection c = slot.connection();
        if (networkTimeoutMillis >= 0) {
            c.setNetworkTimeout(networkTimeoutExecutor, networkTimeoutMillis);
        }
        if (clientInfo != null) {
            c.setClientInfo(clientInfo);
        }
        if (typeMap != null) {
            c.setTypeMap(typeMap);
        }
        slot.sync(owner.session.state(), dialect);
    }

    void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        applyToAll(c -> c.setNetworkTimeout(executor, milliseconds));
        networkTimeoutExecutor = executor;
        networkTimeoutMillis = milliseconds;
    }

    void setTypeMap(java.util.Map<String, Class<?>> map) throws SQLException {
        applyToAll(c -> c.setTypeMap(map));
        typeMap = map;
    }

    void setClientInfo(String name, String value) throws java.sql.SQLClientInfoException {
        PhysicalConnection lead = clientInfoLead();
        lead.connection().setClientInfo(name, value);
        if (clientInfo == null) {
            clientInfo = new java.util.Properties();
        }
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
        for (PhysicalConnection p : all()) {
            if (p != lead) {
                p.connection().setClientInfo(name, value);
            }
        }
    }

    void setClientInfo(java.util.Properties properties) throws java.sql.SQLClientInfoException {
        PhysicalConnection lead = clientInfoLead();
        lead.connection().setClientInfo(properties);
        clientInfo = new java.util.Properties();
        if (properties != null) {
            clientInfo.putAll(properties);
        }
        for (PhysicalConnection p : all()) {
            if (p != lead) {
                p.connection().setClientInfo(properties);
            }
        }
    }

    /** {@link #lead()} for the client info setters, whose only exception is {@link java.sql.SQLClientInfoException}. */
    private PhysicalConnection clientInfoLead() throws java.sql.SQLClientInfoException {
        try {
            return lead();
        } catch (SQLException e) {
            throw new java.sql.SQLClientInfoException(e.getMessage(), e.getSQLState(), e.getErrorCode(), java.util.Map.of(),
                    e);
        }
    }

    /** Runs a JDBC call on every open physical connection, the lead first (its exception is the application's). */
    void applyToAll(PhysicalCall call) throws SQLException {
        PhysicalConnection lead = lead();
        call.run(lead.connection());
        // as all() orders them, without its list
        PhysicalConnection p = primary;
        if (p != null && p != lead) {
            call.run(p.connection());
        }
        for (int i = 0; i < replicas.size(); i++) {
            PhysicalConnection r = replicas.get(i);
            if (r != lead && r != p) {
                call.run(r.connection());
            }
        }
    }

    /**
     * Clears the warnings of the lead and the primary, whose real connections the application reaches (the generated
     * pass-through, {@code unwrap}), and of every other physical connection used since its warnings were last cleared
     * ({@link PhysicalConnection#clearWarningsIfUsed}): a pool calls this on every return, and most borrows use one
     * replica connection of several. The lead's exception is the application's.
     */
    void clearWarnings() throws SQLException {
        PhysicalConnection lead = lead();
        lead.clearWarnings();
        PhysicalConnection p = primary;
        if (p != null && p != lead) {
            p.clearWarnings();
        }
        for (int i = 0; i < replicas.size(); i++) {
            PhysicalConnection r = replicas.get(i);
            if (r != lead && r != p) {
                r.clearWarningsIfUsed();
            }
        }
    }

    @FunctionalInterface
    interface PhysicalCall {
        void run(Connection physical) throws SQLException;
    }

    // ---------------------------------------------------------------- transactions

    /** Auto-commit was turned on on {@code lead}: every other physical connection in manual-commit mode follows. */
    void autoCommitOnElsewhere(PhysicalConnection lead) throws SQLException {
        for (PhysicalConnection p : all()) {
            if (p != lead && !p.applied().autoCommit()) {
                p.connection().setAutoCommit(true);
                p.applied(p.applied().withAutoCommit(true));
            }
        }
    }

    /**
     * Commits or rolls back where the transaction runs: {@code pinned} (a replica, already ended by routing), and the
     * primary, where every read-write transaction runs — or, when the logical connection has not connected the
     * primary, the lead connection, so that the real driver still answers as it would (pgjdbc refuses both under
     * auto-commit). Their exceptions are the application's. Then every other open physical connection in
     * manual-commit mode ends its own transaction (a metadata call or a read on a replica begins one there, which
     * would otherwise stay idle in transaction and hold back the standby's replay); a replica that fails at it leaves
     * the rotation, and the application's call still succeeds: nothing of its transaction's writes was there.
     */
    void endEverywhere(boolean commit, PhysicalConnection pinned) throws SQLException {
        PhysicalConnection main = primary;
        if (main == null && pinned == null) {
            main = lead();
        }
        if (main != null) {
            end(main.connection(), commit);
        }
        for (PhysicalConnection p : all()) {
            if (p == main || p == pinned || p.applied().autoCommit()) {
                continue;
            }
            try {
                end(p.connection(), commit);
            } catch (SQLException e) {
                ConnectionRouting routing = owner.routing();
                if (routing != null) {
                    routing.failed(p, e);
                }
            }
        }
    }

    private static void end(Connection c, boolean commit) throws SQLException {
        if (commit) {
            c.commit();
        } else {
            c.rollback();
        }
    }

    // ---------------------------------------------------------------- release

    /**
     * Rolls back, on pooled physical connections, the transaction left open where it runs: a transaction begun by
     * SQL under auto-commit ({@code sqlBegun}) on the primary ({@code ROLLBACK}: HikariCP rolls back only what it saw
     * begin), and every physical connection in manual-commit mode (the primary, a pinned replica, a replica a read
     * began a transaction on). A physical connection where the rollback fails is aborted, so that its pool discards it
     * rather than hand an open transaction to the next borrower. False when one failed (its transaction ends when the
     * server notices).
     */
    boolean rollBackLeftOpen(boolean sqlBegun) {
        boolean all = true;
        for (PhysicalConnection p : all()) {
            boolean begunBySql = sqlBegun && p == primary;
            if (!begunBySql && p.applied().autoCommit()) {
                continue;
            }
            try {
                if (begunBySql) {
                    try (Statement rollback = p.connection().createStatement()) {
                        rollback.execute("ROLLBACK"); // a BEGIN left open
                    }
                } else {
                    p.connection().rollback();
                }
            } catch (SQLException | RuntimeException e) {
                all = false;
                try {
                    p.connection().abort(Runnable::run);
                } catch (SQLException | RuntimeException ignored) {
                    // the close that follows decides what the application sees
                }
            }
        }
        return all;
    }

    /**
     * Resets every physical connection's role, session user and settings ({@code RESET ROLE}, {@code SET SESSION
     * AUTHORIZATION DEFAULT}, {@code RESET ALL}) and records {@code state} as applied there.
     */
    void resetSql(SessionState state) throws SQLException {
        for (PhysicalConnection p : all()) {
            try (Statement s = p.connection().createStatement()) {
                s.execute("RESET ROLE; SET SESSION AUTHORIZATION DEFAULT; RESET ALL");
            }
            p.applied(state);
        }
    }

    /** Closes every physical connection, the lead last: its close decides what the application sees. */
    void close() throws SQLException {
        for (PhysicalConnection replica : List.copyOf(replicas)) {
            if (replica == home && primary == null) {
                continue; // closed last: its close decides what the application sees
            }
            try {
                replica.connection().close();
            } catch (SQLException ignored) {
                // the primary's close decides what the application sees
            }
        }
        primaryOrHome().connection().close();
    }

    /** Aborts every physical connection (the replicas, then the primary). */
    void abort(Executor executor) throws SQLException {
        for (PhysicalConnection replica : replicas) {
            replica.connection().abort(executor);
        }
        PhysicalConnection p = primary;
        if (p != null) {
            p.connection().abort(executor);
        }
    }

    /** True when the primary is connected and reports itself closed. */
    boolean primaryClosed() throws SQLException {
        PhysicalConnection p = primary;
        return p != null && p.connection().isClosed();
    }

    /**
     * Whether the lead connection is valid; a lead replica that is not leaves the rotation and the answer is that of
     * the next home (a healthy replica, else the primary, connected now).
     */
    boolean isValid(int timeout) throws SQLException {
        PhysicalConnection lead;
        try {
            lead = lead();
        } catch (SQLException e) {
            return false; // the home was lost and neither a replica nor the primary can be reached
        }
        if (lead.connection().isValid(timeout)) {
            return true;
        }
        if (lead.replica() == null) {
            return false;
        }
        owner.routing().failed(lead, new SQLException("replica connection not valid", "08006"));
        try {
            return statementHome(false).connection().isValid(timeout);
        } catch (SQLException e) {
            return false;
        }
    }
}
