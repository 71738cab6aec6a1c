package dev.cachet.driver.it.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.cache.shared.SharedTierStatistics;
import dev.cachet.driver.Cachet;
import dev.cachet.driver.it.shared.SharedFixture.Topology;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad values under Cachet's keys in Redis, through the driver: entries sealed with another encryption key, entries over
 * {@code cachet.shared.maxEntryBytes}, corrupted bytes and foreign values. None is served, none reaches the application
 * as an exception, each is counted. {@code Cachet.shutdown()} between the steps drops this JVM's in-process tier (and
 * only it: the entries in Redis stay servable), so every look-up goes to Redis.
 */
class SharedTierBadInputIT {

    private static final String SMALL = "SELECT v FROM %s WHERE id = 1";
    private static final String LARGE = "SELECT repeat('x', 4000) || v FROM %s WHERE id = 1";

    @AfterEach
    void shutdown() {
        Cachet.shutdown();
    }

    @Test
    void badValuesAreNeverServedAndAlwaysCounted() throws Exception {
        String table = SharedFixture.tables(1).get(0);
        String role = SharedFixture.appRole(List.of(table));
        String cluster = SharedFixture.fresh("bad");
        Path key1 = keyFile();
        Path key2 = keyFile();
        try {
            // filled under key 1
            try (Connection c = connect(cluster, role, key1, null)) {
                assertRight(c, table);
                awaitShared(c, s -> s.stores() >= 2);
            }
            Cachet.shutdown();
            // read under key 2: both entries are refused as sealed with another key, then filled again under key 2
            try (Connection c = connect(cluster, role, key2, null)) {
                assertRight(c, table);
                assertThat(shared(c).wrongKeyValues()).as("values under another key").isGreaterThanOrEqualTo(2);
                assertThat(shared(c).hits()).isZero();
                awaitShared(c, s -> s.stores() >= 2);
            }
            Cachet.shutdown();
            // with a smaller cap the large entry is refused unread; the small one (same key) is a hit
            try (Connection c = connect(cluster, role, key2, "1KB")) {
                assertRight(c, table);
                assertThat(shared(c).oversizeEntries()).as("values over the cap").isGreaterThanOrEqualTo(1);
                assertThat(shared(c).hits()).as("hits of what the last instance filled").isEqualTo(1);
            }
            Cachet.shutdown();
            // corrupted bytes, then foreign values, under every entry key of the cluster
            rewriteEntries(cluster, value -> {
                byte[] v = value.clone();
                v[v.length / 2] ^= 0x5A;
                return v;
            });
            try (Connection c = connect(cluster, role, key2, null)) {
                assertRight(c, table);
                assertThat(shared(c).corruptValues()).as("corrupted values").isGreaterThanOrEqualTo(2);
                assertThat(shared(c).hits()).isZero();
            }
            Cachet.shutdown();
            rewriteEntries(cluster, value -> "not Cachet's".getBytes(StandardCharsets.UTF_8));
            try (Connection c = connect(cluster, role, key2, null)) {
                assertRight(c, table);
                assertThat(shared(c).foreignValues() + shared(c).corruptValues()).as("foreign values").isGreaterThanOrEqualTo(2);
                assertThat(shared(c).hits()).isZero();
            }
        } finally {
            Files.deleteIfExists(key1);
            Files.deleteIfExists(key2);
        }
    }

    private static Path keyFile() throws Exception {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        Path f = Files.createTempFile("cachet-key", ".b64");
        Files.writeString(f, Base64.getEncoder().encodeToString(raw));
        return f;
    }

    private static Connection connect(String cluster, String role, Path key, String maxEntryBytes) throws Exception {
        Properties s = SharedFixture.settings(cluster, role, Topology.STANDALONE, "strict");
        Properties p = SharedFixture.connectionProperties(s);
        p.setProperty("cachet.shared.encryptionKey", key.toString());
        if (maxEntryBytes != null) {
            p.setProperty("cachet.shared.maxEntryBytes", maxEntryBytes);
        }
        Connection c = DriverManager.getConnection(s.getProperty("url"), p);
        awaitShared(c, st -> st.state().equals("up"));
        return c;
    }

    private static SharedTierStatistics shared(Connection c) throws SQLException {
        return Cachet.cluster(c).statistics().shared();
    }

    private static void awaitShared(Connection c, java.util.function.Predicate<SharedTierStatistics> condition) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> condition.test(shared(c)));
    }

    /** Both queries answer what the database holds (v = 0), whatever Redis holds. */
    private static void assertRight(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(String.format(SMALL, table))) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero();
            }
            try (ResultSet rs = s.executeQuery(String.format(LARGE, table))) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("x".repeat(4000) + "0");
            }
        }
    }

    interface Rewrite {
        byte[] apply(byte[] value);
    }

    /** Replaces the value of every entry of {@code cluster} in Redis (keeping its TTL); returns how many. */
    private static int rewriteEntries(String cluster, Rewrite rewrite) {
        String[] hp = SharedFixture.property("it.redis.standalone").split(":");
        RedisURI uri = RedisURI.builder().withHost(hp[0]).withPort(Integer.parseInt(hp[1]))
                .withAuthentication(SharedFixture.property("it.redis.user"),
                        SharedFixture.property("it.redis.password"))
                .withTimeout(Duration.ofSeconds(5)).build();
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<byte[], byte[]> redis = connection.sync();
            List<byte[]> keys = new ArrayList<>();
            ScanArgs match = ScanArgs.Builder.matches("cachet:" + cluster + ":*:e").limit(1000);
            KeyScanCursor<byte[]> cursor = redis.scan(match);
            keys.addAll(cursor.getKeys());
            while (!cursor.isFinished()) {
                cursor = redis.scan(cursor, match);
                keys.addAll(cursor.getKeys());
            }
            assertThat(keys).as("entries of the cluster in Redis").hasSize(2);
            for (byte[] k : keys) {
                redis.set(k, rewrite.apply(redis.get(k)), SetArgs.Builder.keepttl());
            }
            return keys.size();
        } finally {
            client.shutdown();
        }
    }
}
