package dev.cachet.cache;

import java.util.Objects;

/**
 * The session part of a cache key (DESIGN §7): the state of a logical connection that changes what a
 * query returns — database user, current catalog and schema (or {@code search_path}), role, the time
 * zone where the dialect renders with it, the dialect, and the real driver options that change how values render
 * (connections opened with different options never share an entry). Immutable; {@code equals}/{@code hashCode}
 * are exact over every field (nulls allowed) and the hash is computed once. A connection keeps one
 * instance until its session state changes, so building a {@link QueryKey} does not rebuild this.
 * The cluster is implicit: there is one {@link ResultCache} per cluster.
 */
public final class SessionKey {

    private final String user;
    private final String catalog;
    private final String schema;
    private final String role;
    private final String timeZone;
    private final String dialect;
    private final String driverOptions;
    private final int hash;

    private SessionKey(String user, String catalog, String schema, String role, String timeZone, String dialect,
                       String driverOptions) {
        this.user = user;
        this.catalog = catalog;
        this.schema = schema;
        this.role = role;
        this.timeZone = timeZone;
        this.dialect = dialect;
        this.driverOptions = driverOptions;
        this.hash = Objects.hash(user, catalog, schema, role, timeZone, dialect, driverOptions);
    }

    /**
     * Creates a session key. Every argument may be null when not applicable.
     *
     * @param user     the database user the connection authenticated as
     * @param catalog  the current catalog (database)
     * @param schema   the current schema, or the {@code search_path} as a normalized string
     * @param role     the role set with {@code SET ROLE}, null when none
     * @param timeZone the session time zone where the dialect renders values with it, else null
     * @param dialect  the dialect name (e.g. {@code "POSTGRESQL"})
     */
    public static SessionKey of(String user, String catalog, String schema, String role, String timeZone,
                                String dialect) {
        return new SessionKey(user, catalog, schema, role, timeZone, dialect, null);
    }

    /**
     * Creates a session key as {@link #of(String, String, String, String, String, String)} does, for a connection
     * whose real driver was opened with {@code driverOptions} (a canonical string of the options that may change
     * how values render; credentials excluded), or null when not known.
     */
    public static SessionKey of(String user, String catalog, String schema, String role, String timeZone,
                                String dialect, String driverOptions) {
        return new SessionKey(user, catalog, schema, role, timeZone, dialect, driverOptions);
    }

    public String user() { return user; }

    public String catalog() { return catalog; }

    public String schema() { return schema; }

    public String role() { return role; }

    public String timeZone() { return timeZone; }

    public String dialect() { return dialect; }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SessionKey)) {
            return false;
        }
        SessionKey k = (SessionKey) o;
        return hash == k.hash && Objects.equals(user, k.user) && Objects.equals(catalog, k.catalog)
                && Objects.equals(schema, k.schema) && Objects.equals(role, k.role)
                && Objects.equals(timeZone, k.timeZone) && Objects.equals(dialect, k.dialect)
                && Objects.equals(driverOptions, k.driverOptions);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Names the session without revealing anything but its shape (no values beyond names). */
    @Override
    public String toString() {
        return "SessionKey[user=" + user + ", catalog=" + catalog + ", schema=" + schema + ", role=" + role
                + ", timeZone=" + timeZone + ", dialect=" + dialect + "]";
    }
}
