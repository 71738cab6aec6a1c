package dev.cachet.driver;

import static dev.cachet.driver.H2Database.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.parser.NotCacheableReason;
import dev.cachet.parser.StatementKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator API: statistics, manual invalidation, explain, listeners, clusters, shutdown. */
class OperatorApiTest {

    static final String SELECT = "SELECT v FROM t WHERE id = 1";

    H2Database db;

    @BeforeEach
    void setUp() throws SQLException {
        db = new H2Database().exec("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'a')",
                "CREATE VIEW tv AS SELECT * FROM t");
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
    }

    @Test
    void eachTableReadCountsTheHitsOfEveryStatementThatReadsIt() throws SQLException {
        db.exec("CREATE TABLE u(id INT PRIMARY KEY, t_id INT)", "INSERT INTO u VALUES (7, 1)");
        try (Connection c = db.cachet();
             java.sql.PreparedStatement byId = c.prepareStatement("SELECT v FROM t WHERE id = ?");
             java.sql.PreparedStatement join = c.prepareStatement("SELECT t.v FROM t JOIN u ON u.t_id = t.id")) {
            for (int i = 0; i < 4; i++) { // one miss, three hits
                byId.setInt(1, 1);
                byId.executeQuery().close();
                join.executeQuery().close();
            }
            try (Statement s = c.createStatement()) { // one statement, a miss and a hit on each table in turn
                for (String sql : List.of(SELECT, SELECT, "SELECT t_id FROM u WHERE id = 7",
                        "SELECT t_id FROM u WHERE id = 7", SELECT)) {
                    s.executeQuery(sql).close();
                }
            }
            java.util.Map<String, Long> hits = new java.util.HashMap<>();
            Cachet.cluster(c).tableStatistics().forEach(t -> hits.put(t.table().toLowerCase(), t.hits()));
            assertThat(hits).containsEntry("t", 8L).containsEntry("u", 4L);
        }
    }

    @Test
    void listenersSeeHitsMissesWritesAndInvalidations() throws SQLException {
        List<ExecutionEvent> executions = new ArrayList<>();
        List<InvalidationEvent> invalidations = new ArrayList<>();
        ExecutionListener listener = new ExecutionListener() {
            @Override
            public void onExecution(ExecutionEvent event) {
                executions.add(event);
            }

            @Override
            public void onInvalidation(InvalidationEvent event) {
                invalidations.add(event);
            }
        };
        try (Connection c = db.cachet(); Statement s = c.createStatement()) {
            CachetCluster cluster = Cachet.cluster(c);
            cluster.addListener(listener);
            value(c, SELECT);
            value(c, SELECT);
            value(c, "SELECT v, RAND() FROM t");
            s.executeUpdate("UPDATE t SET v = 'b' WHERE id = 1");
            cluster.removeListener(listener);
            value(c, SELECT);
        }
        assertThat(executions).extracting(ExecutionEvent::outcome)
                .containsExactly(Outcome.MISS, Outcome.HIT, Outcome.NOT_CACHEABLE, Outcome.WRITE);
        assertThat(executions.get(2).reason()).isEqualTo(NotCacheableReason.VOLATILE_FUNCTION);
        assertThat(executions.get(2).detail()).isNotBlank();
        assertThat(executions).allSatisfy(e -> {
            assertThat(e.route()).isEqualTo(Route.PRIMARY);
            assertThat(e.nanos()).isPositive();
        });
        assertThat(invalidations).hasSize(1);
        assertThat(invalidations.get(0).tables()).contains("t", "tv");
        assertThat(invalidations.get(0).all()).isFalse();
    }

    @Test
    void statisticsAndManualInvalidation() throws SQLException {
        try (Connection c = db.cachet()) {
            CachetCluster cluster = Cachet.cluster(c);
            value(c, SELECT);
            value(c, SELECT);
            ClusterStatistics stats = cluster.statistics();
            assertThat(stats.hits()).isEqualTo(1);
            assertThat(stats.misses()).isEqualTo(1);
            assertThat(stats.hitRatio()).isEqualTo(0.5);
            assertThat(stats.openConnections()).isEqualTo(1);
            assertThat(stats.cache()).isNotNull();

            db.exec("UPDATE t SET v = 'around' WHERE id = 1"); // invisible to Cachet
            assertThat(value(c, SELECT)).isEqualTo("a");
            cluster.invalidate("PUBLIC.\"T\"");
            assertThat(value(c, SELECT)).isEqualTo("around");

            db.exec("UPDATE t SET v = 'again' WHERE id = 1");
            cluster.invalidateAll();
            assertThat(value(c, SELECT)).isEqualTo("again");
            assertThat(Cachet.clusters()).contains(cluster);
        }
        assertThat(db.executions(SELECT)).isEqualTo(3);
    }

    @Test
    void explainSaysWhatWouldHappen() throws SQLException {
        try (Connection c = db.cachet("cachet.ttl.t", "10s")) {
            CachetCluster cluster = Cachet.cluster(c);
            Explanation read = cluster.explain("SELECT v FROM t WHERE id = ?");
            assertThat(read.cacheable()).isTrue();
            assertThat(read.kind()).isEqualTo(StatementKind.QUERY);
            assertThat(read.tablesRead()).containsExactly("t");
            assertThat(read.ttl()).isEqualTo(Duration.ofSeconds(10));
            assertThat(read.route()).isEqualTo(Route.PRIMARY);

            Explanation volatileRead = cluster.explain("SELECT NOW() FROM t");
            assertThat(volatileRead.cacheable()).isFalse();
            assertThat(volatileRead.reason()).isEqualTo(NotCacheableReason.VOLATILE_FUNCTION);
            assertThat(volatileRead.detail()).isNotBlank();
            assertThat(volatileRead.ttl()).isNull();

            Explanation write = cluster.explain("UPDATE t SET v = 'x'");
            assertThat(write.cacheable()).isFalse();
            assertThat(write.tablesInvalidated()).contains("t", "tv");
            assertThat(write.invalidatesAll()).isFalse();

            Explanation unknown = cluster.explain("this is not sql");
            assertThat(unknown.invalidatesAll()).isTrue();
            assertThat(unknown.route()).isEqualTo(Route.PRIMARY);
        }
    }

    @Test
    void clusterOfANonCachetConnectionIsAClearError() throws SQLException {
        try (Connection direct = db.direct()) {
            assertThatThrownBy(() -> Cachet.cluster(direct)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("not a Cachet connection");
        }
    }

    @Test
    void shutdownForgetsClustersAndDropsTheirCaches() throws SQLException {
        String id;
        try (Connection c = db.cachet()) {
            id = Cachet.cluster(c).id();
            value(c, SELECT);
        }
        Cachet.shutdown();
        assertThat(Cachet.clusters()).extracting(CachetCluster::id).doesNotContain(id);
        try (Connection c = db.cachet()) {
            value(c, SELECT);
            value(c, SELECT);
        }
        assertThat(db.executions(SELECT)).isEqualTo(2);
    }

    @Test
    void connectionsOfOneClusterShareOneCacheWhateverTheirCacheSettings() throws SQLException {
        try (Connection first = db.cachet("cachet.maxBytes", "8MB");
             Connection second = db.cachet("cachet.maxBytes", "16MB")) { // logged as a warning, not a second cache
            CachetCluster cluster = Cachet.cluster(first);
            assertThat(Cachet.cluster(second)).isEqualTo(cluster);
            assertThat(cluster.statistics().openConnections()).isEqualTo(2);
            value(first, SELECT);
            value(second, SELECT);
        }
        assertThat(db.executions(SELECT)).isEqualTo(1);
    }

    @Test
    void anExplicitClusterIdJoinsDifferentUrls() throws SQLException {
        try (H2Database other = new H2Database()) {
            try (Connection a = db.cachet("cachet.cluster", "shared-" + db.name);
                 Connection b = java.sql.DriverManager.getConnection(other.cachetUrl + ";cachet.cluster=shared-" + db.name)) {
                assertThat(Cachet.cluster(a).id()).isEqualTo("shared-" + db.name);
                assertThat(Cachet.cluster(b)).isEqualTo(Cachet.cluster(a));
            }
        }
    }

    @Test
    void connectionsOpenAcrossAShutdownStayConsistentWithLaterOnes() throws SQLException {
        try (Connection before = db.cachet(); Statement s = before.createStatement()) {
            value(before, SELECT);
            Cachet.shutdown();
            try (Connection after = db.cachet()) {
                assertThat(value(after, SELECT)).isEqualTo("a");
                s.executeUpdate("UPDATE t SET v = 'late' WHERE id = 1"); // through the retired cluster
                assertThat(value(after, SELECT)).isEqualTo("late");
                assertThat(value(before, SELECT)).isEqualTo("late");
            }
        }
    }
}
