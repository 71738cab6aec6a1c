package dev.cachet.driver;

import static dev.cachet.driver.H2Database.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.driver.jdbc.ClusterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A logical connection ends once, whichever of {@code close()} and {@code abort()} — the latter from another thread,
 * as JDBC intends — ends it, also when both run at the same time: the cluster counts it closed once, so the other
 * connections' cluster keeps its services, and an abort during a close cuts the physical connection under the close
 * (which then finishes the session's work itself) instead of ending the session beside it. Likewise an abort during a
 * commit, a rollback or a statement: the call under way ends the session when it returns, so a commit that reaches
 * the server after the abort keeps its tables from filling until it has returned.
 */
class ConnectionEndTest {

    @AfterEach
    void forgetClusters() {
        ClusterRegistry.shutdown();
    }

    @Test
    void anAbortWhileCloseRollsBackEndsTheConnectionOnce() throws Exception {
        try (H2Database db = new H2Database().exec("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(5))",
                "INSERT INTO t VALUES (1, 'a')")) {
            abortWhileClosing(db);
        }
    }

    private void abortWhileClosing(H2Database db) throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(db.realUrl);
        CachetDataSource cachet = new CachetDataSource(h2);
        CountDownLatch inRollback = new CountDownLatch(1);
        CountDownLatch aborted = new CountDownLatch(1);
        Connection real = h2.getConnection();
        // the real connection's rollback, which a pooled connection's close runs first, waits for the abort
        Connection held = intercepted(real, (method, args) -> {
            if (method.getName().equals("rollback") && method.getParameterCount() == 0) {
                inRollback.countDown();
                assertThat(aborted.await(10, TimeUnit.SECONDS)).isTrue();
            }
            return false;
        });
        try (Connection other = db.cachet()) {
            Connection c = cachet.wrap(held);
            CachetCluster cluster = Cachet.cluster(c);
            assertThat(cluster.statistics().openConnections()).isEqualTo(2);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE t SET v = 'b' WHERE id = 1");
            }

            CompletableFuture<Void> closing = async(c::close);
            assertThat(inRollback.await(10, TimeUnit.SECONDS)).isTrue();
            c.abort(Runnable::run);
            assertThat(cluster.statistics().openConnections()).as("the close under way ends it, not the abort")
                    .isEqualTo(2);
            aborted.countDown();
            closing.get(10, TimeUnit.SECONDS);

            assertThat(c.isClosed()).isTrue();
            assertThat(real.isClosed()).as("cut by the abort").isTrue();
            assertThat(cluster.statistics().openConnections()).as("ended once").isEqualTo(1);
            assertThat(value(other, "SELECT v FROM t WHERE id = 1")).as("rolled back").isEqualTo("a");
        }
    }

    @Test
    void anAbortDuringACommitKeepsItsTablesFromFillingUntilTheCommitReturns() throws Exception {
        try (H2Database db = new H2Database().exec("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(5))",
                "INSERT INTO t VALUES (1, 'a')")) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(db.realUrl);
            CachetDataSource cachet = new CachetDataSource(h2);
            CountDownLatch inCommit = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Connection real = h2.getConnection();
            // the real commit is applied only after the abort has returned, as a COMMIT already sent is applied
            // however soon the socket is cut
            Connection held = intercepted(real, (method, args) -> {
                if (method.getName().equals("commit")) {
                    inCommit.countDown();
                    assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                } else if (method.getName().equals("abort")) {
                    // as pgjdbc: the socket is cut on the executor given (H2's own abort does nothing)
                    ((Executor) args[0]).execute(unchecked(real::close));
                    return true;
                }
                return false;
            });
            // the abort's cut runs later, as an executor the application gives may run it
            List<Runnable> cuts = new CopyOnWriteArrayList<>();
            Executor later = cuts::add;
            try (Connection reader = db.cachet()) {
                Connection c = cachet.wrap(held);
                CachetCluster cluster = Cachet.cluster(c);
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE t SET v = 'b' WHERE id = 1");
                }
                CompletableFuture<Void> committing = async(c::commit);
                assertThat(inCommit.await(10, TimeUnit.SECONDS)).isTrue();

                c.abort(later);
                assertThat(cluster.statistics().openConnections()).as("the commit under way ends it, not the abort")
                        .isEqualTo(2);
                String whileCommitting = value(reader, "SELECT v FROM t WHERE id = 1");
                release.countDown();
                committing.get(10, TimeUnit.SECONDS);
                cuts.forEach(Runnable::run);

                assertThat(whileCommitting).as("not committed yet").isEqualTo("a");
                assertThat(value(reader, "SELECT v FROM t WHERE id = 1")).as("not the result read during the commit")
                        .isEqualTo("b");
                assertThat(cluster.statistics().openConnections()).as("ended once").isEqualTo(1);
                assertThat(real.isClosed()).as("cut by the abort").isTrue();
                assertThatThrownBy(c::commit).isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08003");
            }
        }
    }

    /** Runs before each call on the real connection; true when it answered the call itself (with null). */
    private interface Interception {
        boolean handled(Method method, Object[] args) throws Throwable;
    }

    private static Connection intercepted(Connection real, Interception before) {
        return (Connection) Proxy.newProxyInstance(ConnectionEndTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (before.handled(method, args)) {
                        return null;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    /** {@code action} on another thread; an SQLException fails the future. */
    private static CompletableFuture<Void> async(SqlAction action) {
        return CompletableFuture.runAsync(unchecked(action));
    }

    private static Runnable unchecked(SqlAction action) {
        return () -> {
            try {
                action.run();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
