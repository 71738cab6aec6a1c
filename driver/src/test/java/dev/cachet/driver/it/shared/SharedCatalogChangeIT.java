package dev.cachet.driver.it.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.Cachet;
import dev.cachet.driver.CachetCluster;
import dev.cachet.driver.it.cluster.PgCluster;
import dev.cachet.driver.it.shared.SharedFixture.Topology;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A table's key changed through one application instance (DESIGN §13 and §10): the other instance, in its own JVM,
 * must stop trusting the key it read from the catalog. Here this JVM's instance moves the primary key from {@code id}
 * to {@code k} while the worker caches a look-up by {@code id}; an update by the new key then bumps the row slot of
 * {@code k} and the table's non-key results, neither of which a look-up cached under the old key depends on — only a
 * catalog read again shows the worker that its query is no key look-up any more.
 */
class SharedCatalogChangeIT {

    @Test
    void aPrimaryKeyMovedThroughOneInstanceIsNoKeyInTheOtherAnyMore() throws Exception {
        String table = SharedFixture.fresh("keyed");
        String role = SharedFixture.appRole(List.of());
        try (Connection c = PgCluster.connect(0); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, k int NOT NULL, v int NOT NULL)");
            s.execute("INSERT INTO " + table + " VALUES (1, 101, 0)");
            s.execute("ALTER TABLE " + table + " OWNER TO " + role); // the application's role runs the DDL
            s.execute("GRANT CREATE ON SCHEMA public TO " + role); // its new key's index
        }
        String cluster = SharedFixture.fresh("catalog");
        Properties settings = SharedFixture.settings(cluster, role, Topology.REPLICATION, "strict");
        settings.setProperty("cachet.adaptive", "false");
        settings.setProperty("cachet.admission", "always");
        try (Workers workers = new Workers()) {
            Properties p = new Properties();
            p.putAll(settings);
            p.setProperty("command", "watch");
            p.setProperty("sql", "SELECT v FROM " + table + " WHERE id = 1");
            p.setProperty("watchSeconds", "60"); // from the worker's start: room for a slow machine's set-up
            Workers.Worker watcher = workers.start(p);
            workers.awaitReady();
            workers.go();
            workers.awaitAll(Duration.ofSeconds(30), w -> w.stat("hits") >= 3);

            try (Connection c = DriverManager.getConnection(settings.getProperty("url"),
                    SharedFixture.connectionProperties(settings));
                 Statement s = c.createStatement()) {
                CachetCluster self = Cachet.cluster(c);
                Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> "up".equals(self.statistics().shared().state()));
                long misses = watcher.stat("misses");
                s.execute("ALTER TABLE " + table + " DROP CONSTRAINT " + table + "_pkey");
                s.execute("ALTER TABLE " + table + " ADD PRIMARY KEY (k)");
                // the watcher ran its query again since (the table was invalidated): without the notice, it cached it
                // once more under the key it still believed in
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> watcher.stat("misses") > misses);
                s.execute("UPDATE " + table + " SET v = 99 WHERE k = 101");
            } finally {
                Cachet.shutdown();
            }
            workers.awaitDone(Duration.ofSeconds(60));
            assertThat(watcher.lines).as("the watcher saw the update: " + watcher).contains("CHANGED true");
            assertThat(watcher.stat("catalogChanges")).as("told of the catalog change").isPositive();
        }
    }
}
