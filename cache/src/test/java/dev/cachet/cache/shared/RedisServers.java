package dev.cachet.cache.shared;

import static org.assertj.core.api.Assertions.fail;

import dev.cachet.cache.ScriptRun;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The throwaway Redis servers of {@code scripts/redis-servers.sh}, as the integration suite passes them
 * ({@code it.redis.*} system properties), and the script's commands to kill, stop, start and fail over nodes. A
 * server that is not there fails the test: integration tests never skip.
 */
public final class RedisServers {

    enum Topology { STANDALONE, TLS, REPLICATION, CLUSTER }

    static final String STANDALONE = property("it.redis.standalone", "127.0.0.1:17379");
    static final String TLS = property("it.redis.tls", "127.0.0.1:17380");
    static final String TLS_CA = property("it.redis.tlsCa", "/tmp/cachet-redis-17379/tls/ca.crt");
    static final String PRIMARY = property("it.redis.primary", "127.0.0.1:17381");
    static final String REPLICAS = property("it.redis.replicas", "127.0.0.1:17382,127.0.0.1:17383");
    static final String CLUSTER = property("it.redis.cluster",
            "127.0.0.1:17390,127.0.0.1:17391,127.0.0.1:17392,127.0.0.1:17393,127.0.0.1:17394,127.0.0.1:17395");
    static final String USER = property("it.redis.user", "cachet");
    static final String PASSWORD = property("it.redis.password", "cachet-secret-7f3a");
    static final String RESTRICTED_USER = property("it.redis.restrictedUser", "cachet_reader");
    static final String RESTRICTED_PASSWORD = property("it.redis.restrictedPassword", "reader-secret-41c9");
    static final String SCRIPT = property("it.redis.script", "scripts/redis-servers.sh");
    /**
     * Past the script's own waits for any command a test runs (CACHET_REDIS_WAIT, 30 s each; a crashed primary's
     * takeover waits three times), so its message is the one seen.
     */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(150);

    private RedisServers() {
    }

    private static String property(String name, String fallback) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** A fresh Cachet cluster id: every test has its own versions, channel and entries. */
    static String freshCluster() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Settings for {@code topology}, with the full-rights ACL user. */
    static SharedTierSettings.Builder settings(Topology topology, String cluster) {
        requireUp(topology);
        SharedTierSettings.Builder b;
        switch (topology) {
            case STANDALONE -> b = SharedTierSettings.builder(cluster, "redis://" + STANDALONE);
            case TLS -> b = SharedTierSettings.builder(cluster, "rediss://" + TLS)
                    .trustedCertificates(Path.of(TLS_CA));
            case REPLICATION -> b = SharedTierSettings.builder(cluster, uris("redis://", PRIMARY + "," + REPLICAS));
            case CLUSTER -> b = SharedTierSettings.builder(cluster, uris("redis://", CLUSTER))
                    .mode(SharedTierSettings.Mode.CLUSTER);
            default -> throw new AssertionError(topology);
        }
        return b.user(USER).password(PASSWORD).timeout(Duration.ofMillis(500)).heartbeat(Duration.ofMillis(250));
    }

    private static String uris(String scheme, String hosts) {
        List<String> out = new ArrayList<>();
        for (String h : hosts.split(",")) {
            out.add(scheme + h.strip());
        }
        return String.join(",", out);
    }

    /** Fails (never skips) when the servers of {@code topology} do not answer. */
    static void requireUp(Topology topology) {
        String first = switch (topology) {
            case STANDALONE -> STANDALONE;
            case TLS -> TLS;
            case REPLICATION -> PRIMARY;
            case CLUSTER -> CLUSTER.split(",")[0];
        };
        String[] hp = first.split(":");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 2000);
        } catch (IOException e) {
            fail("no Redis server of topology " + topology + " at " + first
                    + ": start them with scripts/redis-servers.sh up (scripts/integration-tests.sh does)");
        }
    }

    /** A plain connection to a standalone-style node, as the full-rights user, for the tests' own inspection. */
    static StatefulRedisConnection<String, String> connect(String hostPort) {
        String[] hp = hostPort.split(":");
        RedisURI uri = RedisURI.builder().withHost(hp[0]).withPort(Integer.parseInt(hp[1]))
                .withAuthentication(USER, PASSWORD).withTimeout(Duration.ofSeconds(5)).build();
        return RedisClient.create(uri).connect();
    }

    /** Runs {@code scripts/redis-servers.sh} with {@code args} and returns its output; fails the test on error. */
    public static String script(String... args) {
        java.io.File script = new java.io.File(SCRIPT);
        if (!script.exists() && new java.io.File("../" + SCRIPT).exists()) {
            script = new java.io.File("../" + SCRIPT); // run from the module's directory
        }
        List<String> command = new ArrayList<>();
        command.add(script.getPath());
        command.addAll(List.of(args));
        return ScriptRun.run(command, Map.of(), SCRIPT_TIMEOUT).strip();
    }

    /** The cluster node (its script name) that is primary for {@code key} now. */
    public static String clusterNodeOf(String key) {
        String out = script("node-of-key", key);
        String[] lines = out.split("\n");
        return lines[lines.length - 1].strip();
    }
}
