package dev.cachet.agent.bootstrap;

/**
 * The one class the agent's advice calls, placed in the bootstrap class loader so that a driver loaded by any class
 * loader (the application's, a Spring Boot fat jar's, an application server's) can see it. It names no type outside
 * {@code java.base} ({@code java.sql} is not visible from the bootstrap loader): connections travel as
 * {@code Object}. Until the agent installs its {@link Handler}, and whenever it has none, every call passes through.
 */
public final class CachetBridge {

    /** What the agent does with an intercepted call; implemented in the agent's own class loader. */
    public interface Handler {

        /**
         * Called when {@code driver.connect(url, info)} starts: a Cachet connection to answer instead, or null to let
         * the driver's own method run.
         */
        Object driverConnect(Object driver, String url, Object info) throws Exception;

        /** Called when a driver DataSource's {@code getConnection} returned: the connection to hand out. */
        Object dataSourceConnection(Object dataSource, Object connection) throws Exception;
    }

    private static volatile Handler handler;

    private CachetBridge() {
    }

    /** Installs (or, with null, removes) the agent's handler. */
    public static void install(Handler h) {
        handler = h;
    }

    public static Object driverConnect(Object driver, String url, Object info) throws Exception {
        Handler h = handler;
        return h == null ? null : h.driverConnect(driver, url, info);
    }

    public static Object dataSourceConnection(Object dataSource, Object connection) throws Exception {
        Handler h = handler;
        return h == null || connection == null ? connection : h.dataSourceConnection(dataSource, connection);
    }
}
