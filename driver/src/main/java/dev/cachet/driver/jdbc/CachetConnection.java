package dev.cachet.driver.jdbc;

import dev.cachet.cache.SessionKey;
import dev.cachet.driver.CachetSettings;
import dev.cachet.driver.Route;
import dev.cachet.parser.Dialect;
import dev.cachet.parser.SessionEffect;
import dev.cachet.parser.StatementInfo;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Cachet's logical connection: what the application holds. It tracks the session and transaction state from the
 * application's calls and statements, owns the physical connections that run its statements (a primary slot and,
 * with routing, replica slots; DESIGN §9), and hands out Cachet's statements, which run through the
 * {@link ExecutionPipeline}.
 *
 * <p>Calls that only the real driver can answer pass through to the primary physical connection, and its
 * exceptions reach the application unchanged. {@link #unwrap} reaches the real connection.
 */
public final class CachetConnection extends DelegatingConnection {

    private final Cluster cluster;
    private final CachetSettings settings;
    private final Dialect dialect;
    /** The physical connections this logical one holds: its primary slot, replica slots and lead. */
    final PhysicalConnections physical;
    private final ExecutionPipeline pipeline;
    private final TransactionState transaction = new TransactionState();
    private final String originalUser;
    /** The rendering-relevant real driver options of this connection, part of every cache key (see SessionKey). */
    private final String driverOptions;

    private SessionState session;
    /** The key's session part for the current session state; null when it must be rebuilt. */
    private SessionKey sessionKey;
    /** See {@link #namespaceChanges()}. */
    private int namespaceChanges;
    /** Set when a transaction left open at close could not be rolled back: its blocks lapse by themselves. */
    private boolean blocksOutliveConnection;
    /** Set by a session change Cachet does not model: no caching until RESET ALL / DISCARD ALL or close. */
    private boolean unmodelledSession;
    /**
     * Set when a search_path or time zone reached a physical connection as SQL (SET search_path, SET TIME ZONE), which
     * a pool does not see: the physical connections are reset before they are released (see {@link #clearWarnings}).
     */
    private boolean sqlSettings;
    /** Set when a statement that may change the catalog ran inside the open transaction: read it again at commit. */
    private boolean catalogChangedInTransaction;
    /** Set when the physical connections are borrowed from pools (a wrapped DataSource): see {@link #releasesToPool}. */
    private boolean pooled;
    /** Temporary tables this connection created (canonical names); their reads are never cached. */
    private Set<String> temporaryTables;
    private CachetDatabaseMetaData metaData;
    /** The real connection {@link #metaData} was made from. */
    private Connection metaDataOf;
    private boolean closed;
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
        this.driverOptions = driverOptions;
        String user = real.getMetaData().getUserName();
        this.originalUser = user;
        this.session = new SessionState(user, real.getAutoCommit(), real.getTransactionIsolation(), real.isReadOnly(),
                null, null, null, null, real.getHoldability());
        this.pipeline = new ExecutionPipeline(this, cluster);
        ClusterRouting clusterRouting = cluster.routing();
        if (clusterRouting != null) {
            clusterRouting.ensureStarted();
            this.routing = new ConnectionRouting(this, clusterRouting, session, connector);
        }
        PhysicalConnection opened = replica == null ? new PhysicalConnection(real, Route.PRIMARY, session)
                : PhysicalConnection.replica(real, session, replica);
        this.physical = new PhysicalConnections(this, dialect, opened);
        if (replica != null) {
            routing.adopt(opened);
        }
        cluster.ensureDependencies(real);
    }

    // ---------------------------------------------------------------- state used by the pipeline

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

    SessionState session() {
        return session;
    }

    TransactionState transaction() {
        return transaction;
    }

    boolean inTransaction() {
        return transaction.open(session);
    }

    boolean unmodelledSession() {
        return unmodelledSession;
    }

    /**
     * Whether a replica connection can run as this session's user: always on PostgreSQL, where {@code SET SESSION
     * AUTHORIZATION} is applied to every physical connection; elsewhere only while the session user is the login user
     * (DESIGN §2, §11: a replica never runs a read as another user than the primary would).
     */
    boolean sessionUserReplayable() {
        return dialect == Dialect.POSTGRESQL || java.util.Objects.equals(session.user(), originalUser);
    }

    boolean readsTemporaryTable(Set<String> tablesRead) {
        if (temporaryTables == null || temporaryTables.isEmpty()) {
            return false;
        }
        for (String t : tablesRead) {
            if (temporaryTables.contains(t)) {
                return true;
            }
        }
        return false;
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

    private PhysicalConnection syncedLead() throws SQLException {
        return physical.syncedLead(session);
    }

    /** Makes a real statement of {@code home} for a new Cachet statement. */
    @FunctionalInterface
    private interface StatementMaker<T> {
        T make(PhysicalConnection home) throws SQLException;
    }

    /**
     * Creates a statement on its home ({@link #statementHome}). A replica home that turns out broken while the
     * statement is created leaves the rotation and the statement is created on the next home, as a read would be
     * retried; any other failure is the real driver's and passes through.
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
        if (routing == null || !session.autoCommit() || inTransaction()) {
            return onHome(true, maker);
        }
        StatementInfo info = pipeline.analyze(sql);
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
        target.sync(session, dialect);
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
            r = new ConnectionRouting(this, clusterRouting, session, null);
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

    /** The cache key's session part, built once per session state (catalog and schema read once if never set). */
    SessionKey sessionKey() throws SQLException {
        SessionKey key = sessionKey;
        if (key == null) {
            SessionState s = session;
            PhysicalConnection lead = lead();
            boolean inSync = lead.applied() == s;
            if (s.catalog() == null) {
                s = s.withCatalog(lead.connection().getCatalog());
            }
            if (s.schema() == null) {
                s = s.withSchema(lead.connection().getSchema());
            }
            session = s;
            if (inSync) {
                lead.applied(s);
            }
            key = SessionKey.of(s.user(), s.catalog(), s.schema(), s.role(), s.timeZone(), dialect.name(),
                    driverOptions);
            sessionKey = key;
        }
        return key;
    }

    /**
     * A statement that may have changed the catalog (DDL, or one Cachet cannot see through) succeeded on {@code target}:
     * the cluster's table dependencies are read again now and, inside a transaction whose catalog reads run on another
     * session (the probe user's), again when it commits: that session cannot see the transaction's DDL before then.
     */
    void catalogMayHaveChanged(PhysicalConnection target) {
        cluster.loadDependencies(target.connection());
        if (inTransaction() && cluster.readsCatalogElsewhere()) {
            catalogChangedInTransaction = true;
        }
    }

    /**
     * Counts changes of user, catalog, schema or role. A statement prepared before one may still name the tables it
     * resolved then (H2 resolves names when it prepares), so it runs uncached after one.
     */
    int namespaceChanges() {
        return namespaceChanges;
    }

    private void sessionChanged(SessionState next) {
        if (next != session) {
            SessionState s = session;
            if (!java.util.Objects.equals(next.user(), s.user()) || !java.util.Objects.equals(next.catalog(), s.catalog())
                    || !java.util.Objects.equals(next.schema(), s.schema())
                    || !java.util.Objects.equals(next.role(), s.role())) {
                namespaceChanges++;
            }
            session = next;
            sessionKey = null;
        }
    }

    // ---------------------------------------------------------------- effects of statements

    /**
     * Applies what a statement that ran successfully on {@code where} did to the session and transaction state: its
     * session effect, the temporary tables it created or dropped.
     */
    void statementSucceeded(StatementInfo info, PhysicalConnection where) {
        SessionEffect effect = info.sessionEffect();
        if (effect != null) {
            apply(effect);
            if (effect.type() == SessionEffect.Type.UNMODELLED) {
                adoptAutoCommit(where);
            }
            where.applied(session);
        }
        Set<String> created = info.temporaryTablesCreated();
        if (!created.isEmpty()) {
            if (temporaryTables == null) {
                temporaryTables = new HashSet<>();
            }
            temporaryTables.addAll(created);
        }
        if (temporaryTables != null && !info.tablesDropped().isEmpty()) {
            temporaryTables.removeAll(info.tablesDropped());
        }
    }

    /**
     * An unmodelled session statement may have changed auto-commit too ({@code SET autocommit = 0, sql_mode = ''}):
     * where the driver knows the server's mode (MariaDB, MySQL), Cachet's transaction tracking follows it.
     */
    private void adoptAutoCommit(PhysicalConnection where) {
        boolean real;
        try {
            real = where.connection().getAutoCommit();
        } catch (SQLException e) {
            return; // the connection is failing; the next statement will tell the application
        }
        if (real != session.autoCommit()) {
            if (real && inTransaction()) {
                autoCommitTurnedOn(true);
            }
            sessionChanged(session.withAutoCommit(real));
        }
    }

    /** True when the statement only created or dropped this connection's temporary tables. */
    boolean onlyTemporaryDdl(StatementInfo info) {
        if (!info.temporaryTablesCreated().isEmpty()) {
            return true;
        }
        return temporaryTables != null && !info.tablesDropped().isEmpty()
                && temporaryTables.containsAll(info.tablesDropped());
    }

    private void apply(SessionEffect effect) {
        String value = effect.value();
        switch (effect.type()) {
            case SET_SESSION_ISOLATION, SET_SESSION_READ_ONLY, SET_SCHEMA, USE_CATALOG, SET_ROLE, RESET_ROLE,
                    SET_SESSION_AUTHORIZATION, SET_TIME_ZONE -> {
                settingChangedInTransaction();
            }
            default -> {
            }
        }
        switch (effect.type()) {
            case BEGIN, BEGIN_READ_ONLY -> {
                transaction.begin(effect.type() == SessionEffect.Type.BEGIN_READ_ONLY);
                if (value != null) {
                    // BEGIN ISOLATION LEVEL …: this transaction's own level; one Cachet cannot read bypasses the cache
                    int level = isolationLevel(value);
                    transaction.isolation(level < 0 ? TRANSACTION_SERIALIZABLE : level);
                }
            }
            case COMMIT -> endTransaction("commit");
            case ROLLBACK -> rolledBack();
            case ROLLBACK_TO_SAVEPOINT -> rolledBackToSavepoint();
            case SAVEPOINT, RELEASE_SAVEPOINT, HARMLESS -> {
            }
            case SET_AUTOCOMMIT -> {
                boolean on = Boolean.parseBoolean(value);
                if (on && inTransaction()) {
                    autoCommitTurnedOn(!session.autoCommit());
                }
                sessionChanged(session.withAutoCommit(on));
            }
            case SET_TRANSACTION_ISOLATION -> {
                int level = isolationLevel(value);
                if (level < 0) {
                    unmodelledSession = true;
                } else {
                    transaction.isolation(level);
                }
            }
            case SET_SESSION_ISOLATION -> {
                int level = isolationLevel(value);
                if (level < 0) {
                    unmodelledSession = true;
                } else {
                    sessionChanged(session.withIsolation(level));
                }
            }
            case SET_TRANSACTION_READ_ONLY -> transaction.readOnly(Boolean.parseBoolean(value));
            case SET_SESSION_READ_ONLY -> sessionChanged(session.withReadOnly(Boolean.parseBoolean(value)));
            case SET_SCHEMA -> {
                sqlSettings = true;
                sessionChanged(session.withSchema(value));
            }
            case USE_CATALOG -> sessionChanged(session.withCatalog(value));
            case SET_ROLE -> sessionChanged(session.withRole(value));
            case RESET_ROLE -> sessionChanged(session.withRole(null));
            case SET_SESSION_AUTHORIZATION -> sessionChanged(session.withRole(null).withUser(
                    value == null || value.equalsIgnoreCase("default") ? originalUser : value));
            case SET_TIME_ZONE -> {
                sqlSettings = true;
                sessionChanged(session.withTimeZone(value));
            }
            case RESET_ALL -> {
                unmodelledSession = false;
                // the server's defaults are read again when the key is next built
                sessionChanged(session.withSchema(null).withTimeZone(null).withRole(null));
            }
            case DISCARD_ALL -> {
                unmodelledSession = false;
                if (temporaryTables != null) {
                    temporaryTables.clear();
                }
                sessionChanged(session.withSchema(null).withTimeZone(null).withRole(null).withUser(originalUser));
            }
            case UNMODELLED -> unmodelledSession = true;
        }
    }

    private static int isolationLevel(String value) {
        if (value == null) {
            return -1;
        }
        return switch (value.trim().toUpperCase(java.util.Locale.ROOT).replace('_', ' ')) {
            case "READ UNCOMMITTED" -> TRANSACTION_READ_UNCOMMITTED;
            case "READ COMMITTED" -> TRANSACTION_READ_COMMITTED;
            case "REPEATABLE READ" -> TRANSACTION_REPEATABLE_READ;
            case "SERIALIZABLE", "SNAPSHOT" -> TRANSACTION_SERIALIZABLE;
            default -> -1;
        };
    }

    /**
     * Ends the current transaction in Cachet's books: invalidates what it wrote (again) and releases its blocks
     * (DESIGN §6). Called after commit, rollback, auto-commit turned on, close and abort.
     */
    private void endTransaction(String cause) {
        if (cause.equals("rollback") && transaction.sessionChangedInside()) {
            // PostgreSQL undoes SET inside a rolled-back transaction: what Cachet recorded may no longer hold
            unmodelledSession = true;
        }
        boolean committedCatalog = catalogChangedInTransaction && cause.equals("commit");
        catalogChangedInTransaction = false;
        try {
            if (committedCatalog) {
                // the catalog read at the DDL ran outside the transaction (the probe user's connection) or saw what
                // it may since have undone: read what committed, and follow its new edges from what was written
                cluster.loadDependencies(physical.primaryOrHome().connection());
            }
            if (transaction.hasWritten()) {
                try {
                    Set<String> scope = transaction.scope();
                    cluster.invalidate(committedCatalog && scope != Cluster.ALL_TABLES ? cluster.expand(scope) : scope,
                            cause);
                } finally {
                    cluster.releaseBlocks(transaction);
                }
            }
        } finally {
            if (routing != null) {
                routing.transactionEnded(cause.equals("commit"));
            }
        }
        transaction.reset();
    }

    /**
     * Auto-commit set on inside a transaction. A change of mode commits it. Set to what it already is, inside a
     * transaction begun by SQL, some drivers do nothing (pgjdbc) and the transaction stays open: its writes are
     * invalidated in case it committed, but stay blocked until it ends by COMMIT, ROLLBACK or close.
     */
    private void autoCommitTurnedOn(boolean modeChanged) {
        if (modeChanged) {
            endTransaction("commit");
        } else if (transaction.hasWritten()) {
            cluster.invalidate(transaction.scope(), "commit");
        }
    }

    /** PostgreSQL (and, to be safe, an unknown database) undoes SET on rollback; note a change made in a transaction. */
    private void settingChangedInTransaction() {
        if ((dialect == Dialect.POSTGRESQL || dialect == Dialect.GENERIC) && inTransaction()) {
            transaction.sessionChanged();
        }
    }

    private void rolledBack() {
        endTransaction("rollback");
    }

    private void rolledBackToSavepoint() {
        if (transaction.sessionChangedInside()) {
            unmodelledSession = true;
        }
        if (transaction.hasWritten()) {
            cluster.invalidate(transaction.scope(), "rollback to savepoint");
        }
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

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        StatementOptions options = StatementOptions.prepared(sql);
        return onQueryHome(sql, options,
                on -> new CachetPreparedStatement(this, on, on.connection().prepareStatement(sql), options));
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
        p.sync(session, dialect);
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
        boolean wasInTransaction = inTransaction();
        boolean modeChanges = autoCommit != session.autoCommit();
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
                autoCommitTurnedOn(modeChanges && succeeded);
            }
        }
        sessionChanged(session.withAutoCommit(autoCommit));
        lead().applied(session);
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return session.autoCommit();
    }

    @Override
    public void commit() throws SQLException {
        boolean succeeded = false;
        try {
            endEverywhere(true);
            succeeded = true;
        } finally {
            transactionCallReturned(succeeded, "commit");
        }
    }

    @Override
    public void rollback() throws SQLException {
        boolean succeeded = false;
        try {
            endEverywhere(false);
            succeeded = true;
        } finally {
            transactionCallReturned(succeeded, "rollback");
        }
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

    /**
     * After {@code commit()} or {@code rollback()}: success ends the transaction. A failure may or may not have ended
     * it (a connection lost after the commit was sent may have committed; pgjdbc refuses both under auto-commit and
     * leaves a transaction begun by SQL open), so its writes are invalidated but stay blocked until it is known to
     * have ended — by a later commit, rollback, close or abort.
     */
    private void transactionCallReturned(boolean succeeded, String cause) {
        if (succeeded) {
            endTransaction(cause);
        } else if (transaction.hasWritten()) {
            cluster.invalidate(transaction.scope(), cause);
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        try {
            transactionConnection().rollback(savepoint);
        } finally {
            rolledBackToSavepoint();
        }
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        PhysicalConnection lead = syncedLead();
        lead.setTransactionIsolation(level); // a standby lead gets SERIALIZABLE as REPEATABLE READ
        sessionChanged(session.withIsolation(level));
        lead.applied(session);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return session.isolation();
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        PhysicalConnection lead = syncedLead();
        lead.connection().setReadOnly(readOnly);
        sessionChanged(session.withReadOnly(readOnly));
        lead.applied(session);
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return session.readOnly();
    }

    // ---------------------------------------------------------------- session

    @Override
    public void setCatalog(String catalog) throws SQLException {
        PhysicalConnection lead = syncedLead();
        lead.connection().setCatalog(catalog);
        settingChangedInTransaction();
        sessionChanged(session.withCatalog(catalog));
        lead.applied(session);
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        PhysicalConnection lead = syncedLead();
        lead.connection().setSchema(schema);
        settingChangedInTransaction();
        if (routing != null) {
            sqlSettings = true; // the other physical connections get it as SET search_path, unseen by their pools
        }
        sessionChanged(session.withSchema(schema));
        lead.applied(session);
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        PhysicalConnection lead = syncedLead();
        lead.connection().setHoldability(holdability);
        sessionChanged(session.withHoldability(holdability));
        lead.applied(session);
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
     * Clears the warnings of every physical connection. Pools call this when a connection returns (HikariCP on every
     * return), so it is also where Cachet keeps one user's session from reaching the next: on PostgreSQL, outside a
     * transaction, when the application changed the role or session user, or a setting Cachet does not model
     * ({@code set_config}, a custom variable), through SQL, every physical connection is reset ({@code RESET ROLE},
     * {@code SET SESSION AUTHORIZATION DEFAULT}, {@code RESET ALL}) and the schema and time zone the logical
     * connection keeps are applied again before its next statement.
     */
    @Override
    public void clearWarnings() throws SQLException {
        physical.applyToAll(Connection::clearWarnings);
        if (!closed && !inTransaction() && sqlSessionStateSet()) {
            resetSqlSession();
        }
    }

    /** True on PostgreSQL when the role, the session user or an unmodelled setting was changed through SQL. */
    private boolean sqlSessionStateSet() {
        return dialect == Dialect.POSTGRESQL
                && (session.role() != null || unmodelledSession || !java.util.Objects.equals(session.user(), originalUser));
    }

    /**
     * Marks this connection's physical connections as borrowed from pools (a wrapped DataSource), which hand them to
     * the next borrower as they are: before they return, a transaction begun by SQL is rolled back and a search_path
     * or time zone set through SQL is reset ({@link #resetBeforeRelease}). Returns this connection.
     */
    public CachetConnection releasesToPool() {
        pooled = true;
        return this;
    }

    /**
     * Before the physical connections are released — closed, or returned to the pool a wrapped DataSource borrowed
     * them from, where the next logical connection would take them as they are: rolls back a transaction left open
     * (as closing a real connection would; HikariCP does not roll back a transaction begun by SQL under auto-commit,
     * and the next borrower would commit its writes later, unseen by Cachet), then resets what
     * {@link #sqlSessionStateSet()} covers (its cache keys would otherwise be wrong). Best effort: a failure here never
     * keeps the connection from closing; a transaction that could not be rolled back keeps its blocks until they lapse
     * ({@code cachet.transactionBlockTimeout}).
     */
    private void resetBeforeRelease() {
        if (inTransaction()) {
            if (!pooled || physical.rollBackLeftOpen(session.autoCommit())) {
                // closing a real connection rolls its transaction back
                endTransaction("rollback");
            } else {
                if (transaction.hasWritten()) {
                    cluster.invalidate(transaction.scope(), "connection closed");
                }
                blocksOutliveConnection = transaction.hasWritten();
            }
        }
        if (sqlSessionStateSet() || (pooled && sqlSettings && dialect == Dialect.POSTGRESQL)) {
            try {
                resetSqlSession();
            } catch (SQLException | RuntimeException e) {
                // the real close below decides what the application sees
            }
        }
    }

    private void resetSqlSession() throws SQLException {
        SessionState reset = session.withRole(null).withUser(originalUser);
        // RESET ALL also reset search_path and the time zone: the next sync applies the kept ones again
        SessionState physicalState = reset.withSchema(null).withTimeZone(null);
        physical.resetSql(physicalState);
        unmodelledSession = false;
        sqlSettings = false;
        sessionChanged(reset);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        resetBeforeRelease();
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
        try {
            physical.abort(executor);
        } finally {
            ended();
        }
    }

    private void ended() {
        try {
            if (blocksOutliveConnection) {
                transaction.reset(); // its blocks lapse by themselves; nothing may fill their tables before
            }
            endTransaction("connection closed");
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
            throw new SQLException("Cachet connection is closed", "08003");
        }
    }

    @Override
    public String toString() {
        return "CachetConnection[" + cluster.id() + ", " + delegate + "]";
    }
}
