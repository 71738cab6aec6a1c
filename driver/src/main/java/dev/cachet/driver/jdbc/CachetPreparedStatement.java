package dev.cachet.driver.jdbc;

import dev.cachet.parser.NotCacheableReason;
import dev.cachet.parser.StatementInfo;
import java.io.InputStream;
import java.io.Reader;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.util.Arrays;

/**
 * Cachet's {@link PreparedStatement}: analyzed once when prepared; every bound value is recorded with its JDBC type
 * for the cache key, a write's row pins and binding again on a replica (the recording setters are generated); a stream,
 * LOB or other value Cachet cannot compare by content makes the execution uncacheable ({@code STREAM_PARAMETER}). A
 * query that writes nothing, prepared with the cache off and no replica routing, records nothing: no one would read it.
 * A cacheable query's plain setters only record, and the real setters run when something needs the real statement
 * ({@link #defersBinding}): a hit calls none.
 *
 * <p>The {@code Statement} methods that take SQL text are refused, as JDBC requires of a prepared statement.
 */
public class CachetPreparedStatement extends DelegatingPreparedStatement {

    /** Marks a parameter whose value cannot be part of a key. */
    private static final Object STREAM = new Object();
    private static final Object[] NO_VALUES = {};
    private static final int[] NO_TYPES = {};

    final StatementInfo info;
    private Object[] values = NO_VALUES;
    private int[] types = NO_TYPES;
    /** The highest parameter index bound. */
    private int count;
    /** Set once a parameter was kept for binding later ({@link #bindLater}); cleared with the parameters. */
    private boolean lateBindings;
    /**
     * Plain setters may record their values without binding them on the real statement for parameters 1 to this
     * number (0: none; at most 64, the bits of {@link #deferred}): see {@link #defersBinding}.
     */
    private final int deferrable;
    /** Bit {@code i}: parameter {@code i + 1} holds a value recorded but not yet bound on the real statement. */
    private long deferred;

    /** The connection's {@link LogicalSession#namespaceChanges()} when this statement was prepared. */
    private final int preparedInNamespace;
    /**
     * False when nothing reads the bound values: a query that writes nothing, on a connection with the cache off and
     * no replica routing has no key to build, no rows to pin and no other physical statement to bind them on. Such a
     * statement is then never {@link #replayable()}, so a routing the cluster gains later keeps it on its home.
     */
    private final boolean records;

    CachetPreparedStatement(CachetConnection connection, PhysicalConnection home, PreparedStatement delegate,
                            StatementOptions options) {
        this(connection, home, delegate, options, connection.pipeline().analyze(options.sql()));
    }

    /** A statement whose SQL ({@code options.sql()}) the connection has just analyzed as {@code info}. */
    CachetPreparedStatement(CachetConnection connection, PhysicalConnection home, PreparedStatement delegate,
                            StatementOptions options, StatementInfo info) {
        super(connection, home, options, delegate);
        this.info = info;
        this.preparedInNamespace = connection.session.namespaceChanges();
        this.records = info.isWrite() || connection.mayNeedParameters();
        this.deferrable = records && info.cacheable() && !(this instanceof java.sql.CallableStatement)
                ? Math.max(0, Math.min(info.parameterMarkers(), Long.SIZE)) : 0;
    }

    /** True when user, catalog, schema or role changed since prepare: the key would not name what the query reads. */
    private boolean namespaceChangedSincePrepare() {
        return connection.session.namespaceChanges() != preparedInNamespace;
    }

    // ---------------------------------------------------------------- parameters

    /** A stream, LOB, array or other value that cannot be part of a key nor bound twice from what was recorded. */
    private static boolean streamLike(Object value) {
        return value instanceof InputStream || value instanceof Reader || value instanceof Blob || value instanceof Clob
                || value instanceof Array || value instanceof Ref || value instanceof RowId || value instanceof SQLXML;
    }

    /** The JDK's immutable numbers, by exact class (BigDecimal and BigInteger can be subclassed). */
    private static boolean immutableNumber(Object value) {
        Class<?> c = value.getClass();
        return c == Integer.class || c == Long.class || c == java.math.BigDecimal.class || c == Double.class
                || c == Short.class || c == Byte.class || c == Float.class || c == java.math.BigInteger.class;
    }

    @Override
    protected final boolean recordsParameters() {
        return records;
    }

    /** A setter call kept for the physical statement the execution runs on (see {@link #bindsLater}). */
    private record LateBinding(ParameterBinder binder) {
    }

    /**
     * True when a plain setter for {@code index} may only record its value: the statement is a cacheable query, whose
     * hits never reach the real statement, so the real setter is made only when an execution runs there
     * ({@link #bindLateOn}). Only for parameters the analyzer counted in the text and while statement and connection
     * are open, so that a setter the real driver would refuse (index out of range, closed) still reaches it now and
     * fails as it does. The connection's state is Cachet's own ({@link CachetConnection#closeCalled}): a real
     * connection that closed under it (its server gone) is found by the execution that follows, as for any
     * statement — asking pgjdbc costs a lock on its socket per setter, and pgjdbc's own setters do not ask.
     */
    @Override
    protected final boolean defersBinding(int index) throws SQLException {
        return index > 0 && index <= deferrable && !preparedDelegate.isClosed() && !connection.closeCalled();
    }

    @Override
    protected final void parameterDeferred(int index, Object value, int sqlType) throws SQLException {
        parameterBound(index, value, sqlType);
        if (values[index - 1] == STREAM) {
            // not kept for a key (a subclass of BigDecimal): the real driver takes it now, and may refuse it
            bindDeferred(preparedDelegate, index, value, sqlType);
            return;
        }
        deferred |= 1L << (index - 1);
    }

    /** Parameter {@code index} is bound on the real statement, or kept otherwise: no deferred value to bind. */
    private void boundNow(int index) {
        if (deferred != 0 && index > 0 && index <= Long.SIZE) {
            deferred &= ~(1L << (index - 1));
        }
    }

    @Override
    protected final void parameterBound(int index, Object value, int sqlType) {
        boundNow(index);
        if (value instanceof Number) {
            if (!immutableNumber(value)) {
                // an AtomicInteger, a LongAdder, a subclass of BigDecimal: it may change after binding, and may
                // compare by identity, so it cannot stand in a key
                streamParameterBound(index);
                return;
            }
        } else if (!(value instanceof String)) {
            // numbers and strings, most bound values, skip these checks: six of them are interface checks, each a
            // scan of the value class's interfaces
            // setObject(stream, type, length) arrives as a BoundCall: the stream inside is what counts
            if (streamLike(value instanceof BoundCall call ? call.value() : value)) {
                streamParameterBound(index);
                return;
            }
            // a date or byte array arrives as the copy the generated setter also gave the real driver: what the
            // application does to its own object later changes neither the key nor what the database receives
        }
        slot(index);
        values[index - 1] = value;
        types[index - 1] = sqlType;
    }

    /**
     * On a statement prepared on a replica, a stream-like parameter is kept and bound on the physical statement the
     * execution runs on (the primary, unless a transaction pinned to a replica runs it there): read once, where it is
     * used. On the primary, where such executions stay, it is bound now, as the real driver expects.
     */
    @Override
    protected final boolean bindsLater(Object value, boolean stream) {
        return home.replica() != null && (stream || streamLike(value instanceof BoundCall call ? call.value() : value));
    }

    @Override
    protected final void bindLater(int index, ParameterBinder binder) {
        boundNow(index);
        slot(index);
        values[index - 1] = new LateBinding(binder);
        types[index - 1] = java.sql.Types.OTHER;
        lateBindings = true;
    }

    @Override
    boolean bindsLater() {
        if (lateBindings) {
            for (int i = 0; i < count; i++) {
                if (values[i] instanceof LateBinding) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Makes the setter calls not yet made on {@code physical}, the real statement prepared by the application (this
     * execution runs on it): the deferred plain setters ({@link #defersBinding}) and the kept stream-like ones.
     */
    @Override
    void bindLateOn(java.sql.Statement physical) throws SQLException {
        bindDeferred((PreparedStatement) physical);
        if (lateBindings) {
            for (int i = 0; i < count; i++) {
                if (values[i] instanceof LateBinding late) {
                    late.binder().bind((PreparedStatement) physical);
                }
            }
        }
    }

    /**
     * Binds on {@code real}, the application's real statement, the values of the plain setters that only recorded
     * them. A value the driver refuses (H2: a decimal of precision above 100,000) fails here, at the execution, instead
     * of at its setter; the real statement then keeps its earlier value, so the recorded one is marked as no key's part
     * and later executions run uncached on what the real statement holds, as they would without Cachet.
     */
    private void bindDeferred(PreparedStatement real) throws SQLException {
        while (deferred != 0) {
            int i = Long.numberOfTrailingZeros(deferred);
            // cleared first: when the driver refuses one, the others stay pending for the next execution
            deferred &= deferred - 1;
            try {
                bindDeferred(real, i + 1, values[i], types[i]);
            } catch (SQLException | RuntimeException e) {
                values[i] = STREAM;
                types[i] = java.sql.Types.OTHER;
                throw e;
            }
        }
    }

    @Override
    protected final void streamParameterBound(int index) {
        boundNow(index);
        slot(index);
        values[index - 1] = STREAM;
        types[index - 1] = java.sql.Types.OTHER;
    }

    private void slot(int index) {
        if (index > values.length) {
            grow(index);
        }
        if (index > count) {
            count = index;
        }
    }

    /** Makes room for parameter {@code index}; the first binding allocates the arrays outright (no copy of nothing). */
    private void grow(int index) {
        if (values.length == 0) {
            values = new Object[index];
            types = new int[index];
            return;
        }
        int size = Math.max(index, values.length * 2);
        values = Arrays.copyOf(values, size);
        types = Arrays.copyOf(types, size);
    }

    private boolean hasStreamParameter() {
        for (int i = 0; i < count; i++) {
            if (values[i] == STREAM || values[i] instanceof LateBinding) {
                return true;
            }
        }
        return false;
    }

    /**
     * The bound values, exactly as many as bound: the arrays are trimmed to the highest index bound once (the slots
     * past it hold nothing), so the look-up probe can hold them as they are and later executions pass them uncopied.
     * The key a miss stores copies them.
     */
    private Object[] boundValues() {
        if (values.length != count) {
            values = Arrays.copyOf(values, count);
            types = Arrays.copyOf(types, count);
        }
        return values;
    }

    /** The JDBC types of {@link #boundValues()}, the same length. */
    private int[] boundTypes() {
        boundValues();
        return types;
    }

    @Override
    Object[] pinValues() {
        return boundValues();
    }

    @Override
    public void clearParameters() throws SQLException {
        preparedDelegate.clearParameters();
        Arrays.fill(values, null);
        count = 0;
        lateBindings = false;
        deferred = 0;
    }

    @Override
    java.sql.Statement createOn(java.sql.Connection physical) throws SQLException {
        return physical.prepareStatement(options().sql(), options().resultSetType(), options().concurrency());
    }

    /**
     * Binds the recorded parameters on a counterpart prepared on another physical connection, with the setter the
     * application used as far as it matters to the database: {@code setNull} for nulls, {@code setObject(value)} for
     * values bound as objects, {@code setObject(value, type)} for typed setters, the calendar's zone again for
     * {@code setDate/setTime/setTimestamp} with a calendar, the scale or length again for
     * {@code setObject(value, type, scale)}, and {@code setURL}.
     */
    @Override
    void bindOn(java.sql.Statement counterpart) throws SQLException {
        PreparedStatement ps = (PreparedStatement) counterpart;
        ps.clearParameters();
        for (int i = 0; i < count; i++) {
            Object v = values[i];
            int type = types[i];
            if (v == STREAM) {
                // routing keeps such executions on the statement they were bound on; reaching here is Cachet's bug
                throw new SQLException("Cachet: parameter " + (i + 1) + " is a stream or LOB, which cannot be bound "
                        + "again on another physical connection", "0A000");
            }
            if (v instanceof LateBinding late) {
                late.binder().bind(ps);
                continue;
            }
            if (v == null) {
                ps.setNull(i + 1, type == java.sql.Types.JAVA_OBJECT ? java.sql.Types.NULL : type);
            } else if (v instanceof BoundCall call) {
                bindCall(ps, i + 1, type, call);
            } else if (type == java.sql.Types.DATALINK) {
                ps.setURL(i + 1, url((String) v));
            } else if (type == java.sql.Types.JAVA_OBJECT) {
                ps.setObject(i + 1, v);
            } else {
                ps.setObject(i + 1, v, type);
            }
        }
    }

    /**
     * Repeats a setter recorded with its extra argument (see the generated setters): a date, time or timestamp with
     * the time zone id of its calendar ({@code ""} for a null calendar), or {@code setObject} with a scale or length.
     */
    private static void bindCall(PreparedStatement ps, int index, int type, BoundCall call) throws SQLException {
        Object value = call.value();
        Object extra = call.argument();
        if (extra instanceof String zone) {
            java.util.Calendar calendar = zone.isEmpty() ? null
                    : java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone(zone));
            switch (type) {
                case java.sql.Types.DATE -> ps.setDate(index, (java.sql.Date) value, calendar);
                case java.sql.Types.TIME -> ps.setTime(index, (java.sql.Time) value, calendar);
                default -> ps.setTimestamp(index, (java.sql.Timestamp) value, calendar);
            }
        } else {
            ps.setObject(index, value, type, (Integer) extra);
        }
    }

    @SuppressWarnings("deprecation") // the form setURL's caller had: URI.toURL refuses some URLs URL accepts
    private static java.net.URL url(String externalForm) throws SQLException {
        try {
            return new java.net.URL(externalForm);
        } catch (java.net.MalformedURLException e) {
            throw new SQLException("Cachet: the URL parameter cannot be bound again: " + e.getMessage(), "22000", e);
        }
    }

    /**
     * False when a stream or LOB parameter is bound on the real statement (its home is the primary): it cannot be bound
     * again from what was recorded, so the execution stays on the physical connection it was bound on. Parameters
     * kept for binding later ({@link #bindLater}) do not count: they are bound wherever the execution runs.
     */
    @Override
    boolean replayable() {
        if (!records) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (values[i] == STREAM) {
                return false;
            }
        }
        return true;
    }

    @Override
    ResultSet runQuery(PhysicalConnection target, StatementInfo info) throws SQLException {
        return ((PreparedStatement) physical(target)).executeQuery();
    }

    // ---------------------------------------------------------------- executions

    @Override
    public ResultSet executeQuery() throws SQLException {
        beginExecution();
        if (namespaceChangedSincePrepare()) {
            return ownResult(pipeline().uncachedQuery(this, info, NotCacheableReason.UNMODELLED_SESSION_STATE));
        }
        boolean stream = hasStreamParameter();
        return query(info, stream ? null : boundValues(), stream ? null : boundTypes(), stream);
    }

    @Override
    public boolean execute() throws SQLException {
        beginExecution();
        boolean stream = hasStreamParameter();
        if (!namespaceChangedSincePrepare() && cacheableNow(info, stream)) {
            query(info, boundValues(), boundTypes(), false);
            return true;
        }
        return pipeline().execute(this, info, s -> ((PreparedStatement) s).execute());
    }

    @Override
    public int executeUpdate() throws SQLException {
        beginExecution();
        return pipeline().execute(this, info, s -> ((PreparedStatement) s).executeUpdate());
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        beginExecution();
        return pipeline().execute(this, info, s -> ((PreparedStatement) s).executeLargeUpdate());
    }

    /** The real statement describes its result with the parameters bound, as without Cachet. */
    @Override
    public java.sql.ResultSetMetaData getMetaData() throws SQLException {
        bindDeferred(preparedDelegate);
        return preparedDelegate.getMetaData();
    }

    @Override
    public java.sql.ParameterMetaData getParameterMetaData() throws SQLException {
        bindDeferred(preparedDelegate);
        return preparedDelegate.getParameterMetaData();
    }

    /** The real statement, or an object behind it, handed out with every value bound, as the application set them. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (!iface.isInstance(this)) {
            bindDeferred(preparedDelegate);
        }
        return super.unwrap(iface);
    }

    @Override
    public void addBatch() throws SQLException {
        bindLateOn(preparedDelegate);
        preparedDelegate.addBatch();
        addBatch(info);
    }

    // ---------------------------------------------------------------- refused, as JDBC requires

    private static SQLException sqlTextRefused() {
        return new SQLException("Cachet: a PreparedStatement cannot execute other SQL text; use a Statement", "HY000");
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        throw sqlTextRefused();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + info.sql() + "]";
    }
}
