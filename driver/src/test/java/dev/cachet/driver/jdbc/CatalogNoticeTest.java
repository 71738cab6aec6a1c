package dev.cachet.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.Cachet;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an instance does when the shared tier tells it that another instance changed the catalog
 * ({@link Cluster#catalogChangedElsewhere}): the DDL is made here by a direct connection, as the other instance's
 * would reach the database, and the notice is given by hand, as the tier's subscriber gives it. Until the catalog is
 * read again nothing row-precise is trusted; it is read again before the next statement between transactions.
 */
class CatalogNoticeTest {

    static final String ROW1 = "SELECT v FROM t WHERE id = 1";
    static final String COUNT_U = "SELECT COUNT(*) FROM u";

    String url;
    Connection admin;

    @BeforeEach
    void setUp() throws SQLException {
        String name = "cachet_notice_" + UUID.randomUUID().toString().substring(0, 8);
        url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        admin = DriverManager.getConnection(url);
        // u has no key: the notice itself leaves its results alone
        exec(admin, "CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'a'), (2, 'b')",
                "CREATE TABLE u(id INT)", "INSERT INTO u VALUES (1)");
    }

    @AfterEach
    void tearDown() throws SQLException {
        exec(admin, "SHUTDOWN");
        admin.close();
    }

    private Connection cachet() throws SQLException {
        java.util.Properties p = new java.util.Properties();
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

    @Test
    void aNoticeDropsTheLookUpsAndTheNextStatementReadsTheNewKeys() throws SQLException {
        try (Connection reader = cachet()) {
            Cluster cluster = cluster(reader);
            value(reader, ROW1);
            assertThat(value(reader, ROW1)).isEqualTo("a");
            long missesBefore = misses(reader);
            assertThat(cluster.rowScopes().keys().tables()).contains("t");
            // another instance makes k the key of t
            exec(admin, "ALTER TABLE t ADD COLUMN k INT", "UPDATE t SET k = id + 100",
                    "ALTER TABLE t ALTER COLUMN k SET NOT NULL", "ALTER TABLE t DROP PRIMARY KEY",
                    "ALTER TABLE t ADD PRIMARY KEY (k)");

            cluster.catalogChangedElsewhere();
            assertThat(cluster.catalogReadDue()).isTrue();
            assertThat(cluster.rowScopes().keys().isEmpty()).as("no key trusted until the catalog is read").isTrue();

            assertThat(value(reader, ROW1)).isEqualTo("a");
            assertThat(misses(reader)).as("the look-up cached under the old key was dropped").isEqualTo(missesBefore + 1);
            assertThat(cluster.catalogReadDue()).as("read before that statement").isFalse();
            assertThat(cluster.rowScopes().keys().get("t").toString()).contains("k").doesNotContain("id");
        }
    }

    @Test
    void untilTheCatalogIsReadAWriteCountsAsAWriteToEveryTable() throws SQLException {
        try (Connection reader = cachet(); Connection writer = cachet()) {
            Cluster cluster = cluster(reader);
            value(reader, COUNT_U);
            value(reader, COUNT_U);
            long missesBefore = misses(reader);
            writer.setAutoCommit(false);
            value(writer, "SELECT 1"); // the transaction has begun: nothing is read from the catalog inside it

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
}
