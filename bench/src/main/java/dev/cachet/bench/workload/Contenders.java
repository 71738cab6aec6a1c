package dev.cachet.bench.workload;

import com.zaxxer.hikari.HikariDataSource;
import dev.cachet.driver.Cachet;
import dev.cachet.driver.CachetCluster;
import dev.cachet.driver.ClusterStatistics;
import dev.cachet.driver.Explanation;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The contenders of a run, each built from a JDBC URL and properties and pooled by HikariCP with the same size.
 * A contender that cannot be built (its driver is missing, its servers are down) is left out with the reason,
 * which the report prints.
 */
final class Contenders {

    /** The in-memory H2 database every H2 contender shares. */
    static final String H2_URL = "jdbc:h2:mem:cachet_bench;DB_CLOSE_DELAY=-1";

    final List<Contender> built = new ArrayList<>();
    final Map<String, String> skipped = new LinkedHashMap<>();

    private final RunOptions options;

    private Contenders(RunOptions options) {
        this.options = options;
    }

    /** Builds the contenders for {@code options.target}. */
    static Contenders build(RunOptions options) {
        Contenders c = new Contenders(options);
        loadDriver("software.amazon.jdbc.Driver");
        loadDriver("dev.cachet.driver.CachetDriver");
        if (options.target.equals("h2")) {
            c.h2();
        } else {
            c.postgres();
        }
        return c;
    }

    private void h2() {
        Properties none = new Properties();
        add("h2-direct", "H2 " + "2.4 in memory, its own driver", () -> pooled("h2-direct", H2_URL, none));
        add("cachet-off", "Cachet over the same H2 URL, cachet.enabled=false",
                () -> pooled("cachet-off", "jdbc:cachet:" + H2_URL.substring("jdbc:".length()), cachet(false)));
        add("cachet-on", "Cachet over the same H2 URL, cache on (cachet.maxBytes=" + options.cacheBytes + ")",
                () -> pooled("cachet-on", "jdbc:cachet:" + H2_URL.substring("jdbc:".length()), cachet(true)));
        add("cachet-static", "Cachet over the same H2 URL, cache on, cachet.adaptive=false",
                () -> pooled("cachet-static", "jdbc:cachet:" + H2_URL.substring("jdbc:".length()), staticCache()));
    }

    /** The cache-on settings without the adaptive switch, in a cluster of their own. */
    private Properties staticCache() {
        Properties p = cachet(true);
        p.setProperty("cachet.cluster", "bench-cache-static");
        p.setProperty("cachet.adaptive", "false");
        return p;
    }

    private void postgres() {
        String db = "/" + options.pgDatabase;
        String primaryUrl = "jdbc:postgresql://" + options.pgPrimary + db;
        List<String> replicas = options.pgReplicas;
        boolean haveReplicas = !replicas.isEmpty();
        String allHosts = options.pgPrimary + (haveReplicas ? "," + String.join(",", replicas) : "");
        Properties credentials = credentials();

        add("pg-direct", "pgjdbc 42.7, primary only", () -> pooled("pg-direct", primaryUrl, credentials));
        if (haveReplicas) {
            add("pg-split", "pgjdbc, two pools: writes to the primary, reads to the replicas (loadBalanceHosts)",
                    () -> {
                        HikariDataSource w = Pools.pool("pg-split-w", primaryUrl, credentials, options.poolSize);
                        HikariDataSource r;
                        try {
                            r = Pools.pool("pg-split-r", "jdbc:postgresql://" + String.join(",", replicas) + db
                                    + "?loadBalanceHosts=true", credentials, options.poolSize);
                        } catch (RuntimeException e) {
                            w.close();
                            throw e;
                        }
                        return new Contender("pg-split", "", w, r, false, null, List.of(w, r));
                    });
            Properties rws = credentials();
            rws.setProperty("wrapperPlugins", "readWriteSplitting");
            rws.setProperty("wrapperDialect", "pg");
            // Without it a static host list has no reader role and every read falls back to the writer.
            rws.setProperty("singleWriterConnectionString", "true");
            add("aws-rws", "AWS Advanced JDBC Wrapper 4.3.0, wrapperPlugins=readWriteSplitting, setReadOnly(true) "
                    + "around reads, static host list (primary first, singleWriterConnectionString=true)",
                    () -> withReadOnly(pooled("aws-rws", "jdbc:aws-wrapper:postgresql://" + allHosts + db, rws)));
            Properties auto = credentials();
            auto.setProperty("wrapperPlugins", "sqlParser,autoReadWriteSplitting");
            auto.setProperty("wrapperDialect", "pg");
            auto.setProperty("singleWriterConnectionString", "true");
            add("aws-auto", "AWS Advanced JDBC Wrapper 4.3.0, wrapperPlugins=sqlParser,autoReadWriteSplitting, "
                    + "static host list (primary first, singleWriterConnectionString=true)",
                    () -> pooled("aws-auto", "jdbc:aws-wrapper:postgresql://" + allHosts + db, auto));
        }
        String cachetUrl = "jdbc:cachet:postgresql://" + options.pgPrimary + db;
        Properties off = cachet(false);
        Properties on = cachet(true);
        Properties fixed = staticCache();
        off.putAll(credentials);
        on.putAll(credentials);
        fixed.putAll(credentials);
        if (haveReplicas) {
            off.setProperty("cachet.replicas", String.join(",", replicas));
            on.setProperty("cachet.replicas", String.join(",", replicas));
            fixed.setProperty("cachet.replicas", String.join(",", replicas));
        }
        String where = haveReplicas ? " with cachet.replicas" : "";
        add("cachet-off", "Cachet over pgjdbc" + where + ", cachet.enabled=false",
                () -> pooled("cachet-off", cachetUrl, off));
        if (haveReplicas) {
            Properties sticky = new Properties();
            sticky.putAll(off);
            sticky.setProperty("cachet.cluster", "bench-cache-off-sticky");
            sticky.setProperty("cachet.readStrategy", "sticky");
            add("cachet-sticky", "Cachet over pgjdbc with cachet.replicas, cachet.enabled=false, "
                    + "cachet.readStrategy=sticky", () -> pooled("cachet-sticky", cachetUrl, sticky));
        }
        add("cachet-on", "Cachet over pgjdbc" + where + ", cache on (cachet.maxBytes=" + options.cacheBytes + ")",
                () -> pooled("cachet-on", cachetUrl, on));
        add("cachet-static", "Cachet over pgjdbc" + where + ", cache on, cachet.adaptive=false",
                () -> pooled("cachet-static", cachetUrl, fixed));
        if (haveReplicas) {
            Properties onSticky = new Properties();
            onSticky.putAll(on);
            onSticky.setProperty("cachet.cluster", "bench-cache-on-sticky");
            onSticky.setProperty("cachet.readStrategy", "sticky");
            add("cachet-on-sticky", "Cachet over pgjdbc with cachet.replicas, cache on, cachet.readStrategy=sticky",
                    () -> pooled("cachet-on-sticky", cachetUrl, onSticky));
        }
        if (options.redis != null) {
            shared(cachetUrl, on, "cachet-shared", "strict", null,
                    "cache on and the shared tier on Redis, strict (every hit checked against Redis)");
            shared(cachetUrl, on, "cachet-shared-bc", "broadcast", null,
                    "cache on and the shared tier on Redis, broadcast (in-process hits trust the stream)");
            shared(cachetUrl, on, "cachet-redis", "strict", "1KB",
                    "the shared tier, strict, with an in-process tier of 1KB: hits come from Redis");
        }
    }

    /** A contender with the shared tier; its cluster id is its name, so instances of one contender share entries. */
    private void shared(String url, Properties base, String name, String consistency, String maxBytes,
                        String description) {
        Properties p = new Properties();
        p.putAll(base);
        p.setProperty("cachet.cluster", "bench-" + name);
        p.setProperty("cachet.shared.uri", options.redis);
        p.setProperty("cachet.shared.consistency", consistency);
        if (options.redisUser != null) {
            p.setProperty("cachet.shared.user", options.redisUser);
        }
        if (options.redisPassword != null) {
            p.setProperty("cachet.shared.password", options.redisPassword);
        }
        if (maxBytes != null) {
            p.setProperty("cachet.maxBytes", maxBytes);
            p.setProperty("cachet.maxBytesPerEntry", maxBytes);
        }
        add(name, "Cachet over pgjdbc, " + description, () -> awaitShared(pooled(name, url, p)));
    }

    /** Waits (at most 30 s) until the contender's shared tier answers from Redis, so rounds measure it. */
    private static Contender awaitShared(Contender c) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        try (java.sql.Connection conn = c.writeConnection()) {
            CachetCluster cluster = Cachet.cluster(conn);
            while (cluster.statistics().shared() == null || !"up".equals(cluster.statistics().shared().state())) {
                if (System.nanoTime() > deadline) {
                    c.close();
                    throw new IllegalStateException("the shared tier is not up: " + cluster.statistics().shared());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            }
            // what the tier did during the run (timeouts, stream losses, resyncs), printed when the runner ends
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println("[bench] " + c.name()
                    + " shared tier at the end: " + cluster.statistics().shared())));
        }
        return c;
    }

    private Properties credentials() {
        Properties p = new Properties();
        p.setProperty("user", options.pgUser);
        p.setProperty("password", options.pgPassword);
        return p;
    }

    /** Settings of a Cachet contender; each gets its own cluster id, hence its own cache. */
    private Properties cachet(boolean enabled) {
        Properties p = new Properties();
        p.setProperty("cachet.enabled", Boolean.toString(enabled));
        p.setProperty("cachet.cluster", enabled ? "bench-cache-on" : "bench-cache-off");
        if (enabled) {
            p.setProperty("cachet.maxBytes", options.cacheBytes);
        }
        return p;
    }

    private Contender pooled(String name, String url, Properties properties) throws SQLException {
        DriverManager.getDriver(url); // "No suitable driver" now rather than a pool start-up timeout
        HikariDataSource ds = Pools.pool(name, url, properties, options.poolSize);
        Contender c = new Contender(name, "", ds, ds, false, null, List.of(ds));
        if (url.startsWith("jdbc:cachet:")) {
            try {
                return withCachetStatistics(c, ds);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    private static Contender withReadOnly(Contender c) {
        return c.withReadOnlyAroundReads();
    }

    private interface Factory {
        Contender create() throws Exception;
    }

    private void add(String name, String description, Factory factory) {
        if (!options.wants(name)) {
            return;
        }
        try {
            Contender c = factory.create().describedAs(description);
            built.add(c);
            System.err.println("[bench] contender " + name + ": " + description);
        } catch (Exception | LinkageError e) {
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            skipped.put(name, reason);
            System.err.println("[bench] contender " + name + " left out: " + reason);
        }
    }

    private static void loadDriver(String className) {
        try {
            Class.forName(className);
        } catch (ClassNotFoundException | LinkageError e) {
            // Not on the class path: its contenders are left out with "No suitable driver".
        }
    }

    /** Reads a Cachet contender's counters through the operator API. */
    private static Contender withCachetStatistics(Contender c, HikariDataSource pool) throws SQLException {
        CachetCluster cluster = Cachet.cluster(pool);
        // what caching earned per table, and whether the adaptive switch turned a table off: printed when the runner ends
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println("[bench] " + c.name()
                + " tables at the end: " + cluster.tableStatistics())));
        Supplier<long[]> counters = () -> {
            ClusterStatistics s = cluster.statistics();
            return new long[] {s.hits(), s.misses(), s.cache().entries(), s.cache().bytes()};
        };
        return c.withCacheStatistics(counters).withExplainer(sql -> {
            Explanation e = cluster.explain(sql);
            return e.kind() + (e.cacheable() ? ", cacheable" : ", not cacheable (" + e.reason() + ")")
                    + ", route " + e.route() + (e.invalidatesAll() ? ", invalidates everything" : "");
        });
    }
}
