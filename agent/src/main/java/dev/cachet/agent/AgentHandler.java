package dev.cachet.agent;

import dev.cachet.agent.bootstrap.CachetBridge;
import dev.cachet.driver.CachetDataSource;
import dev.cachet.driver.CachetDriver;
import dev.cachet.driver.CachetUrl;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.sql.DataSource;

/**
 * Decides, for every intercepted {@code Driver.connect} and driver-DataSource {@code getConnection}, whether the
 * connection becomes a Cachet connection, and makes it one.
 *
 * <p>A call passes through untouched when: its URL is a {@code jdbc:cachet:} URL or the driver does not accept it;
 * the URL is not one the settings wrap; Cachet itself is the caller (its own connects to the real driver — primary,
 * replicas, probes — whether from the agent's copy or from a Cachet the application ships itself); the connection
 * already is Cachet's; or the agent was switched off by an earlier failure. A failure of Cachet's own (a class that
 * cannot be loaded, an unexpected exception) switches the agent off for the rest of the run, says so once, and lets
 * the application go on uncached; the real driver's exceptions pass through unchanged.
 */
final class AgentHandler implements CachetBridge.Handler {

    private static final StackWalker WALKER = StackWalker.getInstance();

    private final AgentSettings settings;
    private final ClusterMBeans mbeans;
    /** One Cachet layer per intercepted driver DataSource (weakly held: the application owns the DataSource). */
    private final Map<DataSource, CachetDataSource> dataSources = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile boolean off;

    AgentHandler(AgentSettings settings, ClusterMBeans mbeans) {
        this.settings = settings;
        this.mbeans = mbeans;
    }

    @Override
    public Object driverConnect(Object driver, String url, Object info) throws Exception {
        if (off || url == null || !(driver instanceof Driver real) || CachetUrl.accepts(url)
                || !(info == null || info instanceof Properties)) {
            return null;
        }
        try {
            if (!real.acceptsURL(url)) {
                return null;
            }
        } catch (SQLException notOurs) {
            return null;
        }
        if (!wraps(url) || calledByCachet()) {
            return null;
        }
        try {
            Connection c = CachetDriver.connect(real, url, properties(url, (Properties) info));
            mbeans.registerNew();
            return c;
        } catch (SQLException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            switchOff(e);
            return null;
        }
    }

    @Override
    public Object dataSourceConnection(Object dataSource, Object connection) throws Exception {
        if (off || !(connection instanceof Connection real) || !(dataSource instanceof DataSource ds)
                || real.getClass().getName().startsWith("dev.cachet.") || calledByCachet()) {
            return connection;
        }
        String url;
        try {
            url = real.getMetaData().getURL();
        } catch (SQLException | RuntimeException unknown) {
            return connection;
        }
        if (url == null || CachetUrl.accepts(url) || !wraps(url)) {
            return connection;
        }
        try {
            Connection c = dataSources.computeIfAbsent(ds, this::cachetOver).wrap(real);
            mbeans.registerNew();
            return c;
        } catch (SQLException e) {
            throw e;
        } catch (LinkageError e) {
            switchOff(e);
            return connection;
        } catch (RuntimeException e) {
            // Cachet closed the real connection when it failed: this attempt fails, later ones run uncached
            switchOff(e);
            throw new SQLException("Cachet agent: could not wrap the connection; later connections run without"
                    + " Cachet", "08001", e);
        }
    }

    private CachetDataSource cachetOver(DataSource ds) {
        CachetDataSource cachet = new CachetDataSource(ds);
        Properties p = new Properties();
        p.putAll(settings.cachetSettings());
        cachet.setProperties(p);
        return cachet;
    }

    private boolean wraps(String url) {
        if (settings.wraps(url)) {
            return true;
        }
        if (!AgentSettings.known(url)) {
            int colon = url.indexOf(':', 5);
            String scheme = colon < 0 ? url : url.substring(0, colon + 1);
            AgentLog.once("unknown " + scheme.toLowerCase(Locale.ROOT), scheme + " connections run without Cachet:"
                    + " Cachet does not know this database (cachet.agent.include=" + scheme
                    + "* wraps them anyway, analysed as generic SQL)");
        }
        return false;
    }

    /**
     * The connection's settings: the application's properties first, then the URL's own {@code cachet.*} parameters
     * (Cachet reads those from the URL itself), then the agent's arguments for the names neither sets.
     */
    private Properties properties(String url, Properties given) throws SQLException {
        Properties p = new Properties();
        Map<String, String> fromUrl = CachetUrl.parse(CachetUrl.PREFIX + url.substring(5)).cachetParameters();
        for (Map.Entry<String, String> e : settings.cachetSettings().entrySet()) {
            if (!containsIgnoringCase(fromUrl, e.getKey())
                    && (given == null || !containsIgnoringCase(given, e.getKey()))) {
                p.setProperty(e.getKey(), e.getValue());
            }
        }
        if (given != null) {
            p.putAll(given);
            for (String name : given.stringPropertyNames()) { // values held in the defaults
                p.putIfAbsent(name, given.getProperty(name));
            }
        }
        return p;
    }

    private static boolean containsIgnoringCase(Map<?, ?> map, String name) {
        for (Object k : map.keySet()) {
            if (k instanceof String s && s.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private void switchOff(Throwable t) {
        off = true;
        AgentLog.once("off", "switched off, the application runs without Cachet from now on: "
                + AgentLog.describe(t));
    }

    /**
     * True when Cachet is among the callers of the intercepted method: the frames above it belong to the agent
     * (this handler and the bridge), the ones below are its callers.
     */
    static boolean calledByCachet() {
        return WALKER.walk(frames -> frames.dropWhile(f -> f.getClassName().startsWith("dev.cachet.agent."))
                .anyMatch(f -> isCachet(f.getClassName())));
    }

    /**
     * Cachet's packages as an application that ships Cachet itself names them. Built at run time: the shaded jar
     * relocates string constants that look like Cachet's packages, and these must keep their original names.
     */
    private static final String[] APPLICATION_CACHET = {
            String.join(".", "dev", "cachet", "driver", ""),
            String.join(".", "dev", "cachet", "cache", ""),
            String.join(".", "dev", "cachet", "parser", "")};

    private static boolean isCachet(String className) {
        if (className.startsWith("dev.cachet.agent.")) { // the agent and its relocated copy of Cachet
            return true;
        }
        for (String prefix : APPLICATION_CACHET) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
