package dev.cachet.driver.jdbc;

import dev.cachet.parser.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The session state of a logical connection that Cachet models: what the application set through JDBC calls and
 * statements, and what the server started with. Immutable; a change makes a new value.
 *
 * <p>The same state is applied to every physical connection the logical one uses ({@link #applyTo}); the parts that
 * change what a query returns (user, catalog, schema, role, time zone) form the cache key's session part. A null
 * catalog, schema, role or time zone means "as the server started the session", never changed through Cachet.
 *
 * @param user        the database user (changed by SET SESSION AUTHORIZATION)
 * @param autoCommit  JDBC auto-commit
 * @param isolation   the session's default transaction isolation (a {@link Connection} TRANSACTION_* constant)
 * @param readOnly    JDBC read-only
 * @param catalog     current catalog (database), or null
 * @param schema      current schema or search_path as set, or null
 * @param role        role set with SET ROLE, or null
 * @param timeZone    session time zone as set, or null
 * @param holdability result set holdability
 */
record SessionState(String user, boolean autoCommit, int isolation, boolean readOnly, String catalog, String schema,
                    String role, String timeZone, int holdability) {

    private static final Pattern SIMPLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    SessionState withAutoCommit(boolean v) {
        return v == autoCommit ? this : new SessionState(user, v, isolation, readOnly, catalog, schema, role, timeZone, holdability);
    }

    SessionState withIsolation(int v) {
        return v == isolation ? this : new SessionState(user, autoCommit, v, readOnly, catalog, schema, role, timeZone, holdability);
    }

    SessionState withReadOnly(boolean v) {
        return v == readOnly ? this : new SessionState(user, autoCommit, isolation, v, catalog, schema, role, timeZone, holdability);
    }

    SessionState withCatalog(String v) {
        return Objects.equals(v, catalog) ? this : new SessionState(user, autoCommit, isolation, readOnly, v, schema, role, timeZone, holdability);
    }

    SessionState withSchema(String v) {
        return Objects.equals(v, schema) ? this : new SessionState(user, autoCommit, isolation, readOnly, catalog, v, role, timeZone, holdability);
    }

    SessionState withRole(String v) {
        return Objects.equals(v, role) ? this : new SessionState(user, autoCommit, isolation, readOnly, catalog, schema, v, timeZone, holdability);
    }

    SessionState withUser(String v) {
        return Objects.equals(v, user) ? this : new SessionState(v, autoCommit, isolation, readOnly, catalog, schema, role, timeZone, holdability);
    }

    SessionState withTimeZone(String v) {
        return Objects.equals(v, timeZone) ? this : new SessionState(user, autoCommit, isolation, readOnly, catalog, schema, role, v, holdability);
    }

    SessionState withHoldability(int v) {
        return v == holdability ? this : new SessionState(user, autoCommit, isolation, readOnly, catalog, schema, role, timeZone, v);
    }

    /**
     * Brings a physical connection whose state is {@code current} to this state, issuing only what differs, and
     * returns this state (the physical connection's new one). The real driver's exceptions pass through.
     *
     * <p>On a {@code standby} (a replica connection) SERIALIZABLE is applied as REPEATABLE READ: a hot standby refuses
     * every statement at SERIALIZABLE, and routing sends SERIALIZABLE work to the primary anyway, so what still runs
     * on the standby (metadata calls, catalog reads) must not break. A schema or time zone set before and null now
     * (RESET ALL, DISCARD ALL) is reset; on PostgreSQL the session user (SET SESSION AUTHORIZATION) is applied too,
     * before the role, so that a replica never runs as another user than the primary (DESIGN §2, §11).
     */
    SessionState applyTo(Connection c, SessionState current, Dialect dialect, boolean standby) throws SQLException {
        if (current == this) {
            return this;
        }
        if (current.autoCommit != autoCommit) {
            c.setAutoCommit(autoCommit);
        }
        if (current.readOnly != readOnly) {
            c.setReadOnly(readOnly);
        }
        int level = standby ? standbyIsolation(isolation) : isolation;
        if ((standby ? standbyIsolation(current.isolation) : current.isolation) != level) {
            c.setTransactionIsolation(level);
        }
        if (current.holdability != holdability) {
            c.setHoldability(holdability);
        }
        if (catalog != null && !catalog.equals(current.catalog)) {
            c.setCatalog(catalog);
        }
        boolean postgres = dialect == Dialect.POSTGRESQL;
        if (schema != null && !schema.equals(current.schema)) {
            if (postgres) {
                execute(c, "SET search_path TO " + schema);
            } else {
                c.setSchema(schema);
            }
        } else if (schema == null && current.schema != null && postgres) {
            execute(c, "RESET search_path");
        }
        String roleNow = current.role;
        if (postgres && user != null && !user.equals(current.user)) {
            // SET SESSION AUTHORIZATION also drops a role set before it
            execute(c, "SET SESSION AUTHORIZATION " + name(user));
            roleNow = null;
        }
        if (!Objects.equals(role, roleNow)) {
            execute(c, role == null ? resetRole(dialect) : "SET ROLE " + name(role));
        }
        if (timeZone != null && !timeZone.equals(current.timeZone)) {
            execute(c, dialect == Dialect.MYSQL ? "SET time_zone = '" + literal(timeZone) + "'"
                    : "SET TIME ZONE '" + literal(timeZone) + "'");
        } else if (timeZone == null && current.timeZone != null && (postgres || dialect == Dialect.MYSQL)) {
            execute(c, postgres ? "RESET TIME ZONE" : "SET time_zone = DEFAULT");
        }
        return this;
    }

    /** The isolation a standby runs for {@code level}: SERIALIZABLE, which it refuses, as REPEATABLE READ. */
    static int standbyIsolation(int level) {
        return level == Connection.TRANSACTION_SERIALIZABLE ? Connection.TRANSACTION_REPEATABLE_READ : level;
    }

    private static String resetRole(Dialect dialect) {
        return dialect == Dialect.MYSQL ? "SET ROLE NONE" : "RESET ROLE";
    }

    private static String name(String identifier) {
        return SIMPLE_NAME.matcher(identifier).matches() ? identifier : '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String literal(String value) {
        return value.replace("'", "''");
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
