package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Adaptive admission through the driver: a statement whose fills are never read again stops filling on the first
 * read of a key, fills on the second, keeps serving fresh data, and says so in statistics and explain.
 */
class AdmissionTest {

    /** A point query whose second parameter makes every call a new key. */
    static final String QUERY = "SELECT v FROM t WHERE id = ? AND ? >= 0";
    /** More than one window of fills (StatementAdmission.WINDOW = 512). */
    static final int ONE_HIT_WONDERS = 600;

    H2Database db;

    @BeforeEach
    void setUp() throws SQLException {
        db = new H2Database().exec("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO t VALUES (1, 'a')", "INSERT INTO t VALUES (2, 'b')");
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
    }

    private static String read(PreparedStatement ps, int id, long salt) throws SQLException {
        ps.setInt(1, id);
        ps.setLong(2, salt);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void oneHitWondersSwitchTheStatementToSecondSight() throws SQLException {
        try (Connection c = db.cachet(); PreparedStatement ps = c.prepareStatement(QUERY);
             Statement s = c.createStatement()) {
            CachetCluster cluster = Cachet.cluster(c);
            assertThat(cluster.explain(QUERY).admission()).isEqualTo(AdmissionState.FIRST_SIGHT);
            for (int i = 0; i < ONE_HIT_WONDERS; i++) {
                assertThat(read(ps, 1 + i % 2, 1_000_000 + i)).isEqualTo(i % 2 == 0 ? "a" : "b");
            }
            assertThat(cluster.explain(QUERY).admission()).isEqualTo(AdmissionState.SECOND_SIGHT);
            ClusterStatistics before = cluster.statistics();
            assertThat(before.cache().fills()).isEqualTo(512);
            assertThat(before.missesNotAdmitted()).isEqualTo(ONE_HIT_WONDERS - 512);
            assertThat(before.misses()).isEqualTo(ONE_HIT_WONDERS);

            // a new key: runs on the database, stores nothing
            long executed = db.executions(QUERY);
            assertThat(read(ps, 1, 7)).isEqualTo("a");
            ClusterStatistics first = cluster.statistics();
            assertThat(first.missesNotAdmitted()).isEqualTo(before.missesNotAdmitted() + 1);
            assertThat(first.cache().fills()).isEqualTo(before.cache().fills());
            // counted once, yet an execution, a miss and a statement the primary ran like any other
            assertThat(first.executions()).isEqualTo(before.executions() + 1);
            assertThat(first.misses()).isEqualTo(before.misses() + 1);
            assertThat(first.primaryExecutions()).isEqualTo(before.primaryExecutions() + 1);
            assertThat(first.replicaExecutions()).isEqualTo(before.replicaExecutions());
            // its second read fills, its third is a hit
            assertThat(read(ps, 1, 7)).isEqualTo("a");
            ClusterStatistics second = cluster.statistics();
            assertThat(second.missesNotAdmitted()).isEqualTo(first.missesNotAdmitted());
            assertThat(second.cache().fills()).isEqualTo(first.cache().fills() + 1);
            assertThat(read(ps, 1, 7)).isEqualTo("a");
            assertThat(cluster.statistics().hits()).isEqualTo(second.hits() + 1);
            assertThat(db.executions(QUERY)).isEqualTo(executed + 2);

            // a write through Cachet invalidates the stored entry; the next read is fresh and, seen before, fills
            s.executeUpdate("UPDATE t SET v = 'c' WHERE id = 1");
            assertThat(read(ps, 1, 7)).isEqualTo("c");
            assertThat(read(ps, 1, 7)).isEqualTo("c");
            assertThat(db.executions(QUERY)).isEqualTo(executed + 3);
            // a key not admitted never serves old data either
            assertThat(read(ps, 1, 8)).isEqualTo("c");
            db.exec("UPDATE t SET v = 'd' WHERE id = 1"); // around Cachet: nothing cached for this key to go stale
            assertThat(read(ps, 1, 8)).isEqualTo("d");

            // misses that do not fill are timed one in 16, at random: 400 of them add to the miss time (a chance of
            // (15/16)^400, about 6e-12, that none is timed)
            long missNanos = cluster.statistics().missNanos();
            for (int i = 0; i < 400; i++) {
                read(ps, 2, 2_000_000 + i);
            }
            assertThat(cluster.statistics().missesNotAdmitted()).isGreaterThanOrEqualTo(first.missesNotAdmitted() + 400);
            assertThat(cluster.statistics().missNanos()).isGreaterThan(missNanos);

            // a miss not admitted that fails on the database is an execution, not a miss, and routed nowhere
            ClusterStatistics beforeFailure = cluster.statistics();
            ps.setInt(1, 1);
            ps.setString(2, "not a number");
            assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class);
            ClusterStatistics failed = cluster.statistics();
            assertThat(failed.executions()).isEqualTo(beforeFailure.executions() + 1);
            assertThat(failed.misses()).isEqualTo(beforeFailure.misses());
            assertThat(failed.missesNotAdmitted()).isEqualTo(beforeFailure.missesNotAdmitted());
            assertThat(failed.primaryExecutions()).isEqualTo(beforeFailure.primaryExecutions());

            // other statements keep their own admission
            String other = "SELECT v FROM t WHERE id = ?";
            assertThat(cluster.explain(other).admission()).isEqualTo(AdmissionState.FIRST_SIGHT);
            assertThat(cluster.explain("SELECT RAND() FROM t").admission()).isNull();
        }
    }

    @Test
    void entriesStoredBeforeTheSwitchKeepBeingServed() throws SQLException {
        try (Connection c = db.cachet(); PreparedStatement ps = c.prepareStatement(QUERY)) {
            CachetCluster cluster = Cachet.cluster(c);
            for (int i = 0; i < 512; i++) {
                read(ps, 1 + i % 2, 1_000_000 + i);
            }
            assertThat(cluster.explain(QUERY).admission()).isEqualTo(AdmissionState.SECOND_SIGHT);
            long executed = db.executions(QUERY);
            // the window after the switch looks every key up: an entry filled in first sight is a hit
            assertThat(read(ps, 1, 1_000_000)).isEqualTo("a");
            assertThat(db.executions(QUERY)).isEqualTo(executed);
            // that window, which had such a hit, and one without: keys not seen are now looked up one in 16
            for (int i = 0; i < 2 * 512; i++) {
                read(ps, 2, 3_000_000 + i);
            }
            // the entries stored in first sight, read again: while H2's queries time as cheap, most go to the database
            // until a look-up sampled one in 16 hits (a chance of (15/16)^400, about 6e-12, that none is sampled), and
            // from then on each one is served from the cache; a skipped look-up still counts as a cache miss
            executed = db.executions(QUERY);
            long fills = cluster.statistics().cache().fills();
            long cacheMisses = cluster.statistics().cache().misses();
            int firstServed = -1;
            for (int i = 1; i <= 400; i++) {
                long before = db.executions(QUERY);
                assertThat(read(ps, 1 + i % 2, 1_000_000 + i)).isEqualTo(i % 2 == 0 ? "a" : "b");
                boolean served = db.executions(QUERY) == before;
                if (firstServed < 0 && served) {
                    firstServed = i;
                }
                assertThat(served || firstServed < 0).as("read %d, after the first served at %d", i, firstServed)
                        .isTrue();
            }
            assertThat(firstServed).isPositive();
            assertThat(db.executions(QUERY)).isEqualTo(executed + firstServed - 1);
            assertThat(cluster.statistics().cache().misses()).isEqualTo(cacheMisses + firstServed - 1);
            assertThat(cluster.statistics().cache().fills()).isEqualTo(fills);
        }
    }

    @Test
    void keysReadAgainBringFirstSightBack() throws SQLException {
        try (Connection c = db.cachet(); PreparedStatement ps = c.prepareStatement(QUERY)) {
            CachetCluster cluster = Cachet.cluster(c);
            for (int i = 0; i < ONE_HIT_WONDERS; i++) {
                read(ps, 1, 1_000_000 + i);
            }
            assertThat(cluster.explain(QUERY).admission()).isEqualTo(AdmissionState.SECOND_SIGHT);
            // every key now read twice in a row: half the misses are second sights
            for (int i = 0; i < 600 && cluster.explain(QUERY).admission() == AdmissionState.SECOND_SIGHT; i++) {
                read(ps, 2, 5_000_000 + i);
                read(ps, 2, 5_000_000 + i);
            }
            assertThat(cluster.explain(QUERY).admission()).isEqualTo(AdmissionState.FIRST_SIGHT);
            long notAdmitted = cluster.statistics().missesNotAdmitted();
            long fills = cluster.statistics().cache().fills();
            assertThat(read(ps, 2, 9_000_000)).isEqualTo("b");
            assertThat(cluster.statistics().missesNotAdmitted()).isEqualTo(notAdmitted);
            assertThat(cluster.statistics().cache().fills()).isEqualTo(fills + 1);
        }
    }

    @Test
    void admissionAlwaysFillsEveryMiss() throws SQLException {
        try (Connection c = db.cachet("cachet.admission", "always"); PreparedStatement ps = c.prepareStatement(QUERY)) {
            CachetCluster cluster = Cachet.cluster(c);
            for (int i = 0; i < ONE_HIT_WONDERS; i++) {
                read(ps, 1, 1_000_000 + i);
            }
            assertThat(cluster.explain(QUERY).admission()).isEqualTo(AdmissionState.FIRST_SIGHT);
            assertThat(cluster.statistics().missesNotAdmitted()).isZero();
            assertThat(cluster.statistics().cache().fills()).isEqualTo(ONE_HIT_WONDERS);
        }
    }

    @Test
    void fillsThatArePaidForKeepFirstSight() throws SQLException {
        try (Connection c = db.cachet(); PreparedStatement ps = c.prepareStatement(QUERY)) {
            CachetCluster cluster = Cachet.cluster(c);
            // every fourth key read again once: a quarter of the fills earn a hit
            for (int i = 0; i < 2 * ONE_HIT_WONDERS; i++) {
                read(ps, 1, 1_000_000 + i);
                if (i % 4 == 0) {
                    read(ps, 1, 1_000_000 + i);
                }
            }
            assertThat(cluster.explain(QUERY).admission()).isEqualTo(AdmissionState.FIRST_SIGHT);
            assertThat(cluster.statistics().missesNotAdmitted()).isZero();
            assertThat(cluster.statistics().hits()).isEqualTo(2 * ONE_HIT_WONDERS / 4);
        }
    }
}
