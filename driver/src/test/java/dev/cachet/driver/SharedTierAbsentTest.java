package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.cache.shared.SharedTierStatistics;
import java.net.ServerSocket;
import java.sql.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster whose {@code cachet.shared.uri} names a Redis that is not there: statements neither fail nor wait for it,
 * the in-process tier serves as without a shared tier in {@code broadcast} mode, nothing is served from process in
 * {@code strict} mode (no hit can be checked), and the statistics say so. (The shared tier against real servers:
 * the {@code Shared*IT} integration tests.)
 */
class SharedTierAbsentTest {

    @AfterEach
    void shutdown() {
        Cachet.shutdown();
    }

    /** A loopback port nobody listens on (bound, then released). */
    private static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void strictModeRunsEveryQueryOnTheDatabaseWhileRedisIsAway() throws Exception {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 10)");
            try (Connection c = db.cachet("cachet.shared.uri", "redis://127.0.0.1:" + deadPort(),
                    "cachet.shared.timeout", "50ms")) {
                for (int i = 0; i < 3; i++) {
                    assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("10");
                }
                ClusterStatistics stats = Cachet.cluster(c).statistics();
                SharedTierStatistics shared = stats.shared();
                assertThat(shared).isNotNull();
                assertThat(shared.state()).isIn("connecting", "down");
                assertThat(shared.fallbacks()).isPositive();
                assertThat(shared.hits()).isZero();
                // strict: an in-process entry that cannot be checked against Redis is never served
                assertThat(stats.hits()).isZero();
                assertThat(db.executions("SELECT v FROM t WHERE id = 1")).isEqualTo(3);
            }
        }
    }

    @Test
    void broadcastModeKeepsTheInProcessTierWhileRedisIsAway() throws Exception {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t (id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 10)");
            try (Connection c = db.cachet("cachet.shared.uri", "redis://127.0.0.1:" + deadPort(),
                    "cachet.shared.consistency", "broadcast", "cachet.shared.timeout", "50ms")) {
                for (int i = 0; i < 3; i++) {
                    assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("10");
                }
                try (var s = c.createStatement()) {
                    s.executeUpdate("UPDATE t SET v = 11 WHERE id = 1"); // its shared bump waits for Redis: pending
                }
                assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("11");
                ClusterStatistics stats = Cachet.cluster(c).statistics();
                assertThat(stats.hits()).isEqualTo(2);
                assertThat(stats.shared().pendingBumps()).isPositive();
            }
        }
    }

    @Test
    void noSharedTierWithoutTheSetting() throws Exception {
        try (H2Database db = new H2Database(); Connection c = db.cachet()) {
            assertThat(Cachet.cluster(c).statistics().shared()).isNull();
        }
    }
}
