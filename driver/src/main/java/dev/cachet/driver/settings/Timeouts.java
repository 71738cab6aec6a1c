package dev.cachet.driver.settings;

import dev.cachet.driver.CachetSettings;
import dev.cachet.parser.Dialect;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

/**
 * Connect and socket timeouts for the physical connections of a cluster with replicas (DESIGN §9: they are always
 * set, so a dead server fails a statement instead of hanging it): {@code cachet.connectTimeout} and
 * {@code cachet.socketTimeout} in the real driver's own property names, unless the application set them itself in
 * the properties or the URL.
 */
public final class Timeouts {

    private Timeouts() {
    }

    /** A copy of {@code properties} with the timeouts added where the application did not set them. */
    public static Properties apply(Properties properties, String realUrl, Dialect dialect, CachetSettings settings) {
        return apply(properties, realUrl, dialect, settings.connectTimeout(), settings.socketTimeout());
    }

    /**
     * For the poller's probe connections: the same, with the socket timeout at most {@code PROBE_SOCKET_TIMEOUT}, so a
     * server that stops answering cannot hold the poller (and with it every replica's state) for long.
     */
    public static Properties forProbes(Properties properties, String realUrl, Dialect dialect, CachetSettings settings) {
        Duration socket = settings.socketTimeout().compareTo(PROBE_SOCKET_TIMEOUT) < 0 ? settings.socketTimeout()
                : PROBE_SOCKET_TIMEOUT;
        return apply(properties, realUrl, dialect, settings.connectTimeout(), socket);
    }

    public static final Duration PROBE_SOCKET_TIMEOUT = Duration.ofSeconds(5);

    private static Properties apply(Properties properties, String realUrl, Dialect dialect, Duration connect,
                                    Duration socket) {
        Properties p = new Properties();
        p.putAll(properties);
        String url = realUrl.toLowerCase(Locale.ROOT);
        switch (dialect) {
            case POSTGRESQL -> {
                // pgjdbc: seconds
                putIfAbsent(p, url, "connectTimeout", seconds(connect));
                putIfAbsent(p, url, "loginTimeout", seconds(connect));
                putIfAbsent(p, url, "socketTimeout", seconds(socket));
            }
            case MYSQL -> {
                // MariaDB Connector/J and MySQL Connector/J: milliseconds
                putIfAbsent(p, url, "connectTimeout", Long.toString(connect.toMillis()));
                putIfAbsent(p, url, "socketTimeout", Long.toString(socket.toMillis()));
            }
            default -> {
            }
        }
        return p;
    }

    private static String seconds(Duration d) {
        return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
    }

    private static void putIfAbsent(Properties p, String lowerUrl, String name, String value) {
        for (String key : p.stringPropertyNames()) {
            if (key.equalsIgnoreCase(name)) {
                return;
            }
        }
        if (lowerUrl.contains(name.toLowerCase(Locale.ROOT) + "=")) {
            return;
        }
        p.setProperty(name, value);
    }
}
