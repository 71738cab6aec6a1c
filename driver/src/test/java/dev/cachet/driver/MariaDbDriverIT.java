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
 * The driver on the machine's MariaDB (127.0.0.1:3306, root), in a database of its own: caching, invalidation,
 * statement-level session changes. Runs under {@code -Pit}.
 */
class MariaDbDriverIT {

    String database;
    Connection admin;

    @BeforeEach
    void setUp() throws SQLException {
        database = "cachet_it_" + Long.toHexString(System.nanoTime());
        admin = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
        exec("CREATE DATABASE " + database, "CREATE TABLE " + database + ".t(id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO " + database + ".t VALUES (1, 'a')", "CREATE DATABASE " + database + "_b",
                "CREATE TABLE " + database + "_b.t(id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO " + database + "_b.t VALUES (1, 'other')");
    }

    @AfterEach
    void tearDown() throws SQLException {
        try {
            exec("DROP DATABASE " + database, "DROP DATABASE " + database + "_b");
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
        return DriverManager.getConnection("jdbc:cachet:mariadb://127.0.0.1:3306/" + database, "root", "");
    }

    @Test
    void readsAreCachedWritesInvalidateAndUseChangesTheKey() throws SQLException {
        try (Connection c = cachet(); Statement s = c.createStatement()) {
            assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            exec("UPDATE " + database + ".t SET v = 'around' WHERE id = 1");
            assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("a"); // from the cache
            s.executeUpdate("UPDATE t SET v = 'through' WHERE id = 1");
            assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("through");
            s.execute("USE " + database + "_b");
            assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("other");
            assertThat(Cachet.cluster(c).statistics().hits()).isEqualTo(1);
        }
    }

    /**
     * Connector/J reads a bound {@code Timestamp} only when the statement executes; Cachet hands it a copy made at the
     * setter, the one the key and the row pins hold, so a change the application makes to its own object afterwards
     * reaches neither the database nor the cache (Connector/J alone would send the changed value).
     */
    @Test
    void aTimestampChangedAfterItsSetterIsBoundAsItWasThen() throws SQLException {
        exec("CREATE TABLE " + database + ".ev(id INT PRIMARY KEY, at DATETIME)",
                "INSERT INTO " + database + ".ev VALUES (1, '2020-01-01 00:00:00'), (2, '2021-01-01 00:00:00')");
        String sql = "SELECT id FROM ev WHERE at >= ? ORDER BY id";
        try (Connection c = cachet()) {
            for (boolean typed : new boolean[] {true, false}) {
                java.sql.Timestamp at = java.sql.Timestamp.valueOf("2019-01-01 00:00:00");
                try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
                    if (typed) {
                        ps.setTimestamp(1, at);
                    } else {
                        ps.setObject(1, at);
                    }
                    at.setTime(java.sql.Timestamp.valueOf("2020-06-01 00:00:00").getTime());
                    assertThat(ids(ps)).as(typed ? "setTimestamp" : "setObject").isEqualTo("1,2");
                }
                try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setTimestamp(1, at);
                    assertThat(ids(ps)).as("the changed value, under its own key").isEqualTo("2");
                }
            }
        }
    }

    private static String ids(java.sql.PreparedStatement ps) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (java.sql.ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                b.append(b.length() == 0 ? "" : ",").append(rs.getInt(1));
            }
        }
        return b.toString();
    }

    @Test
    void transactionsAndAutocommitStatements() throws SQLException {
        try (Connection c = cachet(); Connection other = cachet(); Statement s = c.createStatement()) {
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
            H2Database.value(other, "SELECT v FROM t WHERE id = 1");
            s.execute("SET autocommit = 0");
            assertThat(c.getAutoCommit()).isFalse();
            s.executeUpdate("UPDATE t SET v = 'tx' WHERE id = 1");
            assertThat(H2Database.value(other, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            s.execute("COMMIT");
            assertThat(H2Database.value(other, "SELECT v FROM t WHERE id = 1")).isEqualTo("tx");
        }
    }

    @Test
    void autocommitTurnedOffInsideAnUnmodelledSetIsSeen() throws SQLException {
        try (Connection c = cachet(); Connection other = cachet(); Statement s = c.createStatement()) {
            s.execute("SET autocommit = 0, sql_mode = ''");
            assertThat(c.getAutoCommit()).isFalse();
            s.executeUpdate("UPDATE t SET v = 'tx' WHERE id = 1");
            assertThat(H2Database.value(other, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            s.execute("COMMIT");
            assertThat(H2Database.value(other, "SELECT v FROM t WHERE id = 1")).isEqualTo("tx");
        }
    }
}
