package dev.cachet.cache;

import java.util.Arrays;
import java.util.Objects;

/**
 * The identity of a cached result (DESIGN §7): the session, the SQL text, every bound value with its
 * JDBC type, {@code maxRows} and the result set type. Immutable; {@code equals} is exact — two keys are
 * equal only when every part is equal, each bound value of the same class as its counterpart, with
 * {@code byte[]} (and other arrays) compared by content — and the hash is computed once at construction.
 * Mutable parameter values ({@code byte[]}, arrays, {@code java.util.Date} and its {@code java.sql}
 * subclasses) are copied, so a caller that reuses its buffers cannot change a key in the cache.
 *
 * <p>The one exception is a {@link Probe}: a key to look up with, owned by one caller and reset before each look-up,
 * which holds the caller's arrays without copying them and is never stored (see there).
 */
public sealed class QueryKey permits QueryKey.Probe {

    private static final Object[] NO_PARAMETERS = new Object[0];
    private static final int[] NO_TYPES = new int[0];

    // not final only so that a Probe can be reset; a key made by of() never changes after construction, and the cache
    // publishes it through its concurrent map
    private SessionKey session;
    private String sql;
    private Object[] parameters;
    private int[] sqlTypes;
    private int maxRows;
    private int resultSetType;
    private int hash;

    private QueryKey(SessionKey session, String sql, Object[] parameters, int[] sqlTypes, int maxRows,
                     int resultSetType) {
        set(session, sql, parameters, sqlTypes, maxRows, resultSetType);
    }

    /** For a {@link Probe}, which is set before each use. */
    private QueryKey() {
    }

    private void set(SessionKey session, String sql, Object[] parameters, int[] sqlTypes, int maxRows,
                     int resultSetType) {
        // a probe lives long and mostly gets the same objects again: a reference stored into an old object costs G1
        // a barrier with a memory fence, one compared costs nothing
        if (this.session != session) {
            this.session = session;
        }
        if (this.sql != sql) {
            this.sql = sql;
        }
        if (this.parameters != parameters) {
            this.parameters = parameters;
        }
        if (this.sqlTypes != sqlTypes) {
            this.sqlTypes = sqlTypes;
        }
        this.maxRows = maxRows;
        this.resultSetType = resultSetType;
        // every part through a multiplicative mix: a polynomial hash of small integers (ids, counters) collides
        // in regular patterns, and colliding keys of one statement share a bucket of the cache's map
        long h = mix(session.hashCode(), sql.hashCode());
        for (Object p : parameters) {
            h = mix(h, p == null ? 0 : p.getClass().isArray() ? Arrays.deepHashCode(new Object[] {p}) : p.hashCode());
        }
        for (int t : sqlTypes) {
            h = mix(h, t);
        }
        h = mix(mix(h, maxRows), resultSetType);
        h ^= h >>> 29;
        h *= 0xbf58476d1ce4e5b9L;
        this.hash = (int) (h ^ (h >>> 32));
    }

    private static long mix(long h, int v) {
        return (h + v) * 0x9E3779B97F4A7C15L;
    }

    /**
     * Builds a key.
     *
     * @param session       the session part; not null
     * @param sql           the SQL text as the application gave it; not null
     * @param parameters    the bound values by position (index 0 = parameter 1), may be null for none;
     *                      the array is copied and mutable values in it are copied
     * @param sqlTypes      the JDBC type of each parameter ({@link java.sql.Types}), or null when unknown
     * @param maxRows       the statement's {@code maxRows} (0 = unlimited)
     * @param resultSetType the result set type ({@link java.sql.ResultSet#TYPE_FORWARD_ONLY} …)
     */
    public static QueryKey of(SessionKey session, String sql, Object[] parameters, int[] sqlTypes, int maxRows,
                              int resultSetType) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(sql, "sql");
        Object[] params = NO_PARAMETERS;
        if (parameters != null && parameters.length > 0) {
            params = new Object[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                params[i] = copyIfMutable(parameters[i]);
            }
        }
        int[] types = sqlTypes == null || sqlTypes.length == 0 ? NO_TYPES : sqlTypes.clone();
        return new QueryKey(session, sql, params, types, maxRows, resultSetType);
    }

    private static Object copyIfMutable(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof byte[]) {
            return ((byte[]) value).clone();
        }
        if (value instanceof java.util.Date) {
            return Temporals.copy((java.util.Date) value);
        }
        if (value instanceof Object[]) {
            Object[] source = (Object[]) value;
            Object[] copy = source.clone();
            for (int i = 0; i < copy.length; i++) {
                copy[i] = copyIfMutable(copy[i]);
            }
            return copy;
        }
        if (value.getClass().isArray()) {
            return ValueCopies.clonePrimitiveArray(value);
        }
        return value;
    }

    public SessionKey session() { return session; }

    public String sql() { return sql; }

    /** The number of bound parameters. */
    public int parameterCount() { return parameters.length; }

    public int maxRows() { return maxRows; }

    public int resultSetType() { return resultSetType; }

    /** A rough size of this key in bytes, counted into the entry's weight. */
    long estimatedBytes() {
        long bytes = 40 + (sqlTypes.length == 0 ? 0 : ValueSizes.align(ValueSizes.ARRAY_HEADER + 4L * sqlTypes.length))
                + (parameters.length == 0 ? 0 : ValueSizes.objectArray(parameters.length));
        for (Object p : parameters) {
            bytes += ValueSizes.of(p);
        }
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof QueryKey)) {
            return false;
        }
        QueryKey k = (QueryKey) o;
        return hash == k.hash && maxRows == k.maxRows && resultSetType == k.resultSetType
                && sql.equals(k.sql) && session.equals(k.session) && Arrays.equals(sqlTypes, k.sqlTypes)
                && sameValues(parameters, k.parameters);
    }

    /**
     * Element-wise equality that also requires the same class: {@code java.util.Date.equals} compares
     * milliseconds only, so a {@code Date} would equal a {@code Timestamp} (or a {@code java.sql.Time})
     * that binds a different value.
     */
    private static boolean sameValues(Object[] a, Object[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            Object x = a[i];
            Object y = b[i];
            if (x == y) {
                continue;
            }
            if (x == null || y == null || x.getClass() != y.getClass()) {
                return false;
            }
            if (x instanceof Object[]) {
                if (!sameValues((Object[]) x, (Object[]) y)) {
                    return false;
                }
            } else if (x.getClass().isArray()) {
                if (!Arrays.deepEquals(new Object[] {x}, new Object[] {y})) {
                    return false;
                }
            } else if (!x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /**
     * A digest of this key that is the same in every JVM (SHA-256 over a canonical, type-tagged encoding of every
     * part), naming its entry in a shared tier; or null when a bound value has no canonical encoding (a type other
     * than strings, numbers, booleans, {@code byte[]}, JDBC and {@code java.time} temporals, UUIDs, characters and
     * arrays of these): such a key is cached in process only. The digest reveals neither SQL nor values.
     */
    public byte[] sharedDigest() {
        return SharedKeyDigest.of(this);
    }

    Object[] parametersForDigest() {
        return parameters;
    }

    int[] sqlTypesForDigest() {
        return sqlTypes;
    }

    /**
     * A key to look up with, without copying anything: a caller that looks up the same statement again and again (a
     * prepared statement) keeps one probe, {@link #reset resets} it to the values bound now and passes it to
     * {@link ResultCache#get(QueryKey)}. It equals (and hashes like) the key {@link QueryKey#of} would build from the
     * same parts, so it finds that key's entry; unlike such a key it holds the caller's arrays as they are, so it must
     * never be stored, waited on or kept past the look-up — {@link #toKey()} makes the key to store (values copied).
     * Not thread-safe: one owner at a time, as a JDBC statement is.
     */
    public static final class Probe extends QueryKey {

        /** Xorshift state choosing the look-ups the eviction policy hears of (see {@link #toldToPolicy}); not 0. */
        private int sample = 0x9E3779B9;

        /** An empty probe; {@link #reset} it before each look-up. */
        public Probe() {
        }

        /**
         * Whether this look-up is one of the one in {@value #POLICY_SAMPLE} (chosen at random, so that a statement
         * cycling through keys does not always skip the same ones) that {@link ResultCache} reports to the eviction
         * policy as an access; the others read the entry without telling it.
         */
        boolean toldToPolicy() {
            int x = sample;
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            sample = x;
            return (x & (POLICY_SAMPLE - 1)) == 0;
        }

        /** One look-up in this many is an access the eviction policy hears of; a power of two. */
        static final int POLICY_SAMPLE = 16;

        /**
         * Sets every part, as {@link QueryKey#of} takes them, except that neither array is copied: the caller must not
         * change them while the probe is in use.
         *
         * @param parameters the bound values by position, exactly as many as bound (null for none)
         * @param sqlTypes   the JDBC type of each, the same length as {@code parameters} (null when unknown)
         * @return this probe
         */
        public Probe reset(SessionKey session, String sql, Object[] parameters, int[] sqlTypes, int maxRows,
                           int resultSetType) {
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(sql, "sql");
            ((QueryKey) this).set(session, sql, parameters == null || parameters.length == 0 ? NO_PARAMETERS
                    : parameters, sqlTypes == null || sqlTypes.length == 0 ? NO_TYPES : sqlTypes, maxRows,
                    resultSetType);
            return this;
        }

        /** The key to store for what this probe holds now: an immutable {@link QueryKey} with its values copied. */
        public QueryKey toKey() {
            QueryKey self = this;
            return QueryKey.of(self.session, self.sql, self.parameters, self.sqlTypes, self.maxRows,
                    self.resultSetType);
        }
    }

    /** Shows the SQL and the parameter count, never the bound values (DESIGN §11). */
    @Override
    public String toString() {
        return "QueryKey[sql=" + sql + ", parameters=" + parameters.length + ", maxRows=" + maxRows
                + ", type=" + resultSetType + ", " + session + "]";
    }
}
