package dev.cachet.driver.jdbc;

import dev.cachet.cache.QueryKey;
import dev.cachet.parser.NotCacheableReason;
import dev.cachet.parser.StatementInfo;
import dev.cachet.parser.StatementKind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Cachet's {@link Statement}: every execution goes through the connection's {@link ExecutionPipeline}; the other
 * methods pass through to the real statement. {@link #getConnection()} returns Cachet's connection and result sets
 * report this statement as theirs.
 *
 * <p>When a result came from Cachet (a hit, a fill, or a query run through {@code executeQuery}), this statement
 * answers {@code getResultSet}, {@code getUpdateCount} and {@code getMoreResults} itself; after {@code execute} of
 * anything else they pass through to the real statement.
 */
public class CachetStatement extends DelegatingStatement {

    final CachetConnection connection;
    /** The physical connection {@link #delegate} lives on. */
    final PhysicalConnection home;
    private final StatementOptions options;
    /** The analyses of the batch added so far; null until the first {@code addBatch} (most statements never batch). */
    private List<StatementInfo> batch;

    private long maxRows;
    /** Limits the application set, copied to every counterpart (the delegate's may be gone with its replica). */
    private int fetchSize;
    private int queryTimeout;
    /** Where {@code addBatch(String)} added: the primary's counterpart (a batch is a write); null before. */
    private Statement batchStatement;
    private boolean closeOnCompletion;
    /** The current result when Cachet produced it; see {@link #ownsResults}. */
    private ResultSet currentResult;
    /** True when the current results are Cachet's, false when they are the real statement's (after execute). */
    private boolean ownsResults;
    /** The wrapper over the real statement's current result set, reused while it is the same object. */
    private CachetResultSet wrappedReal;
    /** The analysis of the last execution (an updatable result set's writes count against its tables). */
    StatementInfo lastInfo;
    /** The admission of the SQL of this statement's last miss, kept so a prepared statement looks it up once. */
    StatementAdmission admission;
    /** The hit counters of the tables of this statement's last hit, kept so a prepared statement looks them up once. */
    AdaptiveCaching.HitCounters hitCounters;
    /** The real statement of the last execution: {@link #delegate}, or one on a replica connection. */
    private volatile Statement active;
    /**
     * Set when routing prepared this statement on the replica the read strategy picked for it: its first autocommit
     * execution runs there if that replica may serve it (see ConnectionRouting#query); cleared by that execution.
     */
    boolean firstRunAtHome;
    /** Real statements on other physical connections than the primary, created when routing first used them. */
    private java.util.Map<PhysicalConnection, Statement> elsewhere;
    /** The key this statement looks up with, reset on every cached execution (see {@link QueryKey.Probe}). */
    private QueryKey.Probe probe;

    CachetStatement(CachetConnection connection, PhysicalConnection home, Statement delegate,
                    StatementOptions options) {
        super(delegate);
        this.connection = connection;
        this.home = home;
        this.options = options;
    }

    StatementOptions options() {
        return options;
    }

    /** This statement's look-up key, created on its first cached execution; the caller resets it. */
    final QueryKey.Probe probe() {
        QueryKey.Probe p = probe;
        return p != null ? p : (probe = new QueryKey.Probe());
    }

    ExecutionPipeline pipeline() {
        return connection.pipeline();
    }

    int maxRowsForKey() {
        return (int) Math.min(Integer.MAX_VALUE, maxRows);
    }

    /**
     * The real statement to run on the chosen physical connection: the one the application created on the primary, or
     * one created on {@code target} the first time (kept while both live), with this statement's limits copied and,
     * for a prepared statement, its parameters bound again.
     */
    Statement physical(PhysicalConnection target) throws SQLException {
        if (target == home) {
            bindLateOn(delegate);
            active = delegate;
            return delegate;
        }
        Statement s = counterpart(target);
        bindOn(s);
        active = s;
        return s;
    }

    /** This statement's counterpart on {@code target} (not the home), created the first time, with its limits. */
    private Statement counterpart(PhysicalConnection target) throws SQLException {
        if (elsewhere == null) {
            elsewhere = new java.util.IdentityHashMap<>(4);
        }
        Statement s = elsewhere.get(target);
        if (s == null || s.isClosed()) {
            s = createOn(target.connection());
            elsewhere.put(target, s);
        }
        if (maxRows > Integer.MAX_VALUE) {
            s.setLargeMaxRows(maxRows);
        } else {
            s.setMaxRows((int) maxRows); // pgjdbc does not implement setLargeMaxRows
        }
        s.setFetchSize(fetchSize);
        s.setQueryTimeout(queryTimeout);
        return s;
    }

    /**
     * The physical connection a batch runs on, synced: where it was added. Routing sees the batch's first statement
     * first, so that a transaction it begins is pinned as its first statement says.
     */
    PhysicalConnection batchTarget(StatementInfo first) throws SQLException {
        if (first != null) {
            connection.route(first, this);
        }
        PhysicalConnection target = batchStatement != null ? connection.primary() : home;
        target.sync(connection.session.state(), connection.dialect());
        return target;
    }

    /** The real statement a batch on {@code target} runs: the one it was added to. */
    Statement batchStatement(PhysicalConnection target) throws SQLException {
        Statement s = target == home ? delegate : counterpart(target);
        active = s;
        return s;
    }

    /** Creates this statement's counterpart on another physical connection. */
    Statement createOn(Connection physical) throws SQLException {
        return physical.createStatement(options.resultSetType(), options.concurrency());
    }

    /** The values bound for the current execution, for row pins (null for a plain statement). */
    Object[] pinValues() {
        return null;
    }

    /** Binds this statement's parameters on a counterpart (nothing for a plain statement). */
    void bindOn(Statement counterpart) throws SQLException {
    }

    /**
     * Whether parameters are kept to be bound where the execution runs (streams of a statement prepared on a replica):
     * such an execution runs on the primary, or the replica its transaction is pinned to, and is never retried.
     */
    boolean bindsLater() {
        return false;
    }

    /** Binds the parameters kept for {@link #bindsLater} on the real statement an execution runs on. */
    void bindLateOn(Statement physical) throws SQLException {
    }

    /** Whether this statement's current parameters can be bound again on another physical connection. */
    boolean replayable() {
        return true;
    }

    /** The real statement whose results the application reads after {@code execute}. */
    private Statement active() {
        Statement a = active;
        return a == null ? delegate : a;
    }

    /** Runs the query on the physical connection the pipeline chose. */
    ResultSet runQuery(PhysicalConnection target, StatementInfo info) throws SQLException {
        return physical(target).executeQuery(info.sql());
    }

    /** Prepares for a new execution: JDBC closes the previous result set. */
    final void beginExecution() throws SQLException {
        if (connection.isClosed()) {
            throw new SQLException("Cachet connection is closed", "08003");
        }
        if (isClosed()) {
            throw new SQLException("Cachet statement is closed", "HY010");
        }
        closeCurrentResult();
        ownsResults = false;
        if (active != delegate) {
            active = delegate; // compared first: a volatile store is a fence (and G1 adds a barrier)
        }
        if (connection.cluster().catalogReadDue()) {
            connection.readCatalogIfDue(false);
        }
    }

    private void closeCurrentResult() {
        ResultSet rs = currentResult;
        currentResult = null;
        if (rs != null) {
            try {
                rs.close();
            } catch (SQLException ignored) {
                // JDBC closes the previous result set silently on a new execution
            }
        }
    }

    /** Records a result set Cachet produced as this statement's current result, and returns it. */
    final ResultSet ownResult(ResultSet rs) {
        currentResult = rs;
        ownsResults = true;
        return rs;
    }

    /** A query through the pipeline: cache when {@link ExecutionPipeline#decide} allows, else the database. */
    final ResultSet query(StatementInfo info, Object[] parameters, int[] sqlTypes, boolean streamParameters)
            throws SQLException {
        ExecutionPipeline pipeline = pipeline();
        NotCacheableReason reason = pipeline.decide(info, options, streamParameters);
        ResultSet rs = reason == null ? pipeline.cachedQuery(this, info, parameters, sqlTypes)
                : pipeline.uncachedQuery(this, info, reason);
        return ownResult(rs);
    }

    /** True when {@code execute} of this statement should take the cached query path. */
    final boolean cacheableNow(StatementInfo info, boolean streamParameters) {
        return info.kind() == StatementKind.QUERY && pipeline().decide(info, options, streamParameters) == null;
    }

    // ---------------------------------------------------------------- executions

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        beginExecution();
        return query(pipeline().analyze(sql), null, null, false);
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        beginExecution();
        StatementInfo info = pipeline().analyze(sql);
        if (cacheableNow(info, false)) {
            query(info, null, null, false);
            return true;
        }
        return pipeline().execute(this, info, s -> s.execute(sql));
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        beginExecution();
        return pipeline().execute(this, pipeline().analyze(sql), s -> s.execute(sql, autoGeneratedKeys));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        beginExecution();
        return pipeline().execute(this, pipeline().analyze(sql), s -> s.execute(sql, columnIndexes));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        beginExecution();
        return pipeline().execute(this, pipeline().analyze(sql), s -> s.execute(sql, columnNames));
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        beginExecution();
        return pipeline().execute(this, pipeline().analyze(sql), s -> s.executeUpdate(sql));
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        beginExecution();
        return pipeline().execute(this, pipeline().analyze(sql), s -> s.executeUpdate(sql, autoGeneratedKeys));
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        beginExecution();
        return pipeline().execute(this, pipeline().analyze(sql), s -> s.executeUpdate(sql, columnIndexes));
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        beginExecution();
        return pipeline().execute(this, pipeline().analyze(sql), s -> s.executeUpdate(sql, columnNames));
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        beginExecution();
        return pipeline().execute(this, pipeline().analyze(sql), s -> s.executeLargeUpdate(sql));
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        beginExecution();
        return pipeline().execute(this, pipeline().analyze(sql), s -> s.executeLargeUpdate(sql, autoGeneratedKeys));
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        beginExecution();
        return pipeline().execute(this, pipeline().analyze(sql), s -> s.executeLargeUpdate(sql, columnIndexes));
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        beginExecution();
        return pipeline().execute(this, pipeline().analyze(sql), s -> s.executeLargeUpdate(sql, columnNames));
    }

    // ---------------------------------------------------------------- batches

    /** Batches are writes: they are added on the primary's statement, connecting the primary if need be. */
    @Override
    public void addBatch(String sql) throws SQLException {
        PhysicalConnection primary = connection.primary();
        Statement s = primary == home ? delegate : counterpart(primary);
        s.addBatch(sql);
        batchStatement = s;
        batch().add(pipeline().analyze(sql));
    }

    /** Records one more set of parameters of a prepared batch. */
    final void addBatch(StatementInfo info) {
        batch().add(info);
    }

    private List<StatementInfo> batch() {
        List<StatementInfo> b = batch;
        if (b == null) {
            b = new ArrayList<>();
            batch = b;
        }
        return b;
    }

    /** The batch to execute (empty when nothing was added) and, from now on, no batch. */
    private List<StatementInfo> takeBatch() {
        List<StatementInfo> b = batch;
        batch = null;
        return b == null ? List.of() : b;
    }

    @Override
    public void clearBatch() throws SQLException {
        Statement s = batchStatement;
        (s != null ? s : delegate).clearBatch();
        batch = null;
    }

    @Override
    public int[] executeBatch() throws SQLException {
        beginExecution();
        return pipeline().executeBatch(this, takeBatch(), Statement::executeBatch);
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        beginExecution();
        return pipeline().executeBatch(this, takeBatch(), Statement::executeLargeBatch);
    }

    // ---------------------------------------------------------------- results

    @Override
    public ResultSet getResultSet() throws SQLException {
        if (ownsResults) {
            return currentResult;
        }
        return wrap(active().getResultSet());
    }

    /** Wraps a real result set of this statement so that it reports this statement; the same wrapper while it lasts. */
    final ResultSet wrap(ResultSet real) {
        if (real == null) {
            return null;
        }
        CachetResultSet w = wrappedReal;
        if (w == null || w.delegate != real) {
            w = new CachetResultSet(this, real, options.updatable() ? lastInfo : null);
            wrappedReal = w;
        }
        return w;
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return ownsResults ? -1 : active().getUpdateCount();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        return ownsResults ? -1 : active().getLargeUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return getMoreResults(CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        if (ownsResults) {
            if (current == CLOSE_CURRENT_RESULT) {
                closeCurrentResult();
            }
            currentResult = null;
            return false;
        }
        return active().getMoreResults(current);
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        ResultSet keys = active().getGeneratedKeys();
        return keys == null ? null : new CachetResultSet(this, keys, null);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connection;
    }

    /** Cancels what runs now, on whichever physical connection it runs (another thread calls this). */
    @Override
    public void cancel() throws SQLException {
        active().cancel();
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        delegate.setFetchSize(rows);
        fetchSize = rows;
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        delegate.setQueryTimeout(seconds);
        queryTimeout = seconds;
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        delegate.setMaxRows(max);
        maxRows = max;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        delegate.setLargeMaxRows(max);
        maxRows = max;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        delegate.closeOnCompletion();
        closeOnCompletion = true;
    }

    /**
     * Also true once the statement was to close on completion and its result from the cache was closed: a cached
     * result has no real result set whose closing would close the real statement, so the check happens here.
     */
    @Override
    public boolean isClosed() throws SQLException {
        if (closeOnCompletion && ownsResults && currentResult != null && currentResult.isClosed()) {
            close();
        }
        return delegate.isClosed();
    }

    @Override
    public void close() throws SQLException {
        closeCurrentResult(); // a result being filled reads on to its end before the real statement closes
        if (elsewhere != null) {
            for (Statement s : elsewhere.values()) {
                try {
                    s.close();
                } catch (SQLException ignored) {
                    // its connection may be gone; the application's statement is the primary's
                }
            }
            elsewhere = null;
        }
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
