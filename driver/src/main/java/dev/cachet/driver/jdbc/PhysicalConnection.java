package dev.cachet.driver.jdbc;

import dev.cachet.driver.Route;
import dev.cachet.parser.Dialect;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One real connection held by a logical {@link CachetConnection}, with the session state last applied to it.
 *
 * <p>A logical connection's {@link PhysicalConnections} hold a primary slot and (with routing) replica slots; before a
 * statement runs on a physical connection, {@link #sync} brings it to the logical connection's session state, issuing
 * only what differs. Not thread-safe: used under the logical connection's discipline (one thread at a time, as JDBC expects).
 */
final class PhysicalConnection {

    private final Connection connection;
    private final Route role;
    /** The replica this connection reaches, or null for the primary. */
    private final dev.cachet.driver.routing.ReplicaState replica;
    private SessionState applied;
    /**
     * Whether the real connection may hold warnings its last {@link #clearWarnings} did not clear: set by every use
     * Cachet makes of it ({@link #connection()}, {@link #sync}). A statement's execution is always preceded by a sync,
     * and its own warnings are the statement's; warnings of the connection come from calls on it.
     */
    private boolean usedSinceCleared = true;

    PhysicalConnection(Connection connection, Route role, SessionState applied) {
        this(connection, role, applied, null);
    }

    PhysicalConnection(Connection connection, Route role, SessionState applied,
                       dev.cachet.driver.routing.ReplicaState replica) {
        this.connection = connection;
        this.role = role;
        this.applied = applied;
        this.replica = replica;
    }

    /**
     * True when the real driver reports that no transaction is open on this connection; false when one is, or when the
     * driver cannot tell. pgjdbc tells (it tracks the server's transaction status; found by reflection, Cachet does
     * not depend on it); H2 turns auto-commit off while a transaction begun by SQL is open. MySQL's drivers keep
     * auto-commit on inside one, so they cannot tell.
     */
    boolean reportsNoTransaction(Dialect dialect) {
        try {
            if (dialect == Dialect.H2) {
                return connection.getAutoCommit();
            }
            Class<?> base = Class.forName("org.postgresql.core.BaseConnection", false,
                    connection.getClass().getClassLoader());
            if (!connection.isWrapperFor(base)) {
                return false;
            }
            Object pg = connection.unwrap(base);
            Object state = base.getMethod("getTransactionState").invoke(pg);
            return state instanceof Enum<?> e && e.name().equals("IDLE");
        } catch (ReflectiveOperationException | SQLException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The replica this connection reaches, or null when it is the primary's. */
    dev.cachet.driver.routing.ReplicaState replica() {
        return replica;
    }

    Connection connection() {
        usedSinceCleared = true;
        return connection;
    }

    /** Clears the real connection's warnings. */
    void clearWarnings() throws SQLException {
        connection.clearWarnings();
        usedSinceCleared = false;
    }

    /**
     * Clears the real connection's warnings unless nothing used it since they were last cleared: for a replica
     * connection that is not the lead (no call of the application reaches it but through Cachet), which a pool's
     * {@code clearWarnings} on every return would otherwise clear each time, used or not.
     */
    void clearWarningsIfUsed() throws SQLException {
        if (usedSinceCleared) {
            clearWarnings();
        }
    }

    Route role() {
        return role;
    }

    SessionState applied() {
        return applied;
    }

    /**
     * Sets the session's default isolation through JDBC; a standby gets SERIALIZABLE as REPEATABLE READ (see
     * {@link SessionState#applyTo}).
     */
    void setTransactionIsolation(int level) throws SQLException {
        connection.setTransactionIsolation(replica != null ? SessionState.standbyIsolation(level) : level);
    }

    /**
     * A new connection to a replica, in {@code fresh} state as far as Cachet is concerned: a server whose default
     * isolation is SERIALIZABLE gets REPEATABLE READ on it at once (a standby refuses SERIALIZABLE).
     */
    static PhysicalConnection replica(Connection c, SessionState fresh, dev.cachet.driver.routing.ReplicaState state)
            throws SQLException {
        if (fresh.isolation() == Connection.TRANSACTION_SERIALIZABLE) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        return new PhysicalConnection(c, Route.REPLICA, fresh, state);
    }

    /** Records state the physical connection reached by itself (a JDBC call or a session statement it ran). */
    void applied(SessionState state) {
        this.applied = state;
    }

    /** Brings the physical connection to {@code desired}; a no-op when it is already there. */
    void sync(SessionState desired, Dialect dialect) throws SQLException {
        usedSinceCleared = true; // a statement runs on it next
        if (applied != desired) {
            applied = desired.applyTo(connection, applied, dialect, replica != null);
        }
    }
}
