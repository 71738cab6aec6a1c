package dev.cachet.driver.it.shared;

import static org.assertj.core.api.Assertions.fail;

import dev.cachet.driver.it.cluster.PgCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * What the shared-tier integration tests run against: the test cluster's primary (an application role with a
 * password, fresh tables) and the Redis servers of {@code scripts/redis-servers.sh} ({@code it.redis.*}), reached as
 * an application reaches them, through {@code cachet.shared.*} settings.
 */
final class SharedFixture {

    enum Topology { REPLICATION, CLUSTER, STANDALONE }

    static final String APP_PASSWORD = "app-secret-93d1";

    private SharedFixture() {
    }

    static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set: run the integration suite with "
                    + "scripts/integration-tests.sh");
        }
        return v.trim();
    }

    static String fresh(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** Creates a login role with a password that may read and write {@code tables}; returns its name. */
    static String appRole(List<String> tables) throws SQLException {
        String role = fresh("app");
        try (Connection c = PgCluster.connect(0); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + APP_PASSWORD + "'");
            for (String t : tables) {
                s.execute("GRANT SELECT, UPDATE ON " + t + " TO " + role);
            }
        }
        return role;
    }

    /** Creates {@code n} one-row tables {@code (id, v)} with v = 0. */
    static List<String> tables(int n) throws SQLException {
        List<String> names = new ArrayList<>();
        String base = fresh("sh");
        try (Connection c = PgCluster.connect(0); Statement s = c.createStatement()) {
            for (int i = 0; i < n; i++) {
                String t = base + "_" + i;
                s.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, v bigint NOT NULL)");
                s.execute("INSERT INTO " + t + " VALUES (1, 0)");
                names.add(t);
            }
        }
        return names;
    }

    /** The Redis URIs of {@code topology}. */
    static String redisUri(Topology topology) {
        String hosts = switch (topology) {
            case REPLICATION -> property("it.redis.primary") + "," + property("it.redis.replicas");
            case CLUSTER -> property("it.redis.cluster");
            case STANDALONE -> property("it.redis.standalone");
        };
        requireUp(hosts.split(",")[0]);
        List<String> uris = new ArrayList<>();
        for (String h : hosts.split(",")) {
            uris.add("redis://" + h.trim());
        }
        return String.join(",", uris);
    }

    /** The settings of an instance of cluster {@code clusterId} on {@code topology} in {@code consistency} mode. */
    static Properties settings(String clusterId, String role, Topology topology, String consistency) {
        Properties p = new Properties();
        p.setProperty("url", "jdbc:cachet:postgresql://" + PgCluster.host(0) + "/postgres");
        p.setProperty("user", role);
        p.setProperty("password", APP_PASSWORD);
        p.setProperty("cachet.cluster", clusterId);
        p.setProperty("cachet.shared.uri", redisUri(topology));
        p.setProperty("cachet.shared.mode", topology == Topology.CLUSTER ? "cluster" : "standalone");
        p.setProperty("cachet.shared.consistency", consistency);
        p.setProperty("cachet.shared.user", property("it.redis.user"));
        p.setProperty("cachet.shared.password", property("it.redis.password"));
        // a loaded CI machine: a slower Redis call is a fallback (never wrong), but tests want hits
        p.setProperty("cachet.shared.timeout", "500ms");
        return p;
    }

    /** What an application in this JVM passes to connect with {@code settings}: its role, and its Cachet settings. */
    static Properties connectionProperties(Properties settings) {
        Properties p = new Properties();
        for (String name : settings.stringPropertyNames()) {
            if (name.startsWith("cachet.")) {
                p.setProperty(name, settings.getProperty(name));
            }
        }
        p.setProperty("user", settings.getProperty("user"));
        p.setProperty("password", settings.getProperty("password"));
        return p;
    }

    static void requireUp(String hostPort) {
        String[] hp = hostPort.split(":");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 2000);
        } catch (IOException e) {
            fail("no Redis server at " + hostPort + ": start them with scripts/redis-servers.sh up"
                    + " (scripts/integration-tests.sh does)");
        }
    }
}
