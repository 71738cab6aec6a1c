package dev.cachet.driver;

import dev.cachet.driver.settings.Timeouts;
import dev.cachet.driver.settings.DriverOptions;
import dev.cachet.driver.jdbc.CachetConnection;
import dev.cachet.driver.jdbc.Cluster;
import dev.cachet.driver.jdbc.ClusterRegistry;
import dev.cachet.driver.jdbc.ClusterRouting;
import dev.cachet.driver.routing.JdbcNodeProbe;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * Cachet's JDBC driver: accepts {@code jdbc:cachet:<rest>} and connects to {@code jdbc:<rest>} through the real
 * driver, with Cachet's {@code cachet.*} parameters removed from the URL and the properties and nothing else changed.
 *
 * <p>Registered with {@link DriverManager} when the class loads and through {@code META-INF/services/java.sql.Driver}.
 * {@link #connect} returns null for any other URL, as JDBC requires. The real driver is the one
 * {@link DriverManager#getDriver} finds for the real URL, or, where the caller's class loader hides it (application
 * servers, some fat-jar launchers), the first driver the thread's context class loader provides that accepts it.
 * Settings are resolved per DESIGN §3 ({@link CachetSettings#resolve}); a bad value fails {@code connect}.
 */
public final class CachetDriver implements Driver {

    /** Major version of this driver. */
    public static final int MAJOR_VERSION = 0;
    /** Minor version of this driver. */
    public static final int MINOR_VERSION = 1;

    private static final CachetDriver INSTANCE = new CachetDriver();

    static {
        try {
            DriverManager.registerDriver(INSTANCE);
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The instance registered with {@link DriverManager}. */
    public static CachetDriver instance() {
        return INSTANCE;
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (url == null || !CachetUrl.accepts(url)) {
            return null;
        }
        return connect(url, info, null);
    }

    /**
     * Opens a Cachet connection to {@code realUrl} (a plain {@code jdbc:} URL, as the application wrote it) through
     * {@code realDriver} itself rather than the driver {@link DriverManager} would pick: for agents and frameworks
     * that intercepted a call to that driver. Behaves as {@link #connect} with {@code jdbc:cachet:} in front of the
     * URL: settings per DESIGN §3, Cachet's own parameters removed, and every physical connection (primary,
     * replicas, probes) opened through {@code realDriver}.
     *
     * @throws SQLException as {@link #connect}; the real driver's exceptions pass through unchanged
     */
    public static Connection connect(Driver realDriver, String realUrl, Properties info) throws SQLException {
        java.util.Objects.requireNonNull(realDriver, "realDriver");
        if (realUrl == null || !realUrl.regionMatches(true, 0, "jdbc:", 0, 5) || CachetUrl.accepts(realUrl)) {
            throw new SQLException("Cachet: expected a plain jdbc: URL", "08001");
        }
        return INSTANCE.connect(CachetUrl.PREFIX + realUrl.substring(5), info, realDriver);
    }

    private Connection connect(String url, Properties info, Driver realDriver) throws SQLException {
        CachetUrl parsed = CachetUrl.parse(url);
        Properties given = info == null ? new Properties() : info;
        CachetSettings settings = CachetSettings.resolve(given, parsed.cachetParameters());
        String realUrl = parsed.realUrl();
        Driver driver = realDriver != null ? realDriver : realDriver(realUrl);
        Properties realProperties = CachetSettings.stripCachetProperties(given);
        String clusterId = ClusterId.of(parsed, settings);
        String options = DriverOptions.of(realUrl, realProperties);
        if (!settings.replicas().isEmpty()) {
            return openRouted(parsed, settings, clusterId, driver, realProperties, options);
        }
        Connection real = driver.connect(realUrl, realProperties);
        if (real == null) {
            throw new SQLException("Cachet: the real driver did not accept the URL after jdbc:cachet:", "08001");
        }
        Cluster.CatalogConnector catalog = null;
        if (settings.probeUser() != null) {
            Properties forCatalog = Timeouts.forProbes(probeCredentials(realProperties, settings), realUrl,
                    parsed.dialect(), settings);
            catalog = () -> connectHost(driver, realUrl, forCatalog);
        }
        return open(real, settings, clusterId, parsed.dialect(), options, catalog);
    }

    /**
     * A connection of a cluster with replicas (DESIGN §9). Its physical connections — a replica first, the primary
     * when a statement needs it, others as routing uses them — are opened with this call's own URL, user, password
     * and driver properties, with connect and socket timeouts. The cluster keeps none of them: its poller probes with
     * {@code cachet.probe.user}, or the credentials of the first connection that succeeded.
     */
    private static Connection openRouted(CachetUrl parsed, CachetSettings settings, String clusterId, Driver driver,
                                         Properties realProperties, String options) throws SQLException {
        Properties own = Timeouts.apply(realProperties, parsed.realUrl(), parsed.dialect(), settings);
        JdbcNodeProbe.HostConnector connector = host -> connectHost(driver, parsed, host, own);
        boolean configuredProbe = settings.probeUser() != null;
        Properties forProbes = Timeouts.forProbes(configuredProbe ? probeCredentials(realProperties, settings)
                : realProperties, parsed.realUrl(), parsed.dialect(), settings);
        JdbcNodeProbe.HostConnector probes = host -> connectHost(driver, parsed, host, forProbes);
        List<String> urlHosts = parsed.hosts();
        String primary = urlHosts.isEmpty() ? "localhost:5432" : urlHosts.get(0);
        List<String> replicas = new ArrayList<>(urlHosts.isEmpty() ? List.of() : urlHosts.subList(1, urlHosts.size()));
        replicas.addAll(settings.replicas());
        return openRouted(settings, clusterId, parsed.dialect(), c -> {
            ClusterRouting r = new ClusterRouting(c, primary, replicas, probes, false);
            return configuredProbe ? r.withConfiguredProbe() : r;
        }, connector, probes, options, configuredProbe ? probes : null,
                ClusterRouting.hostList(primary, replicas), "the URL's");
    }

    /** The real properties with the user and password replaced by {@code cachet.probe.user}'s. */
    static Properties probeCredentials(Properties realProperties, CachetSettings settings) {
        Properties p = new Properties();
        p.putAll(realProperties);
        p.setProperty("user", settings.probeUser());
        if (settings.probePassword() != null) {
            p.setProperty("password", settings.probePassword());
        } else {
            p.remove("password");
        }
        return p;
    }

    private static Connection connectHost(Driver driver, CachetUrl parsed, String host, Properties properties)
            throws SQLException {
        return connectHost(driver, parsed.withHost(host), properties);
    }

    private static Connection connectHost(Driver driver, String url, Properties properties) throws SQLException {
        Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new SQLException("Cachet: the real driver did not accept " + url, "08001");
        }
        return connection;
    }

    /**
     * Wraps a real connection as a logical Cachet connection of the given cluster, which has no replicas, closing it
     * on failure. {@code options} are its driver options for the cache key ({@link DriverOptions}); {@code catalog},
     * when {@code cachet.probe.user} is set, opens the probe user's connections for the cluster's catalog reads.
     */
    static CachetConnection open(Connection real, CachetSettings settings, String clusterId,
                                 dev.cachet.parser.Dialect dialect, String options, Cluster.CatalogConnector catalog)
            throws SQLException {
        Cluster cluster = ClusterRegistry.acquire(clusterId, settings, dialect);
        try {
            if (catalog != null) {
                cluster.catalogConnector(catalog, false);
            }
            return new CachetConnection(cluster, settings, real, options);
        } catch (SQLException | RuntimeException | Error e) {
            ClusterRegistry.release(cluster);
            try {
                real.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * A logical connection of a cluster with replica routing created by {@code routing} (the first time), opened
     * through {@code connector} — the caller's own way to reach each host, with its own credentials — and probing
     * through {@code probes} until a configured probe or an earlier connection's credentials stand. {@code catalog},
     * when {@code cachet.probe.user} is set, reaches a host as that user: the cluster's catalog reads go through it to
     * whichever host is the primary at the time (after a failover, the host named first may be a standby).
     */
    static CachetConnection openRouted(CachetSettings settings, String clusterId, dev.cachet.parser.Dialect dialect,
                                       java.util.function.Function<Cluster, ClusterRouting> routing,
                                       JdbcNodeProbe.HostConnector connector, JdbcNodeProbe.HostConnector probes,
                                       String options, JdbcNodeProbe.HostConnector catalog, List<String> hosts,
                                       String whose) throws SQLException {
        Cluster cluster = ClusterRegistry.acquire(clusterId, settings, dialect);
        Connection real = null;
        try {
            ClusterRouting r = cluster.routing(routing);
            if (!r.hosts().equals(hosts)) {
                // one cluster id, two ways to reach its nodes (a URL's hosts, a DataSource's replicas): this
                // connection's connector could not reach the hosts the cluster routes over
                throw new SQLException("Cachet: cluster " + clusterId + " routes over " + r.hosts() + ", set up by an"
                        + " earlier connection, but this connection names " + whose + " hosts " + hosts + "; give it"
                        + " another cachet.cluster, or open every connection of the cluster the same way", "08001");
            }
            if (catalog != null) {
                cluster.catalogConnector(() -> catalog.connect(r.primaryHost()), true);
            }
            r.ensureStarted();
            ClusterRouting.Home home = r.connectHome(connector);
            real = home.connection();
            r.vouch(probes);
            return new CachetConnection(cluster, settings, real, home.replica(), connector, options);
        } catch (SQLException | RuntimeException | Error e) {
            ClusterRegistry.release(cluster);
            if (real != null) {
                try {
                    real.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** The real driver for a real URL: DriverManager first, then the context class loader's drivers. */
    static Driver realDriver(String realUrl) throws SQLException {
        try {
            return DriverManager.getDriver(realUrl);
        } catch (SQLException notVisible) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                for (Driver d : ServiceLoader.load(Driver.class, loader)) {
                    if (!(d instanceof CachetDriver) && d.acceptsURL(realUrl)) {
                        return d;
                    }
                }
            }
            throw new SQLException("Cachet: no JDBC driver on the class path accepts the URL after jdbc:cachet: "
                    + "(is the database's driver a dependency?)", "08001");
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && CachetUrl.accepts(url);
    }

    /**
     * The real driver's properties for the real URL, followed by Cachet's own settings (their names, defaults and
     * descriptions).
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return new DriverPropertyInfo[0];
        }
        CachetUrl parsed = CachetUrl.parse(url);
        Properties given = info == null ? new Properties() : info;
        List<DriverPropertyInfo> all = new ArrayList<>();
        String realUrl = parsed.realUrl();
        all.addAll(List.of(realDriver(realUrl).getPropertyInfo(realUrl, CachetSettings.stripCachetProperties(given))));
        for (SettingDescriptor setting : CachetSettings.all()) {
            all.add(setting.toPropertyInfo(given.getProperty(setting.name(),
                    parsed.cachetParameters().get(setting.name()))));
        }
        return all.toArray(new DriverPropertyInfo[0]);
    }

    @Override
    public int getMajorVersion() {
        return MAJOR_VERSION;
    }

    @Override
    public int getMinorVersion() {
        return MINOR_VERSION;
    }

    /** False: Cachet answers some calls from its cache, which JDBC compliance tests do not anticipate. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    /** Cachet logs through SLF4J; this is the JUL logger of its package, for tools that ask. */
    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("dev.cachet");
    }
}
