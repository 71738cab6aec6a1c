package dev.cachet.parser;

import java.util.Objects;

/**
 * What a transaction-control or session statement does to the connection, as far as Cachet models it.
 * Immutable.
 *
 * <p>{@link #value()} is the normalized argument: a schema list ({@code "app,public"}, quotes removed,
 * unquoted names lower-cased), a role or catalog name, a zone, an isolation level as
 * {@code "READ UNCOMMITTED"}, {@code "READ COMMITTED"}, {@code "REPEATABLE READ"} or
 * {@code "SERIALIZABLE"}, {@code "true"}/{@code "false"} for autocommit and read-only; {@code null} when
 * the statement has no argument or returns the setting to the server's default (RESET).
 *
 * <p>A statement may set several transaction characteristics at once ({@code START TRANSACTION READ
 * ONLY, ISOLATION LEVEL SERIALIZABLE}); {@link #isolation()} and {@link #readOnly()} give each of them,
 * whatever the {@link #type()}.
 */
public final class SessionEffect {

    /** The kinds of effect. */
    public enum Type {
        /** BEGIN / START TRANSACTION (read-write or unspecified). */
        BEGIN,
        /** BEGIN / START TRANSACTION … READ ONLY. */
        BEGIN_READ_ONLY,
        /** COMMIT / END. */
        COMMIT,
        /** ROLLBACK / ABORT. */
        ROLLBACK,
        /** SAVEPOINT name; value = name. */
        SAVEPOINT,
        /** ROLLBACK TO [SAVEPOINT] name; value = name. */
        ROLLBACK_TO_SAVEPOINT,
        /** RELEASE [SAVEPOINT] name; value = name. */
        RELEASE_SAVEPOINT,
        /** MySQL SET autocommit = 0|1; value = "true"/"false". */
        SET_AUTOCOMMIT,
        /** The isolation of the current / next transaction only; value = isolation level. */
        SET_TRANSACTION_ISOLATION,
        /** The session's default isolation; value = isolation level. */
        SET_SESSION_ISOLATION,
        /** The access mode of the current / next transaction only; value = "true"/"false". */
        SET_TRANSACTION_READ_ONLY,
        /** The session's default access mode; value = "true"/"false". */
        SET_SESSION_READ_ONLY,
        /** SET search_path, SET SCHEMA; value = schema list, null = default. */
        SET_SCHEMA,
        /** USE db; value = catalog. */
        USE_CATALOG,
        /** SET ROLE name; value = role. */
        SET_ROLE,
        /** SET ROLE NONE, RESET ROLE. */
        RESET_ROLE,
        /** SET SESSION AUTHORIZATION user; value = user, null = DEFAULT / RESET. */
        SET_SESSION_AUTHORIZATION,
        /** SET TIME ZONE, SET timezone, SET time_zone; value = zone, null = default. */
        SET_TIME_ZONE,
        /** RESET ALL. */
        RESET_ALL,
        /** DISCARD ALL. */
        DISCARD_ALL,
        /** A setting that does not change what a query returns (application_name, statement_timeout, …). */
        HARMLESS,
        /** A change Cachet does not model (custom variable, unknown SET, user variable, set_config(…)). */
        UNMODELLED
    }

    private final Type type;
    private final String value;
    private final String isolation;
    private final Boolean readOnly;

    private SessionEffect(Type type, String value, String isolation, Boolean readOnly) {
        this.type = Objects.requireNonNull(type, "type");
        this.value = value;
        this.isolation = isolation;
        this.readOnly = readOnly;
    }

    /** An effect with a normalized argument (may be null). */
    public static SessionEffect of(Type type, String value) {
        return new SessionEffect(type, value, null, null);
    }

    /**
     * An effect carrying transaction characteristics; {@code isolation} and {@code readOnly} may be null
     * when not stated.
     */
    public static SessionEffect of(Type type, String value, String isolation, Boolean readOnly) {
        return new SessionEffect(type, value, isolation, readOnly);
    }

    /** What the statement does. */
    public Type type() {
        return type;
    }

    /** The normalized argument; null if none (see the class comment). */
    public String value() {
        return value;
    }

    /** The isolation level the statement states (BEGIN … ISOLATION LEVEL x, SET … ISOLATION), else null. */
    public String isolation() {
        return isolation;
    }

    /** The access mode the statement states (READ ONLY → true, READ WRITE → false), else null. */
    public Boolean readOnly() {
        return readOnly;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SessionEffect)) {
            return false;
        }
        SessionEffect e = (SessionEffect) o;
        return type == e.type && Objects.equals(value, e.value) && Objects.equals(isolation, e.isolation)
                && Objects.equals(readOnly, e.readOnly);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, value, isolation, readOnly);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(type.name());
        if (value != null) {
            b.append('(').append(value).append(')');
        }
        if (isolation != null) {
            b.append(" isolation=").append(isolation);
        }
        if (readOnly != null) {
            b.append(" readOnly=").append(readOnly);
        }
        return b.toString();
    }
}
