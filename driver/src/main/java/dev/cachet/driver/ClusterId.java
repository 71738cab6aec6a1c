package dev.cachet.driver;

import dev.cachet.parser.Dialect;

import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Derives a cluster's id (DESIGN §2): {@code cachet.cluster} when set, else the dialect, the sorted set of configured
 * hosts — the URL's and {@code cachet.replicas} — and the database, e.g. {@code postgresql://db1:5432,db2:5432/shop}.
 * The id never depends on which host is primary now, so a failover does not orphan the cache.
 *
 * <p>An unnamed in-memory H2 database ({@code jdbc:h2:mem:}) is private to its connection; each such URL gets an id
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
        if (url.dialect() == Dialect.H2 && url.hosts().isEmpty() && isUnnamedMemory(database)) {
            database = database + "<private-" + PRIVATE_DATABASES.incrementAndGet() + ">";
        }
        return url.dialect().name().toLowerCase(Locale.ROOT) + "://" + String.join(",", hosts) + "/" + database;
    }

    private static boolean isUnnamedMemory(String database) {
        String d = database.toLowerCase(Locale.ROOT);
        return d.equals("mem:") || d.equals("mem");
    }
}
