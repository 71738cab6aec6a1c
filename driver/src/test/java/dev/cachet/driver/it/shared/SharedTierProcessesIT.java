package dev.cachet.driver.it.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.it.cluster.PgCluster;
import dev.cachet.driver.it.shared.SharedFixture.Topology;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Several application instances, each a JVM of its own, on one PostgreSQL database and one Redis deployment, with
 * nothing but {@code cachet.shared.*} settings (DESIGN §10): writers and readers in every instance. {@code strict}:
 * no read that starts after another instance's write returned ever sees older data. {@code broadcast}: how long such
 * a read may still see it is measured (docs/shared-tier.md). And instance B hits what instance A filled, counted on
 * the database by a function that counts its own calls.
 */
class SharedTierProcessesIT {

    /** Reads per strict run: two runs make the 100 000 reads the guarantee is checked over. */
    private static final long STRICT_READS = 50_000;
    private static final long BROADCAST_READS = 8_000;

    @Test
    void strictTwoInstancesOnAPrimaryWithReplicas() throws Exception {
        ReadLog log = load(2, Topology.REPLICATION, "strict", STRICT_READS);
        assertThat(log.stale()).as("stale reads in strict mode: " + log).isZero();
    }

    @Test
    void strictFourInstancesOnRedisCluster() throws Exception {
        ReadLog log = load(4, Topology.CLUSTER, "strict", STRICT_READS);
        assertThat(log.stale()).as("stale reads in strict mode: " + log).isZero();
    }

    @Test
    void broadcastTwoInstancesOnRedisCluster() throws Exception {
        ReadLog log = load(2, Topology.CLUSTER, "broadcast", BROADCAST_READS);
        // broadcast trusts the invalidation stream: stale only until a message arrives, which on one machine is
        // milliseconds; a lost stream is found and the in-process tier flushed within a few heartbeats
        assertThat(log.percentile(100)).as("worst staleness, µs: " + log).isLessThan(3_000_000);
    }

    @Test
    void broadcastFourInstancesOnAPrimaryWithReplicas() throws Exception {
        ReadLog log = load(4, Topology.REPLICATION, "broadcast", BROADCAST_READS);
        assertThat(log.percentile(100)).as("worst staleness, µs: " + log).isLessThan(3_000_000);
    }

    /**
     * {@code instances} JVMs, one writer and two readers each; every writer owns a table, every reader reads all of
     * them (and a join of two). Returns the merged log after checking that nothing failed and caching took place.
     */
    private ReadLog load(int instances, Topology topology, String consistency, long reads) throws Exception {
        List<String> tables = SharedFixture.tables(instances);
        String role = SharedFixture.appRole(tables);
        String cluster = SharedFixture.fresh("procs");
        long start = System.nanoTime();
        try (Workers workers = new Workers()) {
            for (int i = 0; i < instances; i++) {
                Properties p = SharedFixture.settings(cluster, role, topology, consistency);
                if (consistency.equals("strict")) {
                    // a bump Redis acknowledges after the timeout leaves the other instances' entries current until
                    // it lands: where the strict promise ends (docs/shared-tier.md), so a stall of this machine must
                    // not reach it; broadcast keeps the fixture's timeout, which its staleness bound allows for
                    p.setProperty("cachet.shared.timeout", "3s");
                }
                p.setProperty("command", "load");
                p.setProperty("tables", String.join(",", tables));
                p.setProperty("own", tables.get(i));
                p.setProperty("readers", "2");
                p.setProperty("reads", Long.toString(reads / instances));
                p.setProperty("writePauseMicros", "20000");
                p.setProperty("maxSeconds", "90");
                workers.start(p);
            }
            workers.awaitReady();
            workers.go();
            workers.awaitDone(Duration.ofSeconds(150));
            List<Path> files = new ArrayList<>();
            workers.all.forEach(w -> files.add(w.out));
            ReadLog log = ReadLog.of(files, tables.size());
            System.out.printf("%d instances, %s, %s: %s in %d ms; %s%n", instances, topology, consistency, log,
                    (System.nanoTime() - start) / 1_000_000, workers.all);
            assertThat(workers.sum("failures")).as("failed statements").isZero();
            assertThat(log.reads).as("reads").isGreaterThanOrEqualTo(reads);
            assertThat(log.acks).as("acknowledged writes").isGreaterThan(10L * instances);
            assertThat(workers.sum("hits")).as("reads answered from a cache").isGreaterThan(reads / 10);
            assertThat(workers.sum("sharedHits")).as("reads answered from Redis").isPositive();
            assertThat(workers.sum("messagesReceived")).as("invalidations received").isPositive();
            if (consistency.equals("strict")) {
                assertThat(workers.sum("localChecks")).as("in-process hits checked against Redis").isPositive();
            }
            return log;
        }
    }

    // ---------------------------------------------------------------- fills shared, counted on the database

    @Test
    void instanceBHitsWhatInstanceAFilledAndFourInstancesRunAMissOnce() throws Exception {
        String counter = SharedFixture.fresh("calls");
        String function = counter + "_count";
        String table = SharedFixture.tables(1).get(0);
        String role = SharedFixture.appRole(List.of(table));
        try (Connection c = PgCluster.connect(0); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + counter + " (n bigint NOT NULL)");
            s.execute("INSERT INTO " + counter + " VALUES (0)");
            // volatile, and it writes: the database counts each time it really runs a query calling it
            s.execute("CREATE FUNCTION " + function + "() RETURNS bigint LANGUAGE sql VOLATILE AS 'UPDATE " + counter
                    + " SET n = n + 1 RETURNING n'");
            s.execute("GRANT SELECT, UPDATE ON " + counter + " TO " + role);
            s.execute("GRANT EXECUTE ON FUNCTION " + function + "() TO " + role);
        }
        String cluster = SharedFixture.fresh("fills");
        String sql = "SELECT v, " + function + "() FROM " + table + " WHERE id = 1";
        // A fills, alone; then B, started after A's entry reached Redis, hits it
        runOnce(cluster, role, function, sql, 1, false, w -> w.stat("stores") >= 1);
        assertThat(count(counter)).as("database runs after instance A").isEqualTo(1);
        Workers.Worker b = runOnce(cluster, role, function, sql, 1, false, w -> true).all.get(0);
        // a hit straight away, or after waiting out a lease A left behind (the entry was already there): one hit
        assertThat(b.stat("sharedHits") + b.stat("leaseWaitHits")).as("instance B's hits from Redis: " + b)
                .isEqualTo(1);
        assertThat(count(counter)).as("database runs after instance B").isEqualTo(1);

        // four instances miss the same key at once: one runs it, the others wait for its entry — a bounded wait (2 s):
        // an instance whose wait ran out runs the query itself, and says so
        String other = "SELECT v + 1, " + function + "() FROM " + table + " WHERE id = 1";
        Workers four = runOnce(cluster, role, function, other, 4, true, w -> true);
        // an extra run must be explained: a lease wait that ran out, or a Redis call over cachet.shared.timeout (a
        // fallback: the query runs on the database rather than wait longer), both counted by the instance
        long timedOut = four.sumDelta("leaseWaitTimeouts") + four.sumDelta("fallbacks");
        System.out.printf("four instances missing together: %d database runs, %s%n", count(counter) - 1, four.all);
        assertThat(count(counter)).as("database runs after four instances missed together").isBetween(2L, 2 + timedOut);
        assertThat(four.sumDelta("sharedHits") + four.sumDelta("leaseWaitHits")).as("hits from Redis among the four")
                .isEqualTo(3 - timedOut);
        assertThat(timedOut).as("waits that ran out (a loaded machine)").isLessThan(3);
    }

    // ---------------------------------------------------------------- the operator API reaches every instance

    @Test
    void operatorInvalidationsReachEveryInstance() throws Exception {
        String table = SharedFixture.tables(1).get(0);
        String role = SharedFixture.appRole(List.of(table));
        String counter = SharedFixture.fresh("calls");
        String function = counter + "_count";
        try (Connection c = PgCluster.connect(0); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + counter + " (n bigint NOT NULL)");
            s.execute("INSERT INTO " + counter + " VALUES (0)");
            s.execute("CREATE FUNCTION " + function + "() RETURNS bigint LANGUAGE sql VOLATILE AS 'UPDATE " + counter
                    + " SET n = n + 1 RETURNING n'");
            s.execute("GRANT SELECT, UPDATE ON " + counter + " TO " + role);
            s.execute("GRANT EXECUTE ON FUNCTION " + function + "() TO " + role);
        }
        String cluster = SharedFixture.fresh("operator");
        // broadcast: the watching instance trusts its in-process entry until a message says otherwise
        Properties settings = SharedFixture.settings(cluster, role, Topology.REPLICATION, "broadcast");
        settings.setProperty("cachet.deterministicFunctions", function);
        for (boolean all : new boolean[] {false, true}) {
            try (Workers workers = new Workers()) {
                Properties p = new Properties();
                p.putAll(settings);
                p.setProperty("command", "watch");
                p.setProperty("sql", "SELECT " + function + "(), v FROM " + table + " WHERE id = 1");
                Workers.Worker watcher = workers.start(p);
                workers.awaitReady();
                workers.go();
                workers.awaitAll(Duration.ofSeconds(30), w -> w.stat("hits") >= 3);
                // this JVM is another instance of the cluster: its operator call must reach the watcher
                try (Connection c = java.sql.DriverManager.getConnection(settings.getProperty("url"),
                        SharedFixture.connectionProperties(settings))) {
                    dev.cachet.driver.CachetCluster operator = dev.cachet.driver.Cachet.cluster(c);
                    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                            .until(() -> "up".equals(operator.statistics().shared().state()));
                    if (all) {
                        operator.invalidateAll();
                    } else {
                        operator.invalidate(table.toUpperCase());
                    }
                } finally {
                    dev.cachet.driver.Cachet.shutdown();
                }
                workers.awaitDone(Duration.ofSeconds(40));
                assertThat(watcher.lines).as(all ? "invalidateAll" : "invalidate").contains("CHANGED true");
                assertThat(watcher.stat("messagesReceived")).isPositive();
            }
        }
    }

    /** {@code n} instances run {@code sql} once, together; {@code warm}: each first runs another query of the table. */
    private Workers runOnce(String cluster, String role, String function, String sql, int n, boolean warm,
                            java.util.function.Predicate<Workers.Worker> before) throws Exception {
        try (Workers workers = new Workers()) {
            for (int i = 0; i < n; i++) {
                Properties p = SharedFixture.settings(cluster, role, Topology.CLUSTER, "strict");
                p.setProperty("cachet.deterministicFunctions", function);
                p.setProperty("command", "once");
                p.setProperty("sql", sql);
                if (warm) {
                    p.setProperty("warm", "SELECT v + 100 FROM " + sql.substring(sql.indexOf(" FROM ") + 6));
                }
                workers.start(p);
            }
            workers.awaitReady();
            workers.go();
            workers.awaitAll(Duration.ofSeconds(30), w -> w.lines.stream().anyMatch(l -> l.startsWith("VALUE")));
            workers.awaitDone(Duration.ofSeconds(30));
            workers.awaitAll(Duration.ofSeconds(1), before);
            return workers;
        }
    }

    private static long count(String counter) throws SQLException {
        try (Connection c = PgCluster.connect(0); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n FROM " + counter)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
