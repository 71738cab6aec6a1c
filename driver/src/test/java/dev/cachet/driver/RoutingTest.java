package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.driver.jdbc.ClusterRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Routing on H2 (DESIGN §9) with replicas given programmatically: three separate in-memory databases stand for the
 * primary and two replicas, each with a table whose one row names the database, so every result says where it ran.
 * H2 has no replication Cachet can measure, so a table written through Cachet is read from the primary from then on.
 */
class RoutingTest {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final List<Connection> keepAlive = new ArrayList<>();
    private String[] urls;
    private String cluster;
    private CachetDataSource dataSource;

    @BeforeEach
    void setUp() throws SQLException {
        String prefix = "routing_" + COUNTER.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
        String[] names = {"primary", "replica1", "replica2"};
        urls = new String[3];
        for (int i = 0; i < 3; i++) {
            urls[i] = "jdbc:h2:mem:" + prefix + "_" + names[i] + ";DB_CLOSE_DELAY=-1";
            Connection c = DriverManager.getConnection(urls[i]);
            keepAlive.add(c);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE node(name VARCHAR(20))");
                s.execute("INSERT INTO node VALUES ('" + names[i] + "')");
                s.execute("CREATE TABLE other(name VARCHAR(20))");
                s.execute("INSERT INTO other VALUES ('" + names[i] + "')");
                s.execute("CREATE SEQUENCE seq");
            }
        }
        Properties settings = new Properties();
        settings.setProperty("cachet.cluster", prefix);
        cluster = prefix;
        dataSource = new CachetDataSource(h2(urls[0]));
        dataSource.setProperties(settings);
        dataSource.addReplica(h2(urls[1]));
        dataSource.addReplica(h2(urls[2]));
    }

    @AfterEach
    void tearDown() throws SQLException {
        ClusterRegistry.shutdown();
        for (Connection c : keepAlive) {
            try (Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // a test shut it down already
            }
        }
    }

    private static JdbcDataSource h2(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url + ";IFEXISTS=TRUE"); // a shut-down replica must not come back as an empty database
        return ds;
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void autocommitReadsRotateOverTheReplicas() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                seen.add(one(c, "SELECT /*cachet:nocache*/ name FROM node"));
            }
            assertThat(seen).containsExactlyInAnyOrder("replica1", "replica2");
        }
    }

    private List<Thread> pollers() {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("cachet-replica-poller-" + cluster + "-") && t.isAlive()) {
                found.add(t);
            }
        }
        return found;
    }

    @Test
    void onePollerDaemonRunsWhileTheClusterHasConnections() throws SQLException {
        Connection a = dataSource.getConnection();
        Connection b = dataSource.getConnection();
        assertThat(pollers()).hasSize(1).allMatch(Thread::isDaemon);
        a.close();
        assertThat(pollers()).hasSize(1);
        b.close();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> pollers().isEmpty());
        try (Connection c = dataSource.getConnection()) {
            assertThat(pollers()).hasSize(1);
            assertThat(one(c, "SELECT /*cachet:nocache*/ name FROM node")).startsWith("replica");
        }
    }

    @Test
    void eventsSayWhereAStatementRan() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<ExecutionEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            ExecutionListener listener = new ExecutionListener() {
                @Override
                public void onExecution(ExecutionEvent event) {
                    events.add(event);
                }
            };
            Cachet.cluster(c).addListener(listener);
            try {
                one(c, "SELECT /*cachet:nocache*/ name FROM node");
                c.createStatement().executeUpdate("UPDATE other SET name = 'x'");
                one(c, "SELECT name FROM node FOR UPDATE");
            } finally {
                Cachet.cluster(c).removeListener(listener);
            }
            assertThat(events).extracting(ExecutionEvent::route)
                    .containsExactly(Route.REPLICA, Route.PRIMARY, Route.PRIMARY);
        }
    }

    @Test
    void preparedStatementsRunOnReplicasWithTheirParameters() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT /*cachet:nocache*/ name, ? FROM node WHERE ? > 0")) {
            Set<String> seen = new HashSet<>();
            for (int i = 1; i <= 4; i++) {
                p.setString(1, "v" + i);
                p.setInt(2, i);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    seen.add(rs.getString(1));
                    assertThat(rs.getString(2)).isEqualTo("v" + i);
                }
            }
            assertThat(seen).containsExactlyInAnyOrder("replica1", "replica2");
        }
    }

    @Test
    void writesTransactionsAndSessionBoundStatementsRunOnThePrimary() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            assertThat(one(c, "SELECT name FROM node FOR UPDATE")).isEqualTo("primary");
            assertThat(one(c, "SELECT /*cachet:primary*/ name FROM node")).isEqualTo("primary");
            assertThat(one(c, "SELECT NEXT VALUE FOR seq")).isEqualTo("1");
            c.setAutoCommit(false);
            assertThat(one(c, "SELECT /*cachet:nocache*/ name FROM other")).isEqualTo("primary");
            c.commit();
            c.setAutoCommit(true);
            assertThat(one(c, "SELECT /*cachet:nocache*/ name FROM other")).startsWith("replica");
        }
    }

    @Test
    void serializableReadsRunOnThePrimary() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            assertThat(one(c, "SELECT /*cachet:nocache*/ name FROM node")).isEqualTo("primary");
            c.setReadOnly(true);
            c.setAutoCommit(false);
            assertThat(one(c, "SELECT /*cachet:nocache*/ name FROM node")).isEqualTo("primary");
            c.commit();
            c.setAutoCommit(true);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            assertThat(one(c, "SELECT /*cachet:nocache*/ name FROM node")).startsWith("replica");
        }
    }

    @Test
    void aReadOnlyTransactionRunsOnOneReplica() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            String first = one(c, "SELECT /*cachet:nocache*/ name FROM node");
            assertThat(first).startsWith("replica");
            for (int i = 0; i < 3; i++) {
                assertThat(one(c, "SELECT /*cachet:nocache*/ name FROM other")).isEqualTo(first);
            }
            c.commit();
            c.setAutoCommit(true);
            c.setReadOnly(false);
        }
    }

    @Test
    void aReadOnlyTransactionReadsATableWrittenSinceItBeganOnThePrimary() throws SQLException {
        try (Connection reader = dataSource.getConnection(); Connection writer = dataSource.getConnection()) {
            reader.setReadOnly(true);
            reader.setAutoCommit(false);
            String replica = one(reader, "SELECT /*cachet:nocache*/ name FROM other");
            assertThat(replica).startsWith("replica");
            writer.createStatement().executeUpdate("UPDATE node SET name = 'primary-2'");
            assertThat(one(reader, "SELECT name FROM node")).isEqualTo("primary-2");
            assertThat(one(reader, "SELECT /*cachet:nocache*/ name FROM other")).isEqualTo(replica);
            reader.commit();
            reader.setAutoCommit(true);
            reader.setReadOnly(false);
        }
    }

    @Test
    void aWrittenTableIsReadFromThePrimaryWhenReplicationCannotBeMeasured() throws SQLException {
        try (Connection writer = dataSource.getConnection(); Connection reader = dataSource.getConnection()) {
            assertThat(one(reader, "SELECT name FROM node")).startsWith("replica");
            writer.createStatement().executeUpdate("UPDATE node SET name = 'primary-2'");
            for (int i = 0; i < 4; i++) {
                assertThat(one(reader, "SELECT name FROM node")).isEqualTo("primary-2");
            }
            // other tables still go to replicas; a read-only transaction cannot be sure of every write: primary
            assertThat(one(reader, "SELECT /*cachet:nocache*/ name FROM other")).startsWith("replica");
            reader.setReadOnly(true);
            reader.setAutoCommit(false);
            assertThat(one(reader, "SELECT /*cachet:nocache*/ name FROM other")).isEqualTo("primary");
            reader.commit();
        }
    }

    /**
     * A commit whose answer the network lost: the primary committed, the application got an exception. Whether it
     * then rolls back (finding nothing to undo) or closes the connection, its next read of the table — the read that
     * checks whether the commit happened — must see the commit, not a replica that may not have replayed it.
     */
    @ParameterizedTest(name = "commit by {0}, then {1}")
    @CsvSource({"call,rollback", "call,close", "statement,rollback", "statement,close", "autocommit,close"})
    void aTableWhoseCommitFailedIsReadFromThePrimaryHoweverTheTransactionEnds(String commitBy, String endBy)
            throws SQLException {
        AtomicBoolean loseAnswer = new AtomicBoolean();
        Properties settings = new Properties();
        settings.setProperty("cachet.cluster", cluster + "_lost");
        CachetDataSource ds = new CachetDataSource(losingCommitAnswers(h2(urls[0]), loseAnswer));
        ds.setProperties(settings);
        ds.addReplica(h2(urls[1]));
        ds.addReplica(h2(urls[2]));
        try (Connection reader = ds.getConnection()) {
            assertThat(one(reader, "SELECT name FROM node")).startsWith("replica");
            Connection writer = ds.getConnection();
            writer.setAutoCommit(false);
            writer.createStatement().executeUpdate("UPDATE node SET name = 'primary-2'");
            loseAnswer.set(true);
            assertThatThrownBy(() -> {
                switch (commitBy) {
                    case "call" -> writer.commit();
                    case "statement" -> writer.createStatement().execute("COMMIT");
                    default -> writer.setAutoCommit(true);
                }
            }).isInstanceOf(SQLException.class).hasMessageContaining("answer lost");
            if (endBy.equals("rollback")) {
                writer.rollback();
                // the connection's next transaction, rolled back for real, keeps nothing on the primary
                writer.createStatement().executeUpdate("UPDATE other SET name = 'never'");
                writer.rollback();
                assertThat(one(reader, "SELECT /*cachet:nocache*/ name FROM other")).startsWith("replica");
            }
            writer.close();
            for (int i = 0; i < 4; i++) {
                assertThat(one(reader, "SELECT name FROM node")).as("read %d", i).isEqualTo("primary-2");
            }
            assertThat(one(reader, "SELECT /*cachet:nocache*/ name FROM other")).startsWith("replica");
        }
    }

    /**
     * A string Cachet cannot see through may commit the transaction it runs in: its writes count as committed
     * however the transaction then ends in Cachet's books.
     */
    @Test
    void aTransactionCommittedByAStringCachetCannotReadCountsAsCommitted() throws SQLException {
        try (Connection reader = dataSource.getConnection(); Connection writer = dataSource.getConnection()) {
            assertThat(one(reader, "SELECT name FROM node")).startsWith("replica");
            writer.setAutoCommit(false);
            writer.createStatement().executeUpdate("UPDATE node SET name = 'primary-2'");
            writer.createStatement().execute("UPDATE other SET name = 'primary-3'; COMMIT");
            writer.rollback(); // nothing left to undo
            for (int i = 0; i < 4; i++) {
                assertThat(one(reader, "SELECT name FROM node")).as("read %d", i).isEqualTo("primary-2");
            }
        }
    }

    /**
     * {@code target}'s connections, whose commits — by {@code commit()}, a {@code COMMIT} statement or auto-commit
     * turned on — take effect and then throw while {@code loseAnswer} is set.
     */
    private static DataSource losingCommitAnswers(DataSource target, AtomicBoolean loseAnswer) {
        return proxy(DataSource.class, target, (method, result) -> method.getName().equals("getConnection")
                ? proxy(Connection.class, (Connection) result, (m, r) -> m.getName().equals("createStatement")
                        ? proxy(Statement.class, (Statement) r, (sm, sr) -> sr, loseAnswer)
                        : r, loseAnswer)
                : result, loseAnswer);
    }

    private static <T> T proxy(Class<T> type, T target, java.util.function.BiFunction<Method, Object, Object> wrap,
            AtomicBoolean loseAnswer) {
        InvocationHandler handler = (p, method, args) -> {
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            boolean commits = method.getName().equals("commit")
                    || method.getName().equals("setAutoCommit") && Boolean.TRUE.equals(args[0])
                    || method.getName().startsWith("execute") && args != null && args.length > 0
                            && "COMMIT".equals(args[0]);
            if (commits && loseAnswer.getAndSet(false)) {
                throw new SQLException("answer lost after the commit", "08006");
            }
            return wrap.apply(method, result);
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** A data source over the same nodes in a cluster of its own with {@code cachet.readStrategy=sticky}. */
    private CachetDataSource sticky() {
        Properties settings = new Properties();
        settings.setProperty("cachet.cluster", cluster + "_sticky");
        settings.setProperty("cachet.readStrategy", "sticky");
        CachetDataSource ds = new CachetDataSource(h2(urls[0]));
        ds.setProperties(settings);
        ds.addReplica(h2(urls[1]));
        ds.addReplica(h2(urls[2]));
        return ds;
    }

    @Test
    void stickyKeepsEachConnectionOnOneReplicaAndMovesItWhenThatReplicaFails() throws SQLException {
        CachetDataSource ds = sticky();
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
            Set<String> seenA = new HashSet<>();
            Set<String> seenB = new HashSet<>();
            for (int i = 1; i <= 4; i++) {
                seenA.add(one(a, "SELECT /*cachet:nocache*/ name FROM node"));
                seenB.add(one(b, "SELECT /*cachet:nocache*/ name FROM other"));
                try (PreparedStatement p = a.prepareStatement("SELECT /*cachet:nocache*/ name FROM node WHERE ? > 0")) {
                    p.setInt(1, i);
                    try (ResultSet rs = p.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        seenA.add(rs.getString(1));
                    }
                }
            }
            assertThat(seenA).hasSize(1).allMatch(name -> name.startsWith("replica"));
            assertThat(seenB).hasSize(1).allMatch(name -> name.startsWith("replica"));
            assertThat(seenA).as("the connections spread over the replicas").doesNotContainAnyElementsOf(seenB);

            String home = seenA.iterator().next();
            try (Statement s = keepAlive.get(home.equals("replica1") ? 1 : 2).createStatement()) {
                s.execute("SHUTDOWN");
            }
            String other = home.equals("replica1") ? "replica2" : "replica1";
            for (int i = 0; i < 4; i++) {
                assertThat(one(a, "SELECT /*cachet:nocache*/ name FROM node")).as("moved, and stays").isEqualTo(other);
            }
        }
    }

    @Test
    void stickyReadsAWrittenTableFromThePrimaryAndKeepsItsReplicaForTheRest() throws SQLException {
        CachetDataSource ds = sticky();
        try (Connection writer = ds.getConnection(); Connection reader = ds.getConnection()) {
            String replica = one(reader, "SELECT /*cachet:nocache*/ name FROM other");
            assertThat(replica).startsWith("replica");
            writer.createStatement().executeUpdate("UPDATE node SET name = 'primary-2'");
            for (int i = 0; i < 3; i++) {
                assertThat(one(reader, "SELECT /*cachet:nocache*/ name FROM node")).isEqualTo("primary-2");
                assertThat(one(reader, "SELECT /*cachet:nocache*/ name FROM other")).isEqualTo(replica);
            }
        }
    }

    @Test
    void aFailedReplicaLeavesTheRotationAndReadsNeverFail() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Set<String> before = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                before.add(one(c, "SELECT /*cachet:nocache*/ name FROM node"));
            }
            assertThat(before).containsExactlyInAnyOrder("replica1", "replica2");
            try (Statement s = keepAlive.get(1).createStatement()) {
                s.execute("SHUTDOWN");
            }
            Set<String> after = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                after.add(one(c, "SELECT /*cachet:nocache*/ name FROM node"));
            }
            assertThat(after).containsExactly("replica2");
        }
    }
}
