package dev.cachet.driver.jdbc;

import dev.cachet.driver.CachetSettings;
import dev.cachet.driver.Route;
import dev.cachet.parser.Dialect;
import dev.cachet.parser.StatementInfo;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cachet's logical connection, what the application holds: it answers the JDBC calls — statement creation, session
 * setters, transaction calls, close — by placing them on its {@link PhysicalConnections} and recording their effect
 * in its {@link LogicalSession}, and hands out Cachet's statements, which run through the {@link ExecutionPipeline}.
 *
 * <p>Calls that only the real driver can answer pass through to the lead physical connection, and its exceptions
 * reach the application unchanged. {@link #unwrap} reaches the real primary connection.
 */
public final class CachetConnection extends DelegatingConnection {

    private static final Logger log = LoggerFactory.getLogger(CachetConnection.class);

    private final Cluster cluster;
    private final CachetSettings settings;
    private final Dialect dialect;
    /** The physical connections this logical one holds: its primary slot, replica slots and lead. */
    final PhysicalConnections physical;
    private final ExecutionPipeline pipeline;
    /** The session and transaction as Cachet models them, and what statements and JDBC calls do to them. */
    final LogicalSession session;
    /** Set when the physical connections are borrowed from pools (a wrapped DataSource): see {@link #releasesToPool}. */
    private boolean pooled;
    private CachetDatabaseMetaData metaData;
    /** The real connection {@link #metaData} was made from. */
    private Connection metaDataOf;
    /** Volatile: {@link #abort} comes from another thread, and the owner's next call must see it. */
    private volatile boolean closed;
    /**
     * Claimed by the one call that ends this connection's session: {@link #close}, or an {@link #abort} that came
     * first. An abort during a close only cuts the physical connections under it.
     */
    private final AtomicBoolean ending = new AtomicBoolean();
    /** Whether an abort or the owner's call under way ends the session, when the abort claimed its end. */
    private final CallsUnderWay calls = new CallsUnderWay();
    /**
     * Replica routing (DESIGN §9); null while the cluster has no replicas. A connection opened without a connector in
     * a cluster that has replicas gets a routing that runs everything on its primary but reports its writes
     * (read-your-writes), attached when it is opened or, if the cluster gained replicas later, at its next write.
     */
    private ConnectionRouting routing;
    /** Where the last query ran when there is no routing. */
    private PhysicalConnection lastTarget;

    /**
     * Wraps a freshly opened (or freshly borrowed) real connection as the primary of a new logical connection of a
     * cluster without replicas. Reads the state the server started the session with: auto-commit, isolation,
     * read-only, holdability and user.
     *
     * @param driverOptions the real driver options that change how results render (part of every cache key)
     */
    public CachetConnection(Cluster cluster, CachetSettings settings, Connection real, String driverOptions)
            throws SQLException {
        this(cluster, settings, real, null, null, driverOptions);
    }

    /**
     * A logical connection of a cluster with replica routing, opened on {@code real}: a connection to a replica
     * ({@code replica} its state) or, with {@code replica} null, to the primary. Every further physical connection
     * is opened through {@code connector}, with this logical connection's own credentials and driver properties
     * (DESIGN §2); the primary only when a statement needs it.
     */
    public CachetConnection(Cluster cluster, CachetSettings settings, Connection real,
                            dev.cachet.driver.routing.ReplicaState replica,
                            dev.cachet.driver.routing.JdbcNodeProbe.HostConnector connector, String driverOptions)
            throws SQLException {
        super(real);
        this.cluster = cluster;
        this.settings = settings;
        this.dialect = cluster.dialect();
        SessionState opened = new SessionState(real.getMetaData().getUserName(), real.getAutoCommit(),
                real.getTransactionIsolation(), real.isReadOnly(), null, null, null, null, real.getHoldability());
        this.session = new LogicalSession(this, cluster, opened, driverOptions);
        this.pipeline = new ExecutionPipeline(this, session, cluster);
        ClusterRouting clusterRouting = cluster.routing();
        if (clusterRouting != null) {
            clusterRouting.ensureStarted();
            this.routing = new ConnectionRouting(this, clusterRouting, opened, connector);
        }
        PhysicalConnection home = replica == null ? new PhysicalConnection(real, Route.PRIMARY, opened)
                : PhysicalConnection.replica(real, opened, replica);
        this.physical = new PhysicalConnections(this, dialect, home);
        if (replica != null) {
            routing.adopt(home);
        }
        cluster.ensureDependencies(real, replica == null);
    }

    // ---------------------------------------------------------------- placement, used by the pipeline and routing

    /** The cluster this connection belongs to (for the operator API). */
    public Cluster cluster() {
        return cluster;
    }

    ExecutionPipeline pipeline() {
        return pipeline;
    }

    Dialect dialect() {
        return dialect;
    }

    /** Whether this connection may use the cache at all ({@code cachet.enabled} of its own settings). */
    boolean cachingEnabled() {
        return settings.enabled() && cluster.caching();
    }

    /**
     * Whether a prepared query that writes nothing may need its bound values: for the cache key when this connection
     * may cache, or to bind them again on another physical connection when it routes to replicas.
     */
    boolean mayNeedParameters() {
        return settings.enabled() || routing != null;
    }

    /** The primary slot, connected now if this logical connection has not used the primary yet. */
    PhysicalConnection primary() throws SQLException {
        return physical.primary();
    }

    /** Routing of this connection, null while the cluster has no replicas. */
    ConnectionRouting routing() {
        return routing;
    }

    /** The lead physical connection moved to {@code lead}: the generated pass-through's calls follow it. */
    void leadMoved(Connection lead) {
        delegate = lead;
    }

    private PhysicalConnection lead() throws SQLException {
        return physical.lead();
    }

    /** The lead, brought to the session state first (see {@link PhysicalConnections#syncedLead}). */
    private PhysicalConnection syncedLead() throws SQLException {
        return physical.syncedLead(session.state());
    }

    /** Makes a real statement of {@code home} for a new Cachet statement. */
    @FunctionalInterface
    private interface StatementMaker<T> {
        T make(PhysicalConnection home) throws SQLException;
    }

    /**
     * Creates a statement on its home ({@link PhysicalConnections#statementHome}). A replica home that turns out broken
     * while the statement is created leaves the rotation and the statement is created on the next home, as a read
     * would be retried; any other failure is the real driver's and passes through.
     */
    private <T> T onHome(boolean needsPrimary, StatementMaker<T> maker) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            PhysicalConnection on = physical.statementHome(needsPrimary);
            try {
                return maker.make(on);
            } catch (SQLException e) {
                if (on.replica() == null || attempt > physical.replicas.size() || !routing.failed(on, e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Creates a prepared statement where it will most likely run. On the primary without routing; when it cannot run on
     * a replica by what it is; or when a JDBC transaction is open or about to be (auto-commit off), where it will most
     * likely run on the primary and parameters that cannot be bound again elsewhere (streams) would be stranded on a
     * replica. Otherwise on the replica the read strategy picks for it now — its first execution runs there while that
     * replica may serve it, so the statement is not prepared twice — else on the home; preparing a query never
     * connects the primary.
     */
    private <T extends CachetStatement> T onQueryHome(String sql, StatementOptions options, StatementMaker<T> maker)
            throws SQLException {
        if (routing == null || !session.state().autoCommit() || session.inTransaction()) {
            return onHome(true, maker);
        }
        return onQueryHome(pipeline.analyze(sql), options, maker);
    }

    /** {@link #onQueryHome(String, StatementOptions, StatementMaker)} with routing on, for a query analyzed as info. */
    private <T extends CachetStatement> T onQueryHome(StatementInfo info, StatementOptions options,
                                                      StatementMaker<T> maker) throws SQLException {
        if (routing.needsPrimary(info, options)) {
            return onHome(true, maker);
        }
        checkOpen();
        PhysicalConnection replica = routing.readHome(info);
        if (replica != null) {
            try {
                T made = maker.make(replica);
                made.firstRunAtHome = true;
                return made;
            } catch (SQLException e) {
                if (!routing.failed(replica, e)) {
                    throw e;
                }
            }
        }
        return onHome(false, maker);
    }

    /**
     * Chooses the physical connection a statement runs on, from its analysis and the transaction and session state,
     * and brings that connection to the logical session state. The one place routing decides (DESIGN §9); today every
     * statement runs on the primary.
     */
    PhysicalConnection route(StatementInfo info, boolean updatable) throws SQLException {
        return route(info, (CachetStatement) null);
    }

    /** {@link #route(StatementInfo, boolean)} for a statement of {@code owner} (null: not known). */
    PhysicalConnection route(StatementInfo info, CachetStatement owner) throws SQLException {
        if (routing != null) {
            return routing.route(info, owner);
        }
        PhysicalConnection target = primary();
        target.sync(session.state(), dialect);
        return target;
    }

    /**
     * Runs a query of {@code owner} where routing sends it (a replica when DESIGN §9 allows, retried elsewhere if the
     * replica fails before a row reached the application) and returns the real result; {@link #lastTarget()} then
     * says where it ran.
     */
    ResultSet runQuery(CachetStatement owner, StatementInfo info) throws SQLException {
        if (routing != null) {
            return routing.query(owner, info);
        }
        PhysicalConnection target = route(info, owner);
        lastTarget = target;
        return owner.runQuery(target, info);
    }

    /** Where the last {@link #runQuery} ran. */
    PhysicalConnection lastTarget() {
        return routing != null ? routing.lastTarget() : lastTarget;
    }

    /** Whether a result read on {@code target} may fill the cache (a replica must have replayed the tables' writes). */
    boolean fillAllowed(PhysicalConnection target, StatementInfo info) {
        return routing == null || routing.fillAllowed(target, info);
    }

    /** A write to {@code scope} is about to run (read-your-writes bookkeeping, DESIGN §9). */
    void writeStarting(Set<String> scope) {
        ConnectionRouting r = routing;
        if (r == null && !scope.isEmpty()) {
            ClusterRouting clusterRouting = cluster.routing();
            if (clusterRouting == null) {
                return;
            }
            // the cluster gained replicas after this connection opened: its writes must reach read-your-writes too
            clusterRouting.ensureStarted();
            r = new ConnectionRouting(this, clusterRouting, session.state(), null);
            routing = r;
        }
        if (r != null) {
            r.writeStarting(scope);
        }
    }

    /** The autocommit write announced by {@link #writeStarting} returned or failed. */
    void writeFinished() {
        if (routing != null) {
            routing.writeFinished();
        }
    }

    /** Where a statement would run if executed now (for events about hits, which run nowhere). */
    Route plannedRoute(StatementInfo info) {
        return cluster.plannedRoute(info);
    }

    // ---------------------------------------------------------------- statements

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, null);
    }

    @Override
    public Statement createStatement(int type, int concurrency) throws SQLException {
        return createStatement(type, concurrency, null);
    }

    @Override
    public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
        return createStatement(type, concurrency, (Integer) holdability);
    }

    /** A statement on the lead physical connection (an updatable one on the primary, where its writes must run). */
    private Statement createStatement(int type, int concurrency, Integer holdability) throws SQLException {
        StatementOptions options = type == ResultSet.TYPE_FORWARD_ONLY && concurrency == ResultSet.CONCUR_READ_ONLY
                ? StatementOptions.PLAIN : new StatementOptions(type, concurrency, null);
        return onHome(options.updatable(), on -> {
            Connection c = on.connection();
            Statement real = holdability == null ? c.createStatement(type, concurrency)
                    : c.createStatement(type, concurrency, holdability);
            return new CachetStatement(this, on, real, options);
        });
    }

    /**
     * The form every prepared read of an application takes: analyzed once, for where it lives and for the statement.
     * Without routing, or in a transaction, on the primary (see {@link #onQueryHome}).
     */
    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        StatementOptions options = StatementOptions.prepared(sql);
        StatementInfo info = pipeline.analyze(sql);
        if (routing == null || !session.state().autoCommit() || session.inTransaction()) {
            PhysicalConnection on = physical.statementHome(true);
            return new CachetPreparedStatement(this, on, on.connection().prepareStatement(sql), options, info);
        }
        return onQueryHome(info, options,
                on -> new CachetPreparedStatement(this, on, on.connection().prepareStatement(sql), options, info));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
        StatementOptions options = new StatementOptions(type, concurrency, sql);
        return onQueryHome(sql, options, on -> new CachetPreparedStatement(this, on,
                on.connection().prepareStatement(sql, type, concurrency), options));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability)
            throws SQLException {
        StatementOptions options = new StatementOptions(type, concurrency, sql);
        return onQueryHome(sql, options, on -> new CachetPreparedStatement(this, on,
                on.connection().prepareStatement(sql, type, concurrency, holdability), options));
    }

    /**
     * Generated keys come from writes, which run on the primary: these forms are prepared there (but
     * {@code NO_GENERATED_KEYS} is the plain form, placed as {@link #prepareStatement(String)} places it).
     */
    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        if (autoGeneratedKeys == Statement.NO_GENERATED_KEYS) {
            return prepareStatement(sql);
        }
        PhysicalConnection on = primary();
        return new CachetPreparedStatement(this, on, on.connection().prepareStatement(sql, autoGeneratedKeys),
                StatementOptions.prepared(sql));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        PhysicalConnection on = primary();
        return new CachetPreparedStatement(this, on, on.connection().prepareStatement(sql, columnIndexes),
                StatementOptions.prepared(sql));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        PhysicalConnection on = primary();
        return new CachetPreparedStatement(this, on, on.connection().prepareStatement(sql, columnNames),
                StatementOptions.prepared(sql));
    }

    /** Calls run on the primary (DESIGN §9): they are prepared there. */
    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        PhysicalConnection on = primary();
        return new CachetCallableStatement(this, on, on.connection().prepareCall(sql), StatementOptions.prepared(sql));
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
        PhysicalConnection on = primary();
        return new CachetCallableStatement(this, on, on.connection().prepareCall(sql, type, concurrency),
                new StatementOptions(type, concurrency, sql));
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability) throws SQLException {
        PhysicalConnection on = primary();
        return new CachetCallableStatement(this, on,
                on.connection().prepareCall(sql, type, concurrency, holdability),
                new StatementOptions(type, concurrency, sql));
    }

    /**
     * Large objects are written where they are created (pgjdbc's live in the database's large-object store), so LOBs
     * are created on the primary.
     */
    @Override
    public java.sql.Blob createBlob() throws SQLException {
        return primary().connection().createBlob();
    }

    @Override
    public java.sql.Clob createClob() throws SQLException {
        return primary().connection().createClob();
    }

    @Override
    public java.sql.NClob createNClob() throws SQLException {
        return primary().connection().createNClob();
    }

    /** Savepoints belong to the transaction's physical connection: the one it is pinned to, else the primary. */
    @Override
    public Savepoint setSavepoint() throws SQLException {
        return transactionConnection().setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return transactionConnection().setSavepoint(name);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        transactionConnection().releaseSavepoint(savepoint);
    }

    private Connection transactionConnection() throws SQLException {
        PhysicalConnection p = routing != null ? routing.transactionConnection() : primary();
        p.sync(session.state(), dialect);
        return p.connection();
    }

    /**
     * The real primary connection for {@link Connection#unwrap}: what an application unwraps for it may write (COPY,
     * large objects), so it is the primary's, connected now if need be.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        Connection real = primary().connection();
        return iface.isInstance(real) ? iface.cast(real) : real.unwrap(iface);
    }

    /** The metadata of the lead; made again when the lead moved (a replica it was made on may be gone). */
    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        Connection lead = lead().connection();
        if (metaData == null || metaDataOf != lead) {
            metaData = new CachetDatabaseMetaData(this, lead.getMetaData());
            metaDataOf = lead;
        }
        return metaData;
    }

    // ---------------------------------------------------------------- transactions

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        enterCall();
        try {
            changeAutoCommit(autoCommit);
        } finally {
            exitCall();
        }
    }

    private void changeAutoCommit(boolean autoCommit) throws SQLException {
        boolean wasInTransaction = session.inTransaction();
        boolean modeChanges = autoCommit != session.state().autoCommit();
        boolean succeeded = false;
        try {
            if (autoCommit && wasInTransaction && routing != null) {
                routing.endPinned(true); // a replica the transaction ran on commits with it
            }
            PhysicalConnection lead = syncedLead();
            lead.connection().setAutoCommit(autoCommit);
            if (autoCommit) {
                // turning it on commits a transaction wherever one runs; the others follow when next used
                physical.autoCommitOnElsewhere(lead);
            }
            succeeded = true;
        } finally {
            // turning auto-commit on commits an open transaction (JDBC); a failed call may or may not have
            if (autoCommit && wasInTransaction) {
                session.autoCommitTurnedOn(modeChanges && succeeded);
            }
        }
        session.changed(session.state().withAutoCommit(autoCommit));
        lead().applied(session.state());
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return session.state().autoCommit();
    }

    @Override
    public void commit() throws SQLException {
        endTransaction(true);
    }

    @Override
    public void rollback() throws SQLException {
        endTransaction(false);
    }

    private void endTransaction(boolean commit) throws SQLException {
        enterCall();
        try {
            boolean succeeded = false;
            try {
                endEverywhere(commit);
                succeeded = true;
            } finally {
                session.transactionCallReturned(succeeded, commit ? "commit" : "rollback");
            }
            readCatalogIfDue(true);
        } finally {
            exitCall();
        }
    }

    /**
     * Makes the cluster's awaited catalog reading ({@link ClusterCatalog}) if this connection can: only between
     * transactions — before a statement under auto-commit, or right after {@code commit()} or {@code rollback()}
     * ({@code ended}) — and on its primary connection, since a replica may not have replayed the latest DDL; with
     * replicas, only once that is open (the primary is connected when a statement needs it, never for this). One
     * connection reads; the others go on in doubt. A reading that began a transaction (auto-commit off) is rolled back
     * at once: nothing of the application's ran in it.
     */
    void readCatalogIfDue(boolean ended) {
        if (!cluster.catalogReadDue() || !ended && session.inTransaction()) {
            return;
        }
        PhysicalConnection primary = physical.primaryIfOpen(); // without replicas, the home connection
        if (primary == null || session.unseenTransactionMayBeOpen(primary)) {
            return; // a reading there could run inside a transaction, under its snapshot
        }
        cluster.readCatalogIfDue(primary.connection());
    }

    /**
     * Commits or rolls back where the transaction runs: its pinned replica (through routing), then the primary or
     * lead and every other physical connection in manual-commit mode ({@link PhysicalConnections#endEverywhere}).
     */
    private void endEverywhere(boolean commit) throws SQLException {
        PhysicalConnection pinned = routing != null ? routing.pinnedReplica() : null;
        if (pinned != null) {
            routing.endPinned(commit);
        }
        physical.endEverywhere(commit, pinned);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        enterCall();
        try {
            transactionConnection().rollback(savepoint);
        } finally {
            try {
                session.rolledBackToSavepoint();
            } finally {
                exitCall();
            }
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        PhysicalConnection lead = syncedLead();
        lead.setTransactionIsolation(level); // a standby lead gets SERIALIZABLE as REPEATABLE READ
        session.changed(session.state().withIsolation(level));
        lead.applied(session.state());
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return session.state().isolation();
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        PhysicalConnection lead = syncedLead();
        lead.connection().setReadOnly(readOnly);
        session.changed(session.state().withReadOnly(readOnly));
        lead.applied(session.state());
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return session.state().readOnly();
    }

    // ---------------------------------------------------------------- session

    @Override
    public void setCatalog(String catalog) throws SQLException {
        PhysicalConnection lead = syncedLead();
        lead.connection().setCatalog(catalog);
        session.settingChangedInTransaction();
        session.changed(session.state().withCatalog(catalog));
        lead.applied(session.state());
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        PhysicalConnection lead = syncedLead();
        lead.connection().setSchema(schema);
        session.settingChangedInTransaction();
        if (routing != null) {
            // the other physical connections get it as SET search_path, unseen by their pools
            session.sqlSettingApplied();
        }
        session.changed(session.state().withSchema(schema));
        lead.applied(session.state());
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        PhysicalConnection lead = syncedLead();
        lead.connection().setHoldability(holdability);
        session.changed(session.state().withHoldability(holdability));
        lead.applied(session.state());
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        physical.setNetworkTimeout(executor, milliseconds);
    }

    @Override
    public void setClientInfo(String name, String value) throws java.sql.SQLClientInfoException {
        physical.setClientInfo(name, value);
    }

    @Override
    public void setClientInfo(java.util.Properties properties) throws java.sql.SQLClientInfoException {
        physical.setClientInfo(properties);
    }

    @Override
    public void setTypeMap(java.util.Map<String, Class<?>> map) throws SQLException {
        physical.setTypeMap(map);
    }

    /**
     * Clears the warnings of every physical connection that may hold some ({@link PhysicalConnections#clearWarnings}:
     * the lead, the primary, and each replica connection used since its last clear). Pools call this when a connection
     * returns (HikariCP on every return), so it is also where Cachet keeps one user's session from reaching the next: on PostgreSQL, outside a
     * transaction, when the application changed the role or session user, or a setting Cachet does not model
     * ({@code set_config}, a custom variable), through SQL, every physical connection is reset ({@code RESET ROLE},
     * {@code SET SESSION AUTHORIZATION DEFAULT}, {@code RESET ALL}) and the schema and time zone the logical
     * connection keeps are applied again before its next statement.
     */
    @Override
    public void clearWarnings() throws SQLException {
        physical.clearWarnings();
        if (!closed && !session.inTransaction() && session.sqlStateSet()) {
            session.resetSql();
        }
    }

    /**
     * Marks this connection's physical connections as borrowed from pools (a wrapped DataSource), which hand them to
     * the next borrower as they are: before they return, a transaction begun by SQL is rolled back and a search_path
     * or time zone set through SQL is reset ({@link LogicalSession#beforeRelease}). Returns this connection.
     */
    public CachetConnection releasesToPool() {
        pooled = true;
        return this;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void close() throws SQLException {
        // claimed before the session's release work, which an abort from another thread must not run beside
        if (closed || !ending.compareAndSet(false, true)) {
            return;
        }
        session.beforeRelease(pooled);
        closed = true;
        try {
            if (routing != null) {
                routing.closed();
            }
            physical.close();
        } finally {
            ended();
        }
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        // a close under way (its rollback stuck on the server, say) ends the session itself: this only cuts under it
        boolean ends = ending.compareAndSet(false, true);
        try {
            physical.abort(executor);
        } finally {
            // a commit or write under way on the owner's thread ends the session as it returns (CallsUnderWay)
            if (ends && calls.abort()) {
                ended();
            }
        }
    }

    /**
     * Before a call that may write or end a transaction ({@link CallsUnderWay}); every such call then ends with
     * {@link #exitCall()}.
     *
     * @throws SQLException 08003 after {@code close()} or {@code abort()}
     */
    void enterCall() throws SQLException {
        if (calls.enter()) {
            if (!closed) {
                return;
            }
            exitCall();
        }
        throw closedError();
    }

    /**
     * After a call begun with {@link #enterCall()}: ends the session if an abort came meanwhile and left it to this
     * call — whose own outcome (a commit that succeeded, say) a failure of that end must not replace.
     */
    void exitCall() {
        if (calls.exit()) {
            try {
                ended();
            } catch (RuntimeException e) {
                log.warn("Cachet cluster {}: ending an aborted connection's session failed", cluster.id(), e);
            }
        }
    }

    private void ended() {
        try {
            session.connectionEnded();
            if (routing != null) {
                routing.closed();
            }
        } finally {
            ClusterRegistry.release(cluster);
        }
    }

    /**
     * True after {@link #close()} or {@link #abort}, or when the primary connection (the only one without routing)
     * reports itself closed. A replica connection that failed does not close the logical connection: routing
     * replaces it.
     */
    @Override
    public boolean isClosed() throws SQLException {
        if (closed) {
            return true;
        }
        return physical.primaryClosed();
    }

    /** True after {@link #close()} or {@link #abort}: without asking the real driver, unlike {@link #isClosed()}. */
    boolean closeCalled() {
        return closed;
    }

    /**
     * Whether the lead connection is valid; with routing, a lead replica that is not leaves the rotation and the
     * answer is that of the next home (a healthy replica, else the primary, connected now).
     */
    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (closed) {
            return false;
        }
        return physical.isValid(timeout);
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw closedError();
        }
    }

    private static SQLException closedError() {
        return new SQLException("Cachet connection is closed", "08003");
    }

    @Override
    public String toString() {
        return "CachetConnection[" + cluster.id() + ", " + delegate + "]";
    }
}
