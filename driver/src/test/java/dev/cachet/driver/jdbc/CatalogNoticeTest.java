package dev.cachet.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.Cachet;
import dev.cachet.driver.CachetDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an instance does when the shared tier tells it that another instance changed the catalog
 * ({@link Cluster#catalogChangedElsewhere}), and when it tells the others. The other instance's DDL is made here by a
 * direct connection, as it would reach the database, and the notice is given by hand, as the tier's subscriber gives
 * it. Until a reading on the primary between transactions nothing row-precise is trusted and every write counts as a
 * write to every table; no other reading (a connection opening on a replica, DDL inside a transaction) ends that.
 */
class CatalogNoticeTest {

    static final String ROW1 = "SELECT v FROM t WHERE id = 1";
    static final String COUNT_U = "SELECT COUNT(*) FROM u";
    static final String TABLES = "CREATE TABLE t(id INT PRIMARY KEY, k INT NOT NULL, v VARCHAR(20))";

    private final List<Connection> databases = new ArrayList<>();

    @AfterEach
    void tearDown() throws SQLException {
        ClusterRegistry.shutdown();
        for (Connection c : databases) {
            exec(c, "SHUTDOWN");
            c.close();
        }
    }

    /** A new in-memory database with t (key id; k unique-to-be) and u (no key); returns its URL. */
    private String database() throws SQLException {
        String url = "jdbc:h2:mem:cachet_notice_" + UUID.randomUUID().toString().substring(0, 8) + ";DB_CLOSE_DELAY=-1";
        Connection c = DriverManager.getConnection(url);
        databases.add(c);
        // u has no key: a notice itself leaves its results alone
        exec(c, TABLES, "INSERT INTO t VALUES (1, 101, 'a'), (2, 102, 'b')", "CREATE TABLE u(id INT)",
                "INSERT INTO u VALUES (1)");
        return url;
    }

    private static Connection cachet(String url) throws SQLException {
        Properties p = new Properties();
        p.setProperty("cachet.admission", "always");
        p.setProperty("cachet.adaptive", "false");
        return DriverManager.getConnection("jdbc:cachet:" + url.substring("jdbc:".length()), p);
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** Makes k the key of t, as another instance's DDL would. */
    private static void moveKey(Connection direct) throws SQLException {
        exec(direct, "ALTER TABLE t DROP PRIMARY KEY", "ALTER TABLE t ADD PRIMARY KEY (k)");
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Cluster cluster(Connection c) throws SQLException {
        return c.unwrap(CachetConnection.class).cluster();
    }

    private static long misses(Connection c) throws SQLException {
        return Cachet.cluster(c).statistics().misses();
    }

    private static String key(Cluster cluster) {
        Object k = cluster.rowScopes().keys().get("t");
        return k == null ? null : k.toString();
    }

    @Test
    void aNoticeDropsTheLookUpsAtOnceAndTheNextStatementReadsTheNewKeys() throws SQLException {
        String url = database();
        try (Connection reader = cachet(url)) {
            Cluster cluster = cluster(reader);
            value(reader, ROW1);
            assertThat(value(reader, ROW1)).isEqualTo("a");
            assertThat(key(cluster)).contains("id");
            moveKey(databases.get(0));

            reader.setAutoCommit(false); // inside a transaction nothing is read from the catalog
            value(reader, "SELECT 1");
            long missesBefore = misses(reader);
            cluster.catalogChangedElsewhere();
            assertThat(cluster.catalogReadDue()).isTrue();
            assertThat(cluster.rowScopes().keys().isEmpty()).as("no key trusted until the catalog is read").isTrue();
            assertThat(value(reader, ROW1)).isEqualTo("a");
            assertThat(misses(reader)).as("the look-up cached under the old key was dropped at the notice")
                    .isEqualTo(missesBefore + 1);
            assertThat(cluster.catalogReadDue()).isTrue();

            reader.setAutoCommit(true);
            value(reader, "SELECT 1");
            assertThat(cluster.catalogReadDue()).as("read before a statement under auto-commit").isFalse();
            assertThat(key(cluster)).contains("k").doesNotContain("id");
        }
    }

    @Test
    void untilTheCatalogIsReadAWriteCountsAsAWriteToEveryTable() throws SQLException {
        String url = database();
        try (Connection reader = cachet(url); Connection writer = cachet(url)) {
            Cluster cluster = cluster(reader);
            value(reader, COUNT_U);
            value(reader, COUNT_U);
            long missesBefore = misses(reader);
            writer.setAutoCommit(false);
            value(writer, "SELECT 1");

            cluster.catalogChangedElsewhere();
            exec(writer, "UPDATE t SET v = 'q' WHERE id = 2");
            assertThat(cluster.catalogReadDue()).as("not inside a transaction").isTrue();
            writer.commit();
            assertThat(cluster.catalogReadDue()).as("read once the transaction ended").isFalse();
            // a trigger the other instance added could have written u: the write counted as one to every table
            assertThat(value(reader, COUNT_U)).isEqualTo("1");
            assertThat(misses(reader)).isEqualTo(missesBefore + 1);

            // with the catalog read, a write to t by its key is row-precise again and leaves u's result alone
            exec(writer, "UPDATE t SET v = 'r' WHERE id = 2");
            writer.commit();
            assertThat(value(reader, COUNT_U)).isEqualTo("1");
            assertThat(misses(reader)).isEqualTo(missesBefore + 1);
            assertThat(value(reader, "SELECT v FROM t WHERE id = 2")).isEqualTo("r");
        }
    }

    @Test
    void onlyAReadingOnThePrimaryBetweenTransactionsEndsTheDoubt() throws SQLException {
        String primary = database();
        String replica = database(); // a replica that never replays the DDL
        CachetDataSource ds = new CachetDataSource(h2(primary));
        Properties settings = new Properties();
        settings.setProperty("cachet.cluster", "notice-" + UUID.randomUUID());
        ds.setProperties(settings);
        ds.addReplica(h2(replica));
        try (Connection first = ds.getConnection()) {
            Cluster cluster = cluster(first);
            assertThat(value(first, ROW1)).isEqualTo("a");
            assertThat(key(cluster)).as("read on the replica at the opening").contains("id");
            assertThat(cluster.catalogReadDue()).as("and to be read on the primary").isTrue();
            moveKey(databases.get(0));
            cluster.catalogChangedElsewhere();

            try (Connection opened = ds.getConnection()) {
                assertThat(cluster.catalogReadDue()).as("a connection's opening does not settle it").isTrue();
                assertThat(value(opened, ROW1)).isEqualTo("a");
                assertThat(cluster.catalogReadDue()).as("no primary connection is opened for it").isTrue();
                opened.setAutoCommit(false);
                exec(opened, "CREATE TABLE z(x INT)"); // DDL inside a transaction: its reading would not settle it
                assertThat(cluster.catalogReadDue()).isTrue();
                assertThat(cluster.rowScopes().keys().isEmpty()).isTrue();
                opened.commit(); // between transactions, with its primary connection open
                assertThat(cluster.catalogReadDue()).isFalse();
                assertThat(key(cluster)).as("read on the primary").contains("k").doesNotContain("id");
            }
        }
    }

    @Test
    void aTransactionWhoseWritesWereScopedBeforeTheCatalogChangedInvalidatesTheirTablesWhole() throws SQLException {
        String url = database();
        try (Connection reader = cachet(url); Connection writer = cachet(url)) {
            Cluster cluster = cluster(reader);
            value(reader, "SELECT 1"); // the catalog is read: id is the key
            moveKey(databases.get(0)); // another instance's DDL, whose message has not arrived yet
            writer.setAutoCommit(false);
            exec(writer, "UPDATE t SET v = 'x' WHERE id = 1"); // scoped by the key id: row 1's slot and t's other results
            cluster.catalogChangedElsewhere();
            // read on the primary before this statement: k is the key, and the look-up is cached by k's slot
            assertThat(value(reader, "SELECT v FROM t WHERE k = 101")).isEqualTo("a");
            assertThat(value(reader, "SELECT v FROM t WHERE k = 101")).isEqualTo("a");
            assertThat(key(cluster)).contains("k");
            writer.commit();
            assertThat(value(reader, "SELECT v FROM t WHERE k = 101")).as("the commit invalidated all of t").isEqualTo("x");
        }
    }

    @Test
    void aFunctionThatRunsDdlLeavesEveryWriteReachingWhatItCreated() throws SQLException {
        aViewCreatedByAFunctionIsFollowed("createView", false);
    }

    @Test
    void aFunctionThatFailsAfterItsDdlLeavesTheCatalogInDoubtToo() throws SQLException {
        aViewCreatedByAFunctionIsFollowed("createViewAndFail", true);
    }

    /**
     * A function Cachet does not know creates the view w over t ({@link dev.cachet.driver.H2Functions}), and fails
     * after it when {@code fails}: the catalog is in doubt right after, and whether it was read since (a second after
     * the last reading) or is still in doubt, w's result cached then is dropped by a write to t.
     */
    private void aViewCreatedByAFunctionIsFollowed(String method, boolean fails) throws SQLException {
        String url = database();
        exec(databases.get(0), "CREATE ALIAS create_w FOR \"" + dev.cachet.driver.H2Functions.class.getName() + "."
                + method + "\"");
        try (Connection c = cachet(url)) {
            assertThat(value(c, ROW1)).isEqualTo("a");
            if (fails) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> value(c, "SELECT create_w()"))
                        .isInstanceOf(SQLException.class);
            } else {
                assertThat(value(c, "SELECT create_w()")).isEqualTo("1");
            }
            assertThat(cluster(c).catalogReadDue()).as("in doubt, read at the next statement at the earliest").isTrue();
            assertThat(value(c, "SELECT v FROM w WHERE id = 1")).isEqualTo("a");
            long misses = misses(c);
            assertThat(value(c, "SELECT v FROM w WHERE id = 1")).isEqualTo("a");
            assertThat(misses(c)).as("cached").isEqualTo(misses);
            exec(c, "UPDATE t SET v = 'b' WHERE id = 1");
            assertThat(value(c, "SELECT v FROM w WHERE id = 1")).isEqualTo("b");
            assertThat(value(c, ROW1)).isEqualTo("b");
        }
    }

    @Test
    void aProbeUserThatCannotReadLeavesTheReadingToTheApplicationsConnection() throws SQLException {
        String url = database();
        try (Connection c = cachet(url)) {
            Cluster cluster = cluster(c);
            cluster.catalogConnector(() -> {
                throw new SQLException("password authentication failed", "28P01");
            }, false);
            moveKey(databases.get(0));
            cluster.catalogChangedElsewhere();
            value(c, "SELECT 1");
            assertThat(cluster.catalogReadDue()).isFalse();
            assertThat(key(cluster)).contains("k");
        }
    }

    @Test
    void aConnectionInATransactionCachetDidNotSeeBeginDoesNotReadUntilItEnds() throws SQLException {
        String url = database();
        try (Connection opaque = cachet(url); Connection other = cachet(url)) {
            Cluster cluster = cluster(opaque);
            exec(opaque, "UPDATE u SET id = 1; UPDATE u SET id = 1"); // H2 says no transaction is left open
            moveKey(databases.get(0));
            cluster.catalogChangedElsewhere();
            value(opaque, "SELECT 1");
            assertThat(cluster.catalogReadDue()).as("read on it: the driver reports no transaction open").isFalse();

            exec(opaque, "BEGIN; UPDATE u SET id = 1"); // leaves one open
            cluster.catalogChangedElsewhere();
            value(opaque, "SELECT 1");
            assertThat(cluster.catalogReadDue()).as("not inside it").isTrue();
            value(other, "SELECT 1");
            assertThat(cluster.catalogReadDue()).as("on another connection").isFalse();
            assertThat(key(cluster)).contains("k");
            opaque.commit();
        }
    }

    @Test
    void theOtherInstancesAreToldOnceTheDdlHasCommitted() throws SQLException {
        String url = database();
        try (Connection c = cachet(url)) {
            Cluster cluster = cluster(c);
            exec(c, "CREATE TABLE a1(x INT)");
            assertThat(cluster.catalogChangesAnnounced.sum()).as("under auto-commit, at once").isEqualTo(1);

            c.setAutoCommit(false);
            exec(c, "CREATE VIEW v1 AS SELECT x FROM a1");
            assertThat(cluster.catalogChangesAnnounced.sum()).as("not before its transaction commits").isEqualTo(1);
            c.commit();
            assertThat(cluster.catalogChangesAnnounced.sum()).isEqualTo(2);
            exec(c, "CREATE TABLE a2(x INT)");
            c.rollback(); // told all the same: a commit whose answer was lost may have made it
            assertThat(cluster.catalogChangesAnnounced.sum()).isEqualTo(3);
            c.commit();
            assertThat(cluster.catalogChangesAnnounced.sum()).as("nothing more to tell").isEqualTo(3);

            c.setAutoCommit(true);
            // a string Cachet cannot see through may hide a transaction: told now, and again when one ends
            exec(c, "UPDATE u SET id = 2; CREATE TABLE a3(x INT)");
            assertThat(cluster.catalogChangesAnnounced.sum()).isEqualTo(4);
            c.setAutoCommit(false);
            c.commit();
            assertThat(cluster.catalogChangesAnnounced.sum()).isEqualTo(5);
        }
    }

    private static JdbcDataSource h2(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        return ds;
    }
}
