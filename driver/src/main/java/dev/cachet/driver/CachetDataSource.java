package dev.cachet.driver;

import dev.cachet.driver.settings.DriverOptions;
import dev.cachet.parser.Dialect;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} of Cachet connections, in one of two modes:
 * <ul>
 *   <li><b>URL mode</b> ({@link #setUrl}, {@link #setUser}, {@link #setPassword}, {@link #setProperties}): every
 *       {@link #getConnection()} opens a connection through {@link CachetDriver}. A URL without the
 *       {@code jdbc:cachet:} prefix gets it. A pool such as HikariCP can use this, or simply the driver and URL.</li>
 *   <li><b>Wrapping mode</b> ({@link #CachetDataSource(DataSource)} or {@link #setDataSource}): every connection is
 *       borrowed from the wrapped DataSource (for instance a HikariCP pool) and wrapped; closing it returns the real
 *       one. The dialect comes from the database's product name; the cluster id from {@code cachet.cluster}, else
 *       from the URL the wrapped connections report in their metadata, derived as for a {@code jdbc:cachet:} URL
 *       to the same database (so both share one cache). Settings come from {@link #setProperties},
 *       system properties and {@code cachet.properties}.</li>
 * </ul>
 * Thread-safe once configured.
 */
public class CachetDataSource implements DataSource {

    private volatile String url;
    private volatile String user;
    private volatile String password;
    private volatile Properties properties = new Properties();
    private volatile DataSource dataSource;
    private volatile int loginTimeout;
    private volatile PrintWriter logWriter;
    /** Wrapping mode: the replicas' DataSources (DESIGN §3: replicas of a wrapped DataSource are given here). */
    private final java.util.List<DataSource> replicas = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Wrapping mode: settings, dialect and cluster id, worked out on the first connection. */
    private volatile Wrapping wrapping;

    private record Wrapping(CachetSettings settings, Dialect dialect, String clusterId) {
    }

    private static final java.util.concurrent.atomic.AtomicLong SERIALS = new java.util.concurrent.atomic.AtomicLong();
    /** Stands for the wrapped DataSource's driver options in cache keys (they cannot be read). */
    private final long serial = SERIALS.incrementAndGet();

    /** A data source to configure with a URL (or a DataSource to wrap) before use. */
    public CachetDataSource() {
    }

    /** A data source wrapping {@code dataSource}'s connections. */
    public CachetDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A data source opening {@code url} ({@code jdbc:cachet:...}, or a plain {@code jdbc:} URL to prefix). */
    public CachetDataSource(String url) {
        setUrl(url);
    }

    public void setUrl(String url) {
        this.url = url == null || CachetUrl.accepts(url) ? url
                : url.regionMatches(true, 0, "jdbc:", 0, 5) ? "jdbc:cachet:" + url.substring(5) : url;
    }

    public String getUrl() {
        return url;
    }

    /** Same as {@link #setUrl}, for frameworks that use this name. */
    public void setJdbcUrl(String url) {
        setUrl(url);
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getUser() {
        return user;
    }

    /** Same as {@link #setUser}, for frameworks that use this name. */
    public void setUsername(String user) {
        this.user = user;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** Connection properties for the real driver and {@code cachet.*} settings; copied. */
    public void setProperties(Properties properties) {
        Properties copy = new Properties();
        if (properties != null) {
            copy.putAll(properties);
        }
        this.properties = copy;
        this.wrapping = null;
    }

    public Properties getProperties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    /** Switches to wrapping mode over {@code dataSource}. */
    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
        this.wrapping = null;
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    /**
     * Wrapping mode: adds a read replica of the wrapped DataSource's database (DESIGN §9), in the order reads rotate
     * over them. Add replicas before the first connection: the cluster's routing is set up then, once. On PostgreSQL
     * Cachet measures each replica's replayed position; on other databases it cannot, so a table written through
     * Cachet is read from the primary from then on.
     */
    public void addReplica(DataSource replica) {
        replicas.add(java.util.Objects.requireNonNull(replica, "replica"));
        this.wrapping = null;
    }

    /** The replicas added with {@link #addReplica}. */
    public java.util.List<DataSource> getReplicas() {
        return java.util.List.copyOf(replicas);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        DataSource wrapped = dataSource;
        if (wrapped != null) {
            java.util.List<DataSource> given = java.util.List.copyOf(replicas);
            if (!given.isEmpty()) {
                return routed(wrapped, given, username, pass);
            }
            return wrap(borrow(wrapped, username, pass));
        }
        String target = url;
        if (target == null) {
            throw new SQLException("Cachet: CachetDataSource has neither a URL nor a DataSource to wrap", "08001");
        }
        Properties info = new Properties();
        info.putAll(properties);
        if (username != null) {
            info.setProperty("user", username);
        }
        if (pass != null) {
            info.setProperty("password", pass);
        }
        if (loginTimeout > 0 && !info.containsKey("loginTimeout")) {
            info.setProperty("loginTimeout", Integer.toString(loginTimeout));
        }
        Connection c = CachetDriver.instance().connect(target, info);
        if (c == null) {
            throw new SQLException("Cachet: not a jdbc:cachet: URL", "08001");
        }
        return c;
    }

    /** A connection of {@code source} with the caller's credentials: the form of getConnection the caller used. */
    private static Connection borrow(DataSource source, String username, String pass) throws SQLException {
        return username == null ? source.getConnection() : source.getConnection(username, pass);
    }

    /**
     * Wrapping mode: wraps {@code real}, a connection already borrowed from the wrapped DataSource, as
     * {@link #getConnection()} would have (for agents and frameworks that intercept the DataSource's own
     * {@code getConnection}). Closing the returned connection closes {@code real}; on failure {@code real} is closed.
     */
    public Connection wrap(Connection real) throws SQLException {
        try {
            Wrapping w = wrapping;
            if (w == null) {
                w = wrappingOf(real);
                wrapping = w;
            }
            return CachetDriver.open(real, w.settings(), w.clusterId(), w.dialect(), DriverOptions.ofDataSource(serial),
                    catalogConnector(dataSource, w.settings())).releasesToPool();
        } catch (SQLException | RuntimeException e) {
            try {
                real.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private Wrapping wrappingOf(Connection real) throws SQLException {
        CachetSettings settings = CachetSettings.resolve(properties, Map.of());
        DatabaseMetaData meta = real.getMetaData();
        Dialect dialect = Dialect.fromProductName(meta.getDatabaseProductName());
        String id = settings.cluster() != null ? settings.cluster() : clusterIdOf(dialect, meta.getURL(), settings);
        return new Wrapping(settings, dialect, id);
    }

    /**
     * A routed connection over the wrapped DataSource (host "primary") and its replicas ("replica-1", …). Every
     * physical connection of it is borrowed with the caller's own credentials — {@code getConnection(user, password)}
     * of each DataSource when the caller used that form — and the primary only when a statement needs it.
     */
    private Connection routed(DataSource primary, java.util.List<DataSource> given, String username, String pass)
            throws SQLException {
        Wrapping w = wrapping;
        if (w == null) {
            w = routedWrapping(primary, given, username, pass);
            wrapping = w;
        }
        java.util.function.Function<String, DataSource> byHost = host -> host.equals("primary") ? primary
                : given.get(Integer.parseInt(host.substring("replica-".length())) - 1);
        CachetSettings settings = w.settings();
        dev.cachet.driver.routing.JdbcNodeProbe.HostConnector own =
                host -> borrow(byHost.apply(host), username, pass);
        boolean configuredProbe = settings.probeUser() != null;
        dev.cachet.driver.routing.JdbcNodeProbe.HostConnector probes = configuredProbe
                ? host -> byHost.apply(host).getConnection(settings.probeUser(), settings.probePassword())
                : own;
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int i = 1; i <= given.size(); i++) {
            names.add("replica-" + i);
        }
        return CachetDriver.openRouted(settings, w.clusterId(), w.dialect(), cluster -> {
            dev.cachet.driver.jdbc.ClusterRouting r =
                    new dev.cachet.driver.jdbc.ClusterRouting(cluster, "primary", names, probes, true);
            return configuredProbe ? r.withConfiguredProbe() : r;
        }, own, probes, DriverOptions.ofDataSource(serial), configuredProbe ? probes : null,
                dev.cachet.driver.jdbc.ClusterRouting.hostList("primary", names), "a wrapped DataSource's")
                .releasesToPool();
    }

    /** With {@code cachet.probe.user}, the cluster's catalog reads borrow connections of that user; else null. */
    private static dev.cachet.driver.jdbc.Cluster.CatalogConnector catalogConnector(DataSource source,
                                                                                    CachetSettings settings) {
        String probeUser = settings.probeUser();
        return probeUser == null ? null : () -> source.getConnection(probeUser, settings.probePassword());
    }

    /**
     * Settings, dialect and cluster id of a routed DataSource, read once from the primary's metadata. When the primary
     * cannot be reached, a replica's metadata gives the dialect only if {@code cachet.cluster} names the cluster: an
     * id derived from a replica would not be the one a URL to the primary derives, and the two would stop
     * invalidating each other.
     */
    private Wrapping routedWrapping(DataSource primary, java.util.List<DataSource> given, String username,
                                    String pass) throws SQLException {
        try (Connection c = borrow(primary, username, pass)) {
            return wrappingOf(c);
        } catch (SQLException primaryDown) {
            CachetSettings settings = CachetSettings.resolve(properties, Map.of());
            String state = primaryDown.getSQLState();
            if (settings.cluster() == null || (state != null && !state.startsWith("08"))) {
                throw primaryDown;
            }
            for (DataSource replica : given) {
                try (Connection c = borrow(replica, username, pass)) {
                    return wrappingOf(c);
                } catch (SQLException next) {
                    primaryDown.addSuppressed(next);
                }
            }
            throw primaryDown;
        }
    }

    /**
     * The id a {@code jdbc:cachet:} URL to the same database would get (so both share one cache and invalidate
     * each other), from the URL the wrapped connections report; else one derived from that URL as it is.
     */
    private String clusterIdOf(Dialect dialect, String reportedUrl, CachetSettings settings) {
        if (reportedUrl == null) {
            return "datasource:" + System.identityHashCode(dataSource);
        }
        if (reportedUrl.regionMatches(true, 0, "jdbc:", 0, 5)) {
            try {
                return ClusterId.of(CachetUrl.parse("jdbc:cachet:" + reportedUrl.substring(5)), settings);
            } catch (SQLException | RuntimeException unparseable) {
                // fall through: the URL as reported still names the database
            }
        }
        int params = indexOfAny(reportedUrl, '?', ';');
        String base = params < 0 ? reportedUrl : reportedUrl.substring(0, params);
        return dialect.name().toLowerCase(java.util.Locale.ROOT) + ":" + base;
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        this.loginTimeout = seconds;
        DataSource wrapped = dataSource;
        if (wrapped != null) {
            wrapped.setLoginTimeout(seconds);
        }
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return Logger.getLogger("dev.cachet");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        DataSource wrapped = dataSource;
        if (wrapped != null) {
            return iface.isInstance(wrapped) ? iface.cast(wrapped) : wrapped.unwrap(iface);
        }
        throw new SQLException("Cachet: not a wrapper for " + iface.getName(), "HY000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        DataSource wrapped = dataSource;
        return iface.isInstance(this)
                || (wrapped != null && (iface.isInstance(wrapped) || wrapped.isWrapperFor(iface)));
    }
}
