package dev.cachet.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.catalog.RowKeys;
import dev.cachet.driver.it.cluster.PgCluster;
import dev.cachet.parser.Dialect;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With replicas, a catalog reading through the probe user's connection trusts only a primary. In the moment after a
 * failover the host routing takes for the primary may be back as a standby, whose catalog lags the primary's: here a standby whose replay is paused still shows a
 * table's primary key as it was before the key moved, and a reading there would end the cluster's doubt with the old
 * key — look-ups cached by it that writes by the new key never reach. The reading goes to the application's primary
 * connection instead.
 */
class ProbeCatalogReadingIT {

    @Test
    void aProbeHostThatIsAStandbyDoesNotReadTheCatalog() throws Exception {
        String table = "probe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection primary = PgCluster.connect(0); Statement s = primary.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, k INT NOT NULL, v TEXT)");
            PgCluster.awaitReplayed(1, PgCluster.insertLsn(0));
            PgCluster.run("pause-replay", "1");
            try {
                s.execute("ALTER TABLE " + table + " DROP CONSTRAINT " + table + "_pkey");
                s.execute("ALTER TABLE " + table + " ADD PRIMARY KEY (k)");
                try (Connection standby = PgCluster.connect(1)) {
                    RowKeys lagging = RowKeys.read(standby, Dialect.POSTGRESQL);
                    assertThat(String.valueOf(lagging.get(table))).as("the standby's catalog, replay paused")
                            .contains("id").doesNotContain("k");
                }

                ClusterCatalog catalog = new ClusterCatalog("probe-standby-it", Dialect.POSTGRESQL, Map.of(),
                        (tables, cause) -> { }, Set.of());
                catalog.probe(() -> PgCluster.connect(1), true);
                catalog.changedHere(primary, true, true);
                assertThat(String.valueOf(catalog.rowScopes().keys().get(table)))
                        .as("the key read after the DDL").contains("k").doesNotContain("id");
            } finally {
                PgCluster.run("resume-replay", "1");
            }
        }
    }
}
