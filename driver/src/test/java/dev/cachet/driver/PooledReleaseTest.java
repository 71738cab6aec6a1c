package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What a logical connection closed with a transaction open does to its physical connections: over a wrapped pool it
 * rolls back (and aborts a physical connection whose rollback fails, so the pool discards it); over real connections
 * the close itself rolls back, and Cachet adds nothing.
 */
class PooledReleaseTest {

    /** The JDBC calls made on the physical connections, by method name ("rollback", "abort", "close"). */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** A real H2 connection whose {@code rollback()} fails when {@code failRollback}, recording the calls above. */
    private Connection recorded(Connection real, boolean failRollback) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("rollback") || name.equals("abort") || name.equals("close")) {
                        calls.add(name);
                    }
                    if (name.equals("rollback") && args == null && failRollback) {
                        throw new SQLException("the network went away", "08006");
                    }
                    if (name.equals("abort")) {
                        real.close();
                        return null;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private DataSource pool(H2Database db, boolean failRollback) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return recorded(DriverManager.getConnection(db.realUrl), failRollback);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aPooledConnectionWhoseRollbackFailsAtCloseIsAbortedNotReturned() throws SQLException {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t(id INT)");
            CachetDataSource ds = new CachetDataSource(pool(db, true));
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO t VALUES (1)");
                }
            }
            assertThat(calls).containsSubsequence("rollback", "abort");
            assertThat(H2Database.value(db.admin, "SELECT COUNT(*) FROM t")).isEqualTo("0");
        }
    }

    @Test
    void aPooledConnectionIsRolledBackBeforeItReturns() throws SQLException {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t(id INT)");
            CachetDataSource ds = new CachetDataSource(pool(db, false));
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO t VALUES (1)");
                }
            }
            assertThat(calls).containsExactly("rollback", "close");
        }
    }

    @Test
    void aRealConnectionClosedWithATransactionOpenIsOnlyClosed() throws SQLException {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t(id INT)");
            Driver h2 = DriverManager.getDriver(db.realUrl);
            Driver recording = (Driver) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Driver.class},
                    (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(h2, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        return method.getName().equals("connect") && result != null
                                ? recorded((Connection) result, false) : result;
                    });
            try (Connection c = CachetDriver.connect(recording, db.realUrl, new Properties())) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO t VALUES (1)");
                }
            }
            // closing the real connection rolls the transaction back: no extra round trip before it
            assertThat(calls).containsExactly("close");
            assertThat(H2Database.value(db.admin, "SELECT COUNT(*) FROM t")).isEqualTo("0");
        }
    }
}
