package dev.cachet.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.cachet.driver.Cachet;
import dev.cachet.driver.CachetCluster;
import dev.cachet.driver.CachetDataSource;
import dev.cachet.parser.NotCacheableReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The auto-configuration on its own: which DataSources it wraps and how, settings, meters and the endpoint. */
class CachetAutoConfigurationTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CachetAutoConfiguration.class));

    @AfterEach
    void forgetClusters() {
        Cachet.shutdown();
        System.clearProperty(CachetAutoConfiguration.AGENT_PROPERTY);
    }

    @Test
    void runsOnTheExpectedBootLine() {
        String expected = System.getProperty("dev.cachet.expectedBootMajor", "3");
        assertThat(SpringBootVersion.getVersion()).startsWith(expected + ".");
    }

    @Test
    void aPoolStaysThePoolWithCachetOverIt() {
        String url = h2Url();
        runner.withBean("dataSource", DataSource.class, () -> hikari(url))
                .withPropertyValues("cachet.cluster=shop", "cachet.ttl=45s", "cachet.ttl.audit=0")
                .run(context -> {
                    DataSource ds = context.getBean(DataSource.class);
                    assertThat(ds).isInstanceOf(HikariDataSource.class);
                    assertThat(ds.isWrapperFor(CachetDataSource.class)).isTrue();
                    assertThat(ds.unwrap(HikariDataSource.class).getJdbcUrl()).isEqualTo(url);
                    try (Connection c = ds.getConnection()) {
                        exec(c, "CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(20))",
                                "INSERT INTO item VALUES (1, 'pen')", "CREATE TABLE audit(id INT)");
                        CachetCluster cluster = Cachet.cluster(c);
                        assertThat(cluster.id()).isEqualTo("shop");
                        assertThat(one(c, "SELECT name FROM item WHERE id = 1")).isEqualTo("pen");
                    }
                    try (Connection c = ds.getConnection()) {
                        assertThat(one(c, "SELECT name FROM item WHERE id = 1")).isEqualTo("pen");
                        exec(c, "UPDATE item SET name = 'ink' WHERE id = 1");
                        assertThat(one(c, "SELECT name FROM item WHERE id = 1")).isEqualTo("ink");
                        CachetCluster cluster = Cachet.cluster(c);
                        assertThat(cluster.statistics().hits()).isEqualTo(1);
                        assertThat(cluster.explain("SELECT name FROM item").ttl()).hasSeconds(45);
                        assertThat(cluster.explain("SELECT id FROM audit").reason())
                                .isEqualTo(NotCacheableReason.TABLE_TTL_ZERO);
                    }
                    // the pool pools the real connections: one physical connection served both borrows
                    assertThat(ds.unwrap(HikariDataSource.class).getHikariPoolMXBean().getTotalConnections())
                            .isPositive();
                });
    }

    @Test
    void aPoolOfCachetConnectionsIsNotWrappedTwice() {
        String url = h2Url().replace("jdbc:h2:", "jdbc:cachet:h2:");
        runner.withBean("dataSource", DataSource.class, () -> hikari(url))
                .run(context -> {
                    DataSource ds = context.getBean(DataSource.class);
                    try (Connection c = ds.getConnection()) {
                        exec(c, "CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(20))",
                                "INSERT INTO item VALUES (1, 'pen')");
                        one(c, "SELECT name FROM item WHERE id = 1");
                        one(c, "SELECT name FROM item WHERE id = 1");
                        // a second Cachet layer would be a second cluster, counting every statement again
                        assertThat(Cachet.clusters()).hasSize(1);
                        assertThat(Cachet.cluster(c).statistics().executions()).isEqualTo(4);
                        assertThat(Cachet.cluster(c).statistics().hits()).isEqualTo(1);
                    }
                    assertThat(context.getBean(CachetClusters.class).all()).hasSize(1);
                });
    }

    @Test
    void cachetEnabledFalseLeavesEverythingAlone() {
        String url = h2Url();
        runner.withBean("dataSource", DataSource.class, () -> hikari(url))
                .withPropertyValues("cachet.enabled=false")
                .run(context -> {
                    DataSource ds = context.getBean(DataSource.class);
                    assertThat(ds.isWrapperFor(CachetDataSource.class)).isFalse();
                    try (Connection c = ds.getConnection()) {
                        assertThat(c.isWrapperFor(dev.cachet.driver.jdbc.CachetConnection.class)).isFalse();
                    }
                    assertThat(context).doesNotHaveBean(CachetEndpoint.class);
                    assertThat(context).doesNotHaveBean(CachetMeterBinder.class);
                });
    }

    @Test
    void theAgentTakesPrecedence() {
        System.setProperty(CachetAutoConfiguration.AGENT_PROPERTY, "true");
        runner.withBean("dataSource", DataSource.class, () -> hikari(h2Url()))
                .run(context -> assertThat(context.getBean(DataSource.class).isWrapperFor(CachetDataSource.class))
                        .isFalse());
    }

    @Test
    void badSettingsFailStartupWithCachetsMessage() {
        runner.withBean("dataSource", DataSource.class, () -> hikari(h2Url()))
                .withPropertyValues("cachet.max-bytes=1MB", "cachet.max-bytes-per-entry=2MB")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("cachet.maxBytesPerEntry (2MB) is larger than cachet.maxBytes"));
        runner.withBean("dataSource", DataSource.class, () -> hikari(h2Url()))
                .withPropertyValues("cachet.ttl.orders=soon")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("cachet.ttl.orders has a bad value 'soon'"));
        runner.withBean("dataSource", DataSource.class, () -> hikari(h2Url()))
                .withPropertyValues("cachet.read-strategy=fastest")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void propertiesBindRelaxedNamesListsAndSizes() {
        runner.withPropertyValues("cachet.max-bytes=128MB", "cachet.replicas[0]=r1:5432", "cachet.replicas[1]=r2:5432",
                        "cachet.read-strategy=least-connections", "cachet.deterministic-functions=tax_rate,fmt",
                        "cachet.in-flight-wait=250ms")
                .run(context -> {
                    CachetProperties p = context.getBean(CachetProperties.class);
                    java.util.Properties cachet = p.toCachetProperties(Map.of("orders", java.time.Duration.ofSeconds(5)));
                    assertThat(cachet).containsEntry("cachet.maxBytes", Long.toString(128L << 20))
                            .containsEntry("cachet.replicas", "r1:5432,r2:5432")
                            .containsEntry("cachet.readStrategy", "least-connections")
                            .containsEntry("cachet.deterministicFunctions", "tax_rate,fmt")
                            .containsEntry("cachet.inFlightWait", "250ms")
                            .containsEntry("cachet.ttl.orders", "5000ms")
                            .doesNotContainKey("cachet.ttl");
                });
    }

    @Test
    void metersFollowTheClusterCounters() {
        String url = h2Url();
        runner.withBean("dataSource", DataSource.class, () -> hikari(url))
                .withPropertyValues("cachet.cluster=metered")
                .run(context -> {
                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    // bound before the cluster exists: its meters appear with its first connection
                    context.getBean(CachetMeterBinder.class).bindTo(registry);
                    assertThat(registry.find("cache.gets").meters()).isEmpty();
                    DataSource ds = context.getBean(DataSource.class);
                    try (Connection c = ds.getConnection()) {
                        exec(c, "CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(20))",
                                "INSERT INTO item VALUES (1, 'pen')");
                        one(c, "SELECT name FROM item WHERE id = 1");
                        one(c, "SELECT name FROM item WHERE id = 1");
                        one(c, "SELECT name FROM item WHERE id = 1");
                        one(c, "SELECT name FROM item FOR UPDATE");
                        exec(c, "UPDATE item SET name = 'ink' WHERE id = 1");
                    }
                    assertThat(count(registry, "cache.gets", "result", "hit")).isEqualTo(2);
                    assertThat(count(registry, "cache.gets", "result", "miss")).isEqualTo(1);
                    assertThat(count(registry, "cache.puts", null, null)).isEqualTo(1);
                    assertThat(registry.get("cache.size").tag("cache", "metered").gauge().value()).isZero();
                    assertThat(count(registry, "cachet.not.cacheable", "reason", "locking-read")).isEqualTo(1);
                    // create, insert, the miss, the locking read, the update: hits never reach the database
                    assertThat(count(registry, "cachet.routing", "target", "primary")).isEqualTo(5);
                    assertThat(count(registry, "cachet.routing", "target", "replica")).isZero();
                    assertThat(count(registry, "cachet.invalidations", null, null)).isPositive();
                    assertThat(count(registry, "cachet.writes", null, null))
                            .isEqualTo(Cachet.clusters().iterator().next().statistics().writes());
                    assertThat(registry.get("cachet.fill").tag("cache", "metered").functionTimer().count())
                            .isEqualTo(1);
                    assertThat(registry.get("cachet.fill").tag("cache", "metered").functionTimer()
                            .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
                    assertThat(registry.get("cachet.cache.bytes").tag("cache", "metered").gauge().value())
                            .isEqualTo((double) Cachet.clusters().iterator().next().statistics().cache().bytes());
                });
    }

    @Test
    void sharedTierPropertiesMetersAndEndpoint() throws Exception {
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort(); // nobody listens there once closed: the tier stays away, statements run
        }
        String url = h2Url();
        runner.withBean("dataSource", DataSource.class, () -> hikari(url))
                .withPropertyValues("cachet.cluster=sharedmeters", "cachet.shared.uri=redis://127.0.0.1:" + deadPort,
                        "cachet.shared.consistency=broadcast", "cachet.shared.timeout=50ms",
                        "cachet.shared.max-entry-bytes=256KB", "cachet.shared.password=pw-not-shown")
                .run(context -> {
                    java.util.Properties cachet = context.getBean(CachetProperties.class).toCachetProperties(Map.of());
                    assertThat(cachet).containsEntry("cachet.shared.consistency", "broadcast")
                            .containsEntry("cachet.shared.timeout", "50ms")
                            .containsEntry("cachet.shared.maxEntryBytes", Long.toString(256 * 1024));
                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(CachetMeterBinder.class).bindTo(registry);
                    DataSource ds = context.getBean(DataSource.class);
                    try (Connection c = ds.getConnection()) {
                        exec(c, "CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(20))",
                                "INSERT INTO item VALUES (1, 'pen')");
                        one(c, "SELECT name FROM item WHERE id = 1");
                        one(c, "SELECT name FROM item WHERE id = 1");
                    }
                    assertThat(registry.get("cache.gets").tag("cache", "sharedmeters").tag("result", "hit")
                            .functionCounter().count()).isEqualTo(1);
                    assertThat(registry.get("cachet.shared.fallbacks").tag("cache", "sharedmeters")
                            .functionCounter().count()).isPositive();
                    assertThat(registry.get("cachet.shared.gets").tag("cache", "sharedmeters").tag("result", "hit")
                            .functionCounter().count()).isZero();
                    assertThat(registry.get("cachet.shared.up").tag("cache", "sharedmeters").gauge().value())
                            .isZero();
                    @SuppressWarnings("unchecked")
                    Map<String, Object> clusters = (Map<String, Object>) context.getBean(CachetEndpoint.class)
                            .statistics().get("clusters");
                    Map<String, Object> shared = (Map<String, Object>) ((Map<String, Object>) clusters
                            .get("sharedmeters")).get("shared");
                    assertThat(shared).containsKeys("state", "hits", "fallbacks", "badValues");
                    assertThat(shared.toString()).doesNotContain("pw-not-shown");
                });
    }

    @Test
    void theEndpointReportsExplainsAndInvalidates() {
        String url = h2Url();
        runner.withBean("dataSource", DataSource.class, () -> hikari(url))
                .withPropertyValues("cachet.cluster=ops")
                .run(context -> {
                    CachetEndpoint endpoint = context.getBean(CachetEndpoint.class);
                    DataSource ds = context.getBean(DataSource.class);
                    try (Connection c = ds.getConnection()) {
                        exec(c, "CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(20))",
                                "INSERT INTO item VALUES (1, 'pen')");
                        one(c, "SELECT name FROM item WHERE id = 1");
                        one(c, "SELECT name FROM item WHERE id = 1");
                        @SuppressWarnings("unchecked")
                        Map<String, Map<String, Object>> clusters =
                                (Map<String, Map<String, Object>>) endpoint.statistics().get("clusters");
                        assertThat(clusters).containsOnlyKeys("ops");
                        assertThat(clusters.get("ops")).containsEntry("hits", 1L).containsEntry("misses", 1L);

                        @SuppressWarnings("unchecked")
                        Map<String, Map<String, Object>> explained =
                                (Map<String, Map<String, Object>>) endpoint.explain("explain",
                                        "SELECT name FROM item WHERE id = ?").get("clusters");
                        assertThat(explained.get("ops")).containsEntry("cacheable", true)
                                .containsEntry("ttl", "PT1M");

                        endpoint.invalidate("ITEM");
                        one(c, "SELECT name FROM item WHERE id = 1");
                        assertThat(Cachet.cluster(c).statistics().misses()).isEqualTo(2);
                        one(c, "SELECT name FROM item WHERE id = 1");
                        endpoint.invalidateAll();
                        one(c, "SELECT name FROM item WHERE id = 1");
                        assertThat(Cachet.cluster(c).statistics().misses()).isEqualTo(3);
                        assertThat(Cachet.cluster(c).statistics().hits()).isEqualTo(2);
                    }
                });
    }

    private static double count(SimpleMeterRegistry registry, String name, String tag, String value) {
        var search = registry.get(name).tag("cache", "metered");
        if (tag != null) {
            search = search.tag(tag, value);
        }
        FunctionCounter counter = search.functionCounter();
        return counter.count();
    }

    static String h2Url() {
        return "jdbc:h2:mem:starter_" + DATABASES.incrementAndGet() + "_" + Long.toHexString(System.nanoTime())
                + ";DB_CLOSE_DELAY=-1";
    }

    static HikariDataSource hikari(String url) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setMaximumPoolSize(2);
        return ds;
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
