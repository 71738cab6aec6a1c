package dev.cachet.driver;

import dev.cachet.driver.settings.SettingsFile;
import static dev.cachet.driver.H2Database.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.driver.jdbc.ClusterRegistry;
import dev.cachet.parser.NotCacheableReason;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The public hooks the agent and the Spring Boot starter build on: connecting through a given real driver, wrapping a
 * connection already borrowed, and the statistics their meters read (per reason, per route, miss time, replicas).
 */
class AdoptionHooksTest {

    H2Database db;

    @BeforeEach
    void setUp() throws SQLException {
        db = new H2Database().exec("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'a')");
    }

    @AfterEach
    void tearDown() throws SQLException {
        ClusterRegistry.shutdown();
        db.close();
    }

    @Test
    void connectsThroughTheGivenDriverInstanceOnly() throws SQLException {
        CountingDriver given = new CountingDriver(DriverManager.getDriver(db.realUrl));
        Properties p = new Properties();
        p.setProperty("cachet.ttl", "30s");
        try (Connection c = CachetDriver.connect(given, db.realUrl, p)) {
            assertThat(c.isWrapperFor(dev.cachet.driver.jdbc.CachetConnection.class)).isTrue();
            assertThat(value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            assertThat(value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            assertThat(Cachet.cluster(c).statistics().hits()).isEqualTo(1);
        }
        assertThat(given.connects.get()).isEqualTo(1);
        assertThat(given.urls).containsExactly(db.realUrl);
        assertThat(given.cachetKeysSeen).isZero();
    }

    @Test
    void connectThroughADriverRefusesCachetUrlsAndPassesRealErrorsThrough() {
        CountingDriver given = new CountingDriver(new org.h2.Driver());
        assertThatThrownBy(() -> CachetDriver.connect(given, db.cachetUrl, new Properties()))
                .isInstanceOf(SQLException.class).hasMessageContaining("plain jdbc: URL");
        Properties wrongUser = new Properties();
        wrongUser.setProperty("user", "nobody");
        wrongUser.setProperty("password", "wrong");
        String url = "jdbc:h2:mem:" + db.name + ";IFEXISTS=TRUE";
        SQLException direct = null;
        try {
            DriverManager.getConnection(url, wrongUser).close();
        } catch (SQLException e) {
            direct = e;
        }
        assertThat((Object) direct).isNotNull();
        SQLException expected = direct;
        assertThatThrownBy(() -> CachetDriver.connect(given, url, wrongUser))
                .isInstanceOf(expected.getClass())
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(expected.getSQLState()))
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(expected.getErrorCode()));
    }

    @Test
    void wrapsAConnectionAlreadyBorrowedFromTheWrappedDataSource() throws SQLException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(db.realUrl);
        CachetDataSource cachet = new CachetDataSource(h2);
        Connection real = h2.getConnection();
        try (Connection c = cachet.wrap(real)) {
            assertThat(value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            assertThat(value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            assertThat(Cachet.cluster(c).statistics().hits()).isEqualTo(1);
            // a jdbc:cachet: URL to the same database shares the cluster
            try (Connection byUrl = db.cachet()) {
                assertThat(Cachet.cluster(byUrl)).isEqualTo(Cachet.cluster(c));
            }
        }
        assertThat(real.isClosed()).isTrue();
    }

    @Test
    void statisticsCountReasonsRoutesAndMissTime() throws SQLException {
        try (Connection c = db.cachet(); Statement s = c.createStatement()) {
            value(c, "SELECT v FROM t WHERE id = 1");          // miss
            value(c, "SELECT v FROM t WHERE id = 1");          // hit
            value(c, "SELECT v FROM t WHERE id = 1 FOR UPDATE"); // locking read
            value(c, "SELECT 1");                              // no tables
            value(c, "SELECT /*cachet:nocache*/ v FROM t");    // hint
            value(c, "SELECT /*cachet:nocache*/ v FROM t");
            s.executeUpdate("UPDATE t SET v = 'b' WHERE id = 1");
            ClusterStatistics st = Cachet.cluster(c).statistics();
            assertThat(st.notCacheableByReason()).containsOnly(
                    java.util.Map.entry(NotCacheableReason.LOCKING_READ, 1L),
                    java.util.Map.entry(NotCacheableReason.NO_TABLES, 1L),
                    java.util.Map.entry(NotCacheableReason.NOCACHE_HINT, 2L));
            assertThat(st.notCacheable()).isEqualTo(4);
            // everything the database ran: 1 miss + 4 uncached reads + 1 update, all on the primary
            assertThat(st.primaryExecutions()).isEqualTo(6);
            assertThat(st.replicaExecutions()).isZero();
            assertThat(st.missNanos()).isPositive();
            assertThat(st.replicas()).isEmpty();
            assertThatThrownBy(() -> st.notCacheableByReason().put(NotCacheableReason.UNPARSEABLE, 1L))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void statisticsListReplicasAndCountReplicaReads() throws SQLException {
        String prefix = db.name + "_r";
        List<Connection> keep = new ArrayList<>();
        try {
            String[] urls = new String[3];
            for (int i = 0; i < 3; i++) {
                urls[i] = "jdbc:h2:mem:" + prefix + i + ";DB_CLOSE_DELAY=-1";
                Connection k = DriverManager.getConnection(urls[i]);
                keep.add(k);
                try (Statement s = k.createStatement()) {
                    s.execute("CREATE TABLE node(name VARCHAR(20))");
                    s.execute("INSERT INTO node VALUES ('n" + i + "')");
                }
            }
            CachetDataSource ds = new CachetDataSource(h2(urls[0]));
            Properties p = new Properties();
            p.setProperty("cachet.cluster", prefix);
            ds.setProperties(p);
            ds.addReplica(h2(urls[1]));
            ds.addReplica(h2(urls[2]));
            try (Connection c = ds.getConnection()) {
                for (int i = 0; i < 4; i++) {
                    assertThat(value(c, "SELECT /*cachet:nocache*/ name FROM node")).isIn("n1", "n2");
                }
                ClusterStatistics st = Cachet.cluster(c).statistics();
                assertThat(st.replicaExecutions()).isEqualTo(4);
                assertThat(st.replicas()).extracting(ReplicaStatistics::host)
                        .containsExactly("primary", "replica-1", "replica-2");
                assertThat(st.replicas().get(0).primary()).isTrue();
                assertThat(st.replicas().get(0).available()).isFalse();
                assertThat(st.replicas().subList(1, 3)).allSatisfy(r -> {
                    assertThat(r.primary()).isFalse();
                    assertThat(r.available()).isTrue();
                    assertThat(r.lag()).isNull(); // H2: replication cannot be measured
                });
            }
        } finally {
            for (Connection k : keep) {
                try (Statement s = k.createStatement()) {
                    s.execute("SHUTDOWN");
                }
            }
        }
    }

    @Test
    void theAgentsOwnNamesAreNeitherSettingsNorUnknownInSharedSources() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cachet-agent-names");
        java.nio.file.Files.writeString(dir.resolve("cachet.properties"),
                "cachet.agent.include=jdbc:h2:*\ncachet.ttl=7s\n");
        System.setProperty("cachet.agent.exclude", "jdbc:h2:mem:skip*");
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[]{dir.toUri().toURL()},
                null)) {
            t.setContextClassLoader(loader);
            SettingsFile.clearCache();
            assertThat(CachetSettings.resolve(new Properties(), java.util.Map.of()).ttl()).hasSeconds(7);
            // where they cannot mean anything, they are unknown names like any other
            assertThatThrownBy(() -> CachetSettings.resolve(null, java.util.Map.of("cachet.agent.include", "x")))
                    .hasMessageContaining("Unknown Cachet setting cachet.agent.include in the connection URL");
        } finally {
            t.setContextClassLoader(previous);
            System.clearProperty("cachet.agent.exclude");
            SettingsFile.clearCache();
        }
    }

    private static JdbcDataSource h2(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        return ds;
    }

    /** A driver that counts the connections it opens and remembers the URLs and any cachet.* key it was given. */
    static final class CountingDriver implements Driver {
        final Driver real;
        final AtomicInteger connects = new AtomicInteger();
        final List<String> urls = new ArrayList<>();
        int cachetKeysSeen;

        CountingDriver(Driver real) {
            this.real = real;
        }

        @Override
        public Connection connect(String url, Properties info) throws SQLException {
            synchronized (this) {
                urls.add(url);
                for (String k : info.stringPropertyNames()) {
                    if (CachetSettings.isCachetName(k)) {
                        cachetKeysSeen++;
                    }
                }
            }
            Connection c = real.connect(url, info);
            if (c != null) {
                connects.incrementAndGet();
            }
            return c;
        }

        @Override
        public boolean acceptsURL(String url) throws SQLException {
            return real.acceptsURL(url);
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
            return real.getPropertyInfo(url, info);
        }

        @Override
        public int getMajorVersion() {
            return real.getMajorVersion();
        }

        @Override
        public int getMinorVersion() {
            return real.getMinorVersion();
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return real.getParentLogger();
        }
    }
}
