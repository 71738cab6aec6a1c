package dev.cachet.driver;

import static dev.cachet.driver.H2Database.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Isolation, temporary tables and session state decide whether the cache may answer. */
class SessionStateTest {

    static final String SELECT = "SELECT v FROM t WHERE id = 1";

    H2Database db;

    @BeforeEach
    void setUp() throws SQLException {
        db = new H2Database().exec("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'a')");
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
    }

    @Test
    void repeatableReadAndSerializableTransactionsBypassTheCache() throws SQLException {
        try (Connection c = db.cachet()) {
            value(c, SELECT); // filled
            c.setAutoCommit(false);
            for (int level : new int[] {Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_SERIALIZABLE}) {
                c.setTransactionIsolation(level);
                assertThat(c.getTransactionIsolation()).isEqualTo(level);
                value(c, SELECT);
                value(c, SELECT);
                c.commit();
            }
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            value(c, SELECT); // read committed: a table the transaction did not write comes from the cache
            c.commit();
        }
        assertThat(db.executions(SELECT)).isEqualTo(5);
    }

    @Test
    void isolationStartsFromTheServersDefault() throws SQLException {
        try (Connection direct = db.direct(); Connection c = db.cachet()) {
            assertThat(c.getTransactionIsolation()).isEqualTo(direct.getTransactionIsolation());
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(c.isReadOnly()).isEqualTo(direct.isReadOnly());
        }
    }

    @Test
    void temporaryTablesAreNeverCached() throws SQLException {
        String tmp = "SELECT COUNT(*) FROM tmp";
        try (Connection c = db.cachet(); Statement s = c.createStatement()) {
            s.execute("CREATE LOCAL TEMPORARY TABLE tmp(id INT)");
            s.execute("INSERT INTO tmp VALUES (1)");
            assertThat(value(c, tmp)).isEqualTo("1");
            assertThat(value(c, tmp)).isEqualTo("1");
            assertThat(db.executions(tmp)).isEqualTo(2);
        }
    }

    @Test
    void unmodelledSessionChangesTurnCachingOffForThatConnectionOnly() throws SQLException {
        try (Connection c = db.cachet(); Connection other = db.cachet(); Statement s = c.createStatement()) {
            s.execute("SET @custom = 1");
            value(c, SELECT);
            value(c, SELECT);
            value(other, SELECT);
            value(other, SELECT);
        }
        assertThat(db.executions(SELECT)).isEqualTo(3);
    }

    @Test
    void schemaSetByStatementChangesTheKey() throws SQLException {
        db.exec("CREATE SCHEMA s2", "CREATE TABLE s2.t(id INT, v VARCHAR(20))", "INSERT INTO s2.t VALUES (1, 'two')");
        try (Connection c = db.cachet(); Statement s = c.createStatement()) {
            assertThat(value(c, SELECT)).isEqualTo("a");
            s.execute("SET SCHEMA s2");
            assertThat(value(c, SELECT)).isEqualTo("two");
            assertThat(value(c, SELECT)).isEqualTo("two");
            assertThat(db.executions(SELECT)).isEqualTo(2);
            s.execute("SET SCHEMA PUBLIC");
            assertThat(value(c, SELECT)).isEqualTo("a");
        }
    }

    @Test
    void readOnlyAndHoldabilityAreTrackedAndPassedThrough() throws SQLException {
        try (Connection c = db.cachet()) {
            c.setReadOnly(true);
            assertThat(c.isReadOnly()).isTrue();
            c.setReadOnly(false);
            c.setHoldability(java.sql.ResultSet.CLOSE_CURSORS_AT_COMMIT);
            assertThat(c.getHoldability()).isEqualTo(java.sql.ResultSet.CLOSE_CURSORS_AT_COMMIT);
            c.setCatalog(c.getCatalog());
            c.setNetworkTimeout(Runnable::run, 1000);
        }
    }

    @Test
    void isolationSetByStatementIsTracked() throws SQLException {
        try (Connection c = db.cachet(); Statement s = c.createStatement()) {
            value(c, SELECT);
            s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE");
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
            c.setAutoCommit(false);
            value(c, SELECT);
            value(c, SELECT);
            c.commit();
        }
        assertThat(db.executions(SELECT)).isEqualTo(3);
    }

    @Test
    void explicitTransactionUnderAutocommitIsTracked() throws SQLException {
        try (Connection c = db.cachet(); Connection other = db.cachet(); Statement s = c.createStatement()) {
            value(other, SELECT);
            s.execute("BEGIN");
            s.executeUpdate("UPDATE t SET v = 'in tx' WHERE id = 1");
            assertThat(value(c, SELECT)).isEqualTo("in tx");
            assertThat(value(other, SELECT)).isEqualTo("a");
            assertThat(value(other, SELECT)).isEqualTo("a");
            long before = db.executions(SELECT);
            assertThat(before).isGreaterThanOrEqualTo(4); // nothing of t was served or filled during the transaction
            s.execute("COMMIT");
            assertThat(value(other, SELECT)).isEqualTo("in tx");
            assertThat(value(other, SELECT)).isEqualTo("in tx");
            assertThat(db.executions(SELECT)).isEqualTo(before + 1);
        }
    }

    @Test
    void droppedTemporaryTablesAreForgotten() throws SQLException {
        try (Connection c = db.cachet(); Statement s = c.createStatement()) {
            s.execute("CREATE LOCAL TEMPORARY TABLE scratch(id INT)");
            s.execute("DROP TABLE scratch");
            s.execute("CREATE TABLE scratch(id INT)"); // a regular table of the same name is cacheable again
            value(c, "SELECT COUNT(*) FROM scratch");
            value(c, "SELECT COUNT(*) FROM scratch");
        }
        assertThat(db.executions("SELECT COUNT(*) FROM scratch")).isEqualTo(1);
    }
}
