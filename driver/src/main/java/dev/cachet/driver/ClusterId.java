package dev.cachet.driver;

import dev.cachet.parser.Dialect;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Derives a cluster's id (DESIGN §2): {@code cachet.cluster} when set, else the dialect, the sorted set of configured
 * hosts — the URL's and {@code cachet.replicas} — and the database, e.g. {@code postgresql://db1:5432,db2:5432/shop}.
 * The id never depends on which host is primary now, so a failover does not orphan the cache.
 *
 * <p>An embedded H2 file database is identified by its absolute, normalized path. An unnamed in-memory H2 database ({@code jdbc:h2:mem:}) is private to its connection; each such URL gets an id
 * of its own, so two of them never share cached results.
 */
public final class ClusterId {

    private static final AtomicLong PRIVATE_DATABASES = new AtomicLong();

    private ClusterId() {
    }

    /** The cluster id of a connection to {@code url} with {@code settings}. */
    public static String of(CachetUrl url, CachetSettings settings) {
        if (settings.cluster() != null) {
            return settings.cluster();
        }
        TreeSet<String> hosts = new TreeSet<>();
        for (String h : url.hosts()) {
            hosts.add(h.toLowerCase(Locale.ROOT));
        }
        for (String r : settings.replicas()) {
            hosts.add(CachetUrl.withDefaultPort(r, url.defaultPort()).toLowerCase(Locale.ROOT));
        }
        String database = url.database();
        if (url.dialect() == Dialect.H2 && url.hosts().isEmpty()) {
            if (isUnnamedMemory(database)) {
                database = database + "<private-" + PRIVATE_DATABASES.incrementAndGet() + ">";
            } else if (!database.regionMatches(true, 0, "mem:", 0, 4)) {
                database = absoluteFile(database);
            }
        }
        return url.dialect().name().toLowerCase(Locale.ROOT) + "://" + String.join(",", hosts) + "/" + database;
    }

    /**
     * The cluster id of a real (non-Cachet) JDBC URL, e.g. the one a wrapped {@code DataSource} reports through
     * {@code DatabaseMetaData.getURL()}: the same id a {@code jdbc:cachet:} URL to that database gets, so both share
     * one cache. Falls back to the URL without its parameters when it cannot be parsed.
     */
    public static String ofRealUrl(String realUrl, CachetSettings settings) {
        if (settings.cluster() != null) {
            return settings.cluster();
        }
        if (realUrl != null && realUrl.regionMatches(true, 0, "jdbc:", 0, 5)) {
            try {
                return of(CachetUrl.parse(CachetUrl.PREFIX + realUrl.substring(5)), settings);
            } catch (SQLException e) {
                // fall through
            }
        }
        String base = String.valueOf(realUrl);
        int cut = base.length();
        for (char c : new char[]{'?', ';'}) {
            int i = base.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return Dialect.fromJdbcUrl(base).name().toLowerCase(Locale.ROOT) + ":" + base.substring(0, cut);
    }

    /** {@code ~/x}, {@code ./x} and {@code /abs/x} name one file whatever way they are written. */
    private static String absoluteFile(String database) {
        String path = database;
        String prefix = "";
        int colon = path.indexOf(':');
        if (colon > 1) { // nio:, split:, zip: ... (a one-letter prefix is a Windows drive)
            prefix = path.substring(0, colon + 1);
            path = path.substring(colon + 1);
        }
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        try {
            return prefix + Path.of(path).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return database;
        }
    }

    private static boolean isUnnamedMemory(String database) {
        String d = database.toLowerCase(Locale.ROOT);
        return d.equals("mem:") || d.equals("mem");
    }
}
