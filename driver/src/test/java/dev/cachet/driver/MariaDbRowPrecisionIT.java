package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Row-precise invalidation (DESIGN §13) on the machine's MariaDB: the catalog's primary keys through
 * information_schema, integer keys tracked by rows, tables with triggers and cascades left at table level, and the
 * stale checker with {@code ON DUPLICATE KEY UPDATE} upserts, in READ COMMITTED transactions too. Runs under
 * {@code -Pit}.
 */
class MariaDbRowPrecisionIT {

    String database;
    Connection admin;

    @BeforeEach
    void setUp() throws SQLException {
        database = "cachet_rows_" + Long.toHexString(System.nanoTime());
        admin = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
        exec("CREATE DATABASE " + database);
        admin.setCatalog(database);
    }

    @AfterEach
    void tearDown() throws SQLException {
        try {
            exec("DROP DATABASE " + database);
        } finally {
            admin.close();
        }
    }

    void exec(String... sql) throws SQLException {
        try (Statement s = admin.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    Connection cachet() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:cachet:mariadb://127.0.0.1:3306/" + database
                + "?cachet.cluster=" + database + "&cachet.adaptive=false", "root", "");
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        return c;
    }

    /** Whether, after a point write to key 1, the cached look-up of key 2 is still served. */
    private boolean otherRowStaysCached(Connection c, String table) throws SQLException {
        String row2 = "SELECT v FROM " + table + " WHERE id = 2";
        H2Database.value(c, "SELECT v FROM " + table + " WHERE id = 1");
        H2Database.value(c, row2);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET v = 'a2' WHERE id = 1");
        }
        assertThat(H2Database.value(c, "SELECT v FROM " + table + " WHERE id = 1")).isEqualTo("a2");
        CachetCluster cluster = Cachet.cluster(c);
        long hits = cluster.statistics().hits();
        assertThat(H2Database.value(c, row2)).isEqualTo("b");
        return cluster.statistics().hits() == hits + 1;
    }

    @Test
    void integerKeysAreTrackedByRowsTriggersAndCascadesStayTableLevel() throws SQLException {
        String rows = "rows_" + database;
        String trig = "trig_" + database;
        String parent = "parent_" + database;
        exec("CREATE TABLE " + rows + "(id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO " + rows + " VALUES (1, 'a'), (2, 'b')",
                "CREATE TABLE audit_" + database + "(n INT)",
                "CREATE TABLE " + trig + "(id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO " + trig + " VALUES (1, 'a'), (2, 'b')",
                "CREATE TRIGGER " + trig + "_t AFTER UPDATE ON " + trig + " FOR EACH ROW INSERT INTO audit_"
                        + database + " VALUES (1)",
                "CREATE TABLE " + parent + "(id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB",
                "INSERT INTO " + parent + " VALUES (1, 'a'), (2, 'b')",
                "CREATE TABLE child_" + database + "(id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES " + parent
                        + "(id) ON DELETE CASCADE) ENGINE=InnoDB");
        try (Connection c = cachet()) {
            assertThat(otherRowStaysCached(c, rows)).as("an integer key is tracked by rows").isTrue();
            assertThat(otherRowStaysCached(c, trig)).as("a table with a trigger is not").isFalse();
            assertThat(otherRowStaysCached(c, parent)).as("a table a cascade references is not").isFalse();
            // an inserted 0 in an AUTO_INCREMENT key takes a generated key: table level, so key 3's empty look-up goes
            assertThat(H2Database.value(c, "SELECT v FROM " + rows + " WHERE id = 3")).isNull();
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + rows + " (id, v) VALUES (0, 'generated')");
            }
            assertThat(H2Database.value(c, "SELECT v FROM " + rows + " WHERE id = 3")).isEqualTo("generated");
        }
    }

    @Test
    void theStaleCheckerSeesNoStaleReadOnMariaDb() throws Exception {
        String table = "rk_" + database;
        RowStaleChecker.createTable(admin, table);
        RowStaleChecker checker = new RowStaleChecker(this::cachet, table, "INSERT INTO " + table
                + " (id, grp, n) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE grp = VALUES(grp), n = VALUES(n)");
        checker.run(200);
        assertThat(checker.reads.get()).isGreaterThan(100);
        assertThat(checker.stale.get()).as("stale reads out of %d: %s", checker.reads.get(), checker.staleDetails)
                .isZero();
        try (Connection c = cachet()) {
            assertThat(Cachet.cluster(c).statistics().hits()).as("the cache served reads").isGreaterThan(0);
        }
    }
}
