package dev.cachet.driver.it.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.RowStaleChecker;
import dev.cachet.driver.it.cluster.PgCluster;
import dev.cachet.driver.it.shared.SharedFixture.Topology;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Row-precise invalidation (DESIGN §13) across application instances: two JVMs on the test cluster's primary and a
 * Redis primary with replicas, {@code strict}, adaptive caching off. Each instance writes its half of a key-tracked
 * table by every kind of row write and a multi-row update by another column, in auto-commit and in transactions,
 * while readers in both look up keys of both halves (bound, literal, {@code IN} lists), keys nobody writes, and
 * sums by group ({@link RowLoad}). No read that starts after a write returned in either instance sees older data
 * ({@link RowReadLog}); and the look-ups of the untouched keys keep hitting while the table is written, far more often
 * than the sums, which every write invalidates.
 */
class SharedRowPrecisionIT {

    private static final long READS = 30_000;

    @Test
    void twoInstancesWritingRowsServeNoStaleReadAndKeepOtherRowsCached() throws Exception {
        String table = SharedFixture.fresh("rows");
        try (Connection admin = PgCluster.connect(0); Statement s = admin.createStatement()) {
            RowStaleChecker.createTable(admin, table);
            for (int id = RowLoad.UNTOUCHED_FIRST; id < RowLoad.UNTOUCHED_FIRST + RowLoad.UNTOUCHED; id++) {
                s.execute("INSERT INTO " + table + " VALUES (" + id + ", 98, 0)");
            }
        }
        String role = SharedFixture.appRole(List.of(table));
        try (Connection admin = PgCluster.connect(0); Statement s = admin.createStatement()) {
            s.execute("GRANT INSERT, DELETE ON " + table + " TO " + role);
        }
        String cluster = SharedFixture.fresh("rowprocs");
        long started = System.nanoTime();
        try (Workers workers = new Workers()) {
            for (int i = 0; i < 2; i++) {
                Properties p = SharedFixture.settings(cluster, role, Topology.REPLICATION, "strict");
                // a write-heavy load: adaptive caching would rightly stop caching the table, and test nothing
                p.setProperty("cachet.adaptive", "false");
                p.setProperty("command", "rows");
                p.setProperty("table", table);
                p.setProperty("index", Integer.toString(i));
                p.setProperty("readers", "2");
                p.setProperty("reads", Long.toString(READS / 2));
                p.setProperty("writePauseMicros", "2000");
                p.setProperty("maxSeconds", "30");
                workers.start(p);
            }
            workers.awaitReady();
            workers.go();
            workers.awaitDone(Duration.ofSeconds(120));
            List<Path> files = new ArrayList<>();
            workers.all.forEach(w -> files.add(w.out));
            RowReadLog log = RowReadLog.of(files);
            System.out.printf("2 instances, row writes, strict: %s; %d writes in %d ms; %s%n", log,
                    workers.sum("writes"), (System.nanoTime() - started) / 1_000_000, workers.all);
            assertThat(workers.sum("failures")).as("failed statements: " + workers.all).isZero();
            assertThat(log.reads).as("reads checked").isGreaterThan(5_000);
            assertThat(workers.sum("writes")).as("acknowledged writes").isGreaterThan(200);
            assertThat(log.stale).as("stale reads: " + log + " " + log.details).isZero();

            long untouchedHits = log.counts[RowLoad.UNTOUCHED_HITS];
            double untouched = RowReadLog.ratio(untouchedHits, log.counts[RowLoad.UNTOUCHED_MISSES]);
            double sums = RowReadLog.ratio(log.counts[RowLoad.SUM_HITS], log.counts[RowLoad.SUM_MISSES]);
            assertThat(log.counts[RowLoad.KEY_HITS]).as("hits of written keys' look-ups: " + log).isPositive();
            assertThat(untouchedHits).as("hits of untouched keys' look-ups: " + log).isPositive();
            // at table level every write would drop both alike; by rows, only the multi-row updates (table level)
            // drop the untouched keys' look-ups, while every write drops the sums
            assertThat(untouched).as("hit ratio of untouched keys vs sums: " + log)
                    .isGreaterThan(Math.max(3 * sums, 0.05));
            assertThat(workers.sum("sharedHits") + workers.sum("localChecks"))
                    .as("the shared tier took part").isPositive();
        }
    }
}
