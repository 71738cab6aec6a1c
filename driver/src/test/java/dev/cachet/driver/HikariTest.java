package dev.cachet.driver;

import static dev.cachet.driver.H2Database.value;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cachet.driver.jdbc.CachetConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** HikariCP pooling Cachet connections, and Cachet over a Hikari pool. */
class HikariTest {

    @Test
    void hikariPoolsCachetConnectionsAndResetsTheirState() throws SQLException {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(5))", "INSERT INTO t VALUES (1, 'a')",
                    "CREATE SCHEMA s2");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(db.cachetUrl);
            config.setDriverClassName(CachetDriver.class.getName());
            config.setMaximumPoolSize(2);
            config.setAutoCommit(true);
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            config.setSchema("PUBLIC");
            try (HikariDataSource pool = new HikariDataSource(config)) {
                try (Connection c = pool.getConnection()) {
                    assertThat(c.isWrapperFor(CachetConnection.class)).isTrue();
                    assertThat(c.isValid(1)).isTrue();
                    c.setAutoCommit(false);
                    c.setReadOnly(true);
                    c.setSchema("S2");
                    c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                    c.setNetworkTimeout(Runnable::run, 5000);
                }
                try (Connection c = pool.getConnection()) { // Hikari reset it on return
                    CachetConnection cc = c.unwrap(CachetConnection.class);
                    assertThat(cc.getAutoCommit()).isTrue();
                    assertThat(cc.isReadOnly()).isFalse();
                    assertThat(cc.getSchema()).isEqualTo("PUBLIC");
                    assertThat(cc.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
                    for (int i = 0; i < 3; i++) {
                        assertThat(value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
                    }
                    try (Statement s = c.createStatement()) {
                        assertThat(s.getConnection()).isSameAs(c); // Hikari's proxy, as pools expect
                        s.executeUpdate("UPDATE t SET v = 'b' WHERE id = 1");
                    }
                }
                try (Connection c = pool.getConnection()) {
                    assertThat(value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("b");
                    c.setAutoCommit(false);
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("UPDATE t SET v = 'rb' WHERE id = 1");
                    }
                } // Hikari rolls back an uncommitted transaction on return
                try (Connection c = pool.getConnection()) {
                    assertThat(value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("b");
                }
                assertThat(Cachet.cluster(pool).statistics().hits()).isGreaterThanOrEqualTo(2);
            }
            assertThat(db.executions("SELECT v FROM t WHERE id = 1")).isEqualTo(3);
        }
    }

    @Test
    void abortThroughHikariEndsTheLogicalConnection() throws SQLException {
        try (H2Database db = new H2Database()) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(db.cachetUrl);
            config.setMaximumPoolSize(1);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                Connection c = pool.getConnection();
                CachetConnection cc = c.unwrap(CachetConnection.class);
                c.abort(Runnable::run);
                assertThat(cc.isClosed()).isTrue();
                pool.evictConnection(c);
                try (Connection next = pool.getConnection()) {
                    assertThat(value(next, "SELECT 1")).isEqualTo("1");
                }
            }
        }
    }

    @Test
    void cachetOverAHikariPool() throws SQLException {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(5))", "INSERT INTO t VALUES (1, 'a')");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(db.realUrl);
            config.setMaximumPoolSize(2);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                CachetDataSource ds = new CachetDataSource(pool);
                for (int i = 0; i < 4; i++) {
                    try (Connection c = ds.getConnection()) {
                        assertThat(value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo(i < 2 ? "a" : "b");
                        if (i == 1) {
                            c.setAutoCommit(false);
                            try (Statement s = c.createStatement()) {
                                s.executeUpdate("UPDATE t SET v = 'b' WHERE id = 1");
                            }
                            c.commit();
                        }
                    }
                }
                assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isZero();
                try (Connection c = ds.getConnection()) {
                    assertThat(c.unwrap(org.h2.jdbc.JdbcConnection.class)).isNotNull();
                    assertThat(c.getAutoCommit()).isTrue(); // Hikari reset the borrowed connection
                }
            }
            assertThat(db.executions("SELECT v FROM t WHERE id = 1")).isEqualTo(2);
        }
    }

    /**
     * HikariCP rolls back only what it saw begun by JDBC: a transaction begun by SQL under auto-commit would reach the
     * next borrower open, and its writes would commit later, unseen by Cachet. Cachet rolls it back before it returns
     * the connection, as closing a real connection would.
     */
    @Test
    void aTransactionBegunBySqlAndLeftOpenIsRolledBackBeforeThePoolGetsItsConnection() throws SQLException {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(5))", "INSERT INTO t VALUES (1, 'a')");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(db.realUrl);
            config.setMaximumPoolSize(1);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                CachetDataSource ds = new CachetDataSource(pool);
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("BEGIN");
                    s.executeUpdate("UPDATE t SET v = 'b' WHERE id = 1");
                }
                try (Connection c = ds.getConnection()) {
                    assertThat(value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("UPDATE t SET v = 'c' WHERE id = 1");
                    }
                }
                // the next borrower's autocommit write committed at once: no transaction was left open under it
                try (Connection direct = db.direct()) {
                    assertThat(value(direct, "SELECT v FROM t WHERE id = 1")).isEqualTo("c");
                }
                try (Connection c = ds.getConnection()) {
                    assertThat(value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("c");
                }
            }
        }
    }
}
