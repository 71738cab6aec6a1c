package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cachet.driver.jdbc.ClusterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2 and §11 on H2: every logical connection runs as its own user, on every physical connection it opens, and
 * never reads what another user cached. An administrator connects first, as in the deployment where the bug was
 * found; then BOB, who may read {@code shared} and {@code node} and write {@code audit}, but not {@code payroll}.
 */
class IdentityTest {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String ADMIN = "SA";
    private static final String ADMIN_PASSWORD = "sa-secret";
    private static final String BOB = "BOB";
    private static final String BOB_PASSWORD = "bob-secret";

    private final List<Connection> nodes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        ClusterRegistry.shutdown();
        for (Connection c : nodes) {
            try (Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // a test shut it down already
            }
        }
    }

    /**
     * Creates an in-memory database named {@code name} with the two users and their rights, kept open by the test's
     * own administrator connection; returns its URL (without settings: H2 runs a URL's settings as commands that
     * need administrator rights).
     */
    private String database(String name) throws SQLException {
        String url = "jdbc:h2:mem:" + name;
        Connection admin = DriverManager.getConnection(url + ";DB_CLOSE_DELAY=-1", ADMIN, ADMIN_PASSWORD);
        nodes.add(admin);
        try (Statement s = admin.createStatement()) {
            s.execute("SET QUERY_STATISTICS TRUE");
            s.execute("CREATE TABLE shared(v VARCHAR(20))");
            s.execute("INSERT INTO shared VALUES ('everyone')");
            s.execute("CREATE TABLE payroll(who VARCHAR(20), salary INT)");
            s.execute("INSERT INTO payroll VALUES ('ceo', 1000000)");
            s.execute("CREATE TABLE node(name VARCHAR(40))");
            s.execute("INSERT INTO node VALUES ('" + name + "')");
            s.execute("CREATE TABLE audit(who VARCHAR(20))");
            s.execute("CREATE USER " + BOB + " PASSWORD '" + BOB_PASSWORD + "'");
            s.execute("CREATE USER PROBE PASSWORD 'probe-secret'");
            s.execute("GRANT SELECT ON shared, node TO " + BOB);
            s.execute("GRANT SELECT, INSERT ON audit TO " + BOB);
        }
        return url;
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** How often the database of {@code node} ran exactly {@code sql}, as H2 itself counts. */
    private static long executions(Connection node, String sql) throws SQLException {
        try (var p = node.prepareStatement("SELECT COALESCE(SUM(EXECUTION_COUNT), 0)"
                + " FROM INFORMATION_SCHEMA.QUERY_STATISTICS WHERE SQL_STATEMENT = ? AND RAND() < 2")) {
            p.setString(1, sql);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The users with a session open on the database of {@code node}, as H2 lists them to its administrator. */
    private static List<String> sessionUsers(Connection node) throws SQLException {
        List<String> users = new ArrayList<>();
        try (Statement s = node.createStatement();
             ResultSet rs = s.executeQuery("SELECT USER_NAME FROM INFORMATION_SCHEMA.SESSIONS ORDER BY USER_NAME")) {
            while (rs.next()) {
                users.add(rs.getString(1));
            }
        }
        return users;
    }

    @Test
    void aLaterConnectionRunsAsItsOwnUserThroughTheSameUrl() throws SQLException {
        String url = database("identity_url_" + COUNTER.incrementAndGet());
        String cachetUrl = "jdbc:cachet:" + url.substring("jdbc:".length());
        try (Connection admin = DriverManager.getConnection(cachetUrl, ADMIN, ADMIN_PASSWORD);
             Connection bob = DriverManager.getConnection(cachetUrl, BOB, BOB_PASSWORD)) {
            assertThat(value(admin, "SELECT CURRENT_USER")).isEqualTo(ADMIN);
            assertThat(value(bob, "SELECT CURRENT_USER")).isEqualTo(BOB);
            try (Statement s = bob.createStatement()) {
                s.executeUpdate("INSERT INTO audit SELECT CURRENT_USER");
            }
            assertThat(value(nodes.get(0), "SELECT who FROM audit")).isEqualTo(BOB);
        }
    }

    @Test
    void anEntryFilledByOneUserNeverAnswersAnother() throws SQLException {
        String url = database("identity_keys_" + COUNTER.incrementAndGet());
        String cachetUrl = "jdbc:cachet:" + url.substring("jdbc:".length());
        Connection node = nodes.get(0);
        try (Connection admin = DriverManager.getConnection(cachetUrl, ADMIN, ADMIN_PASSWORD);
             Connection bob = DriverManager.getConnection(cachetUrl, BOB, BOB_PASSWORD);
             Connection direct = DriverManager.getConnection(url, BOB, BOB_PASSWORD)) {
            // the administrator fills entries of a table BOB may not read, and of one he may
            assertThat(value(admin, "SELECT salary FROM payroll")).isEqualTo("1000000");
            assertThat(value(admin, "SELECT salary FROM payroll")).isEqualTo("1000000");
            assertThat(executions(node, "SELECT salary FROM payroll")).isEqualTo(1);
            assertThat(value(admin, "SELECT v FROM shared")).isEqualTo("everyone");
            assertThat(executions(node, "SELECT v FROM shared")).isEqualTo(1);

            // BOB gets the database's own refusal, exactly as without Cachet, whatever the administrator cached
            SQLException refused = catchThrowableOfType(SQLException.class,
                    () -> value(bob, "SELECT salary FROM payroll"));
            SQLException directRefusal = catchThrowableOfType(SQLException.class,
                    () -> value(direct, "SELECT salary FROM payroll"));
            assertThat((Throwable) refused).isNotNull().isExactlyInstanceOf(directRefusal.getClass());
            assertThat(refused.getSQLState()).isEqualTo(directRefusal.getSQLState());
            assertThat(refused.getErrorCode()).isEqualTo(directRefusal.getErrorCode());

            // what BOB may read he reads from the database once, then from his own entry
            assertThat(value(bob, "SELECT v FROM shared")).isEqualTo("everyone");
            assertThat(executions(node, "SELECT v FROM shared")).isEqualTo(2);
            assertThat(value(bob, "SELECT v FROM shared")).isEqualTo("everyone");
            assertThat(value(admin, "SELECT v FROM shared")).isEqualTo("everyone");
            assertThat(executions(node, "SELECT v FROM shared")).isEqualTo(2);
        }
    }

    @Test
    void aWrongPasswordFailsWithTheRealDriversErrorAfterTheUserWarmedTheCluster() throws SQLException {
        String url = database("identity_password_" + COUNTER.incrementAndGet());
        String cachetUrl = "jdbc:cachet:" + url.substring("jdbc:".length());
        SQLException direct = catchThrowableOfType(SQLException.class,
                () -> DriverManager.getConnection(url, BOB, "wrong").close());
        assertThat((Throwable) direct).isNotNull();
        try (Connection admin = DriverManager.getConnection(cachetUrl, ADMIN, ADMIN_PASSWORD);
             Connection bob = DriverManager.getConnection(cachetUrl, BOB, BOB_PASSWORD)) {
            assertThat(value(bob, "SELECT v FROM shared")).isEqualTo("everyone");
            SQLException viaCachet = catchThrowableOfType(SQLException.class,
                    () -> DriverManager.getConnection(cachetUrl, BOB, "wrong").close());
            assertThat((Throwable) viaCachet).isNotNull().isExactlyInstanceOf(direct.getClass());
            assertThat(viaCachet.getSQLState()).isEqualTo(direct.getSQLState());
            assertThat(viaCachet.getErrorCode()).isEqualTo(direct.getErrorCode());
        }
    }

    @Test
    void cachingOffOnOneConnectionAppliesToThatConnectionAlone() throws SQLException {
        String url = database("identity_enabled_" + COUNTER.incrementAndGet());
        String cachetUrl = "jdbc:cachet:" + url.substring("jdbc:".length());
        Properties off = new Properties();
        off.setProperty("user", BOB);
        off.setProperty("password", BOB_PASSWORD);
        off.setProperty("cachet.enabled", "false");
        Connection node = nodes.get(0);
        try (Connection admin = DriverManager.getConnection(cachetUrl, ADMIN, ADMIN_PASSWORD);
             Connection bob = DriverManager.getConnection(cachetUrl, off)) {
            for (int i = 0; i < 3; i++) {
                assertThat(value(bob, "SELECT v FROM shared")).isEqualTo("everyone");
            }
            assertThat(executions(node, "SELECT v FROM shared")).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                assertThat(value(admin, "SELECT v FROM shared")).isEqualTo("everyone");
            }
            assertThat(executions(node, "SELECT v FROM shared")).isEqualTo(4);
        }
    }

    /** The DataSources of the nodes of the last {@link #routed} cluster: primary, replica 1, replica 2. */
    private final List<LoginRecordingDataSource> sources = new ArrayList<>();

    /** A routed DataSource over three databases (primary, two replicas), each with the same users and rights. */
    private CachetDataSource routed(String prefix, Properties settings) throws SQLException {
        for (String node : List.of("_primary", "_replica1", "_replica2")) {
            sources.add(new LoginRecordingDataSource(database(prefix + node)));
        }
        settings.setProperty("cachet.cluster", prefix);
        CachetDataSource ds = new CachetDataSource(sources.get(0));
        ds.setProperties(settings);
        ds.addReplica(sources.get(1));
        ds.addReplica(sources.get(2));
        return ds;
    }

    /**
     * A DataSource of one node that knows no user of its own — each caller's credentials are what it logs in with —
     * and records the user of every login it was asked for ({@code getConnection()} records null).
     */
    static final class LoginRecordingDataSource implements javax.sql.DataSource {
        final List<String> logins = java.util.Collections.synchronizedList(new ArrayList<>());
        private final JdbcDataSource node = new JdbcDataSource();

        LoginRecordingDataSource(String url) {
            node.setURL(url + ";IFEXISTS=TRUE");
        }

        @Override
        public Connection getConnection() throws SQLException {
            logins.add(null);
            return node.getConnection();
        }

        /** A user this node refuses as a server at its connection limit would ({@code 53300}); null: none. */
        volatile String atConnectionLimit;

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            logins.add(user);
            if (user != null && user.equals(atConnectionLimit)) {
                throw new SQLException("too many connections for role \"" + user + "\"", "53300");
            }
            return node.getConnection(user, password);
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return node.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return node.isWrapperFor(iface);
        }

        List<String> logins() {
            synchronized (logins) {
                return List.copyOf(logins.stream().map(String::valueOf).toList());
            }
        }
    }

    @Test
    void everyPhysicalConnectionOfARoutedConnectionRunsAsItsOwnUser() throws SQLException {
        String prefix = "identity_routed_" + COUNTER.incrementAndGet();
        CachetDataSource ds = routed(prefix, new Properties());
        try (Connection admin = ds.getConnection(ADMIN, ADMIN_PASSWORD)) {
            assertThat(value(admin, "SELECT /*cachet:nocache*/ name FROM node")).contains("_replica");
            try (Statement s = admin.createStatement()) {
                s.executeUpdate("INSERT INTO audit SELECT CURRENT_USER");
            }
        }
        try (Connection bob = ds.getConnection(BOB, BOB_PASSWORD)) {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                seen.add(value(bob, "SELECT /*cachet:nocache*/ name FROM node"));
            }
            assertThat(seen).allMatch(n -> n.startsWith(prefix + "_replica"));
            // both replicas refuse BOB what his own login may not read
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> value(bob, "SELECT /*cachet:nocache*/ salary FROM payroll"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("PAYROLL");
            }
            try (Statement s = bob.createStatement()) {
                s.executeUpdate("INSERT INTO audit SELECT CURRENT_USER");
            }
            assertThat(sessionUsers(nodes.get(0))).contains(BOB);
            assertThat(sessionUsers(nodes.get(1))).contains(BOB);
            assertThat(sessionUsers(nodes.get(2))).contains(BOB);
        }
        // the probes kept the first login's credentials (the administrator's): they are the cluster's own
        for (LoginRecordingDataSource node : sources) {
            assertThat(node.logins()).containsOnly(ADMIN, BOB);
        }
        try (Statement s = nodes.get(0).createStatement();
             ResultSet rs = s.executeQuery("SELECT who FROM audit ORDER BY who")) {
            List<String> writers = new ArrayList<>();
            while (rs.next()) {
                writers.add(rs.getString(1));
            }
            assertThat(writers).containsExactly(BOB, ADMIN);
        }
    }

    @Test
    void probesRunAsTheConfiguredProbeUserAndNeverAsAnApplicationUser() throws SQLException {
        String prefix = "identity_probe_" + COUNTER.incrementAndGet();
        Properties settings = new Properties();
        settings.setProperty("cachet.probe.user", "PROBE");
        settings.setProperty("cachet.probe.password", "probe-secret");
        CachetDataSource ds = routed(prefix, settings);
        try (Connection bob = ds.getConnection(BOB, BOB_PASSWORD)) {
            assertThat(value(bob, "SELECT /*cachet:nocache*/ name FROM node")).startsWith(prefix + "_replica");
            try (Statement s = bob.createStatement()) {
                s.executeUpdate("INSERT INTO audit SELECT CURRENT_USER");
            }
            // the poller probes each replica, and the catalog is read, as the probe user
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> sources.get(1).logins().contains("PROBE") && sources.get(2).logins().contains("PROBE"));
            assertThat(sources.get(0).logins()).contains("PROBE", BOB);
            for (LoginRecordingDataSource node : sources) {
                assertThat(node.logins()).containsOnly(BOB, "PROBE");
            }
        }
        assertThat(value(nodes.get(0), "SELECT who FROM audit")).isEqualTo(BOB);
    }

    @Test
    void withThePrimaryDownANewConnectionReadsFromTheReplicasAndItsWriteFails() throws SQLException {
        String prefix = "identity_lazy_" + COUNTER.incrementAndGet();
        Properties settings = new Properties();
        settings.setProperty("cachet.probe.user", "PROBE");
        settings.setProperty("cachet.probe.password", "probe-secret");
        CachetDataSource ds = routed(prefix, settings);
        ds.getConnection(BOB, BOB_PASSWORD).close(); // the DataSource reads its dialect and cluster id, once
        assertThat(sources.get(0).logins()).containsOnlyOnce(BOB);
        for (int i = 0; i < 2; i++) {
            try (Connection reader = ds.getConnection(BOB, BOB_PASSWORD)) {
                assertThat(value(reader, "SELECT v FROM shared")).isEqualTo("everyone");
                try (var p = reader.prepareStatement("SELECT v FROM shared WHERE v = ?")) {
                    p.setString(1, "everyone");
                    p.executeQuery().close();
                }
                try (var p = reader.prepareStatement("SELECT v FROM shared WHERE v <> ?", Statement.NO_GENERATED_KEYS)) {
                    p.setString(1, "x");
                    p.executeQuery().close();
                }
                assertThat(reader.getAutoCommit()).isTrue();
                assertThat(reader.getMetaData().getUserName()).isEqualTo(BOB);
                // observed on the primary itself: no session of BOB while his connection is open and has read
                assertThat(sessionUsers(nodes.get(0))).doesNotContain(BOB);
            }
        }
        // connections that only read never connected the primary: no login of BOB there since the first
        assertThat(sources.get(0).logins()).containsOnlyOnce(BOB).containsOnly(BOB, "PROBE");
        try (Statement s = nodes.get(0).createStatement()) {
            s.execute("SHUTDOWN");
        }
        try (Connection bob = ds.getConnection(BOB, BOB_PASSWORD)) {
            assertThat(value(bob, "SELECT /*cachet:nocache*/ name FROM node")).startsWith(prefix + "_replica");
            try (var p = bob.prepareStatement("SELECT /*cachet:nocache*/ name FROM node WHERE name <> ?")) {
                p.setString(1, "x");
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).startsWith(prefix + "_replica");
                }
            }
            assertThatThrownBy(() -> {
                try (Statement s = bob.createStatement()) {
                    s.executeUpdate("INSERT INTO audit SELECT CURRENT_USER");
                }
            }).isInstanceOf(SQLException.class);
            // reads go on after the failed write
            assertThat(value(bob, "SELECT /*cachet:nocache*/ name FROM node")).startsWith(prefix + "_replica");
        }
    }

    /** The database name of the node {@code c} is connected to, from its own metadata URL. */
    private static String nodeOf(Connection c) throws SQLException {
        return value(c, "SELECT /*cachet:nocache*/ name FROM node");
    }

    @Test
    void streamParametersOfAStatementPreparedOnAReplicaAreBoundWhereItRuns() throws SQLException {
        String prefix = "identity_streams_" + COUNTER.incrementAndGet();
        CachetDataSource ds = routed(prefix, new Properties());
        try (Connection bob = ds.getConnection(BOB, BOB_PASSWORD);
             var p = bob.prepareStatement("SELECT name FROM node WHERE name <> ?")) {
            // prepared on BOB's replica (the primary is not connected yet); a reader can be read only once, so the
            // execution runs on the primary, where the reader is bound
            p.setCharacterStream(1, new java.io.StringReader("x"));
            assertThat(p.execute()).isTrue();
            try (ResultSet rs = p.getResultSet()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(prefix + "_primary");
            }
            p.setCharacterStream(1, new java.io.StringReader("y"));
            try (ResultSet rs = p.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(prefix + "_primary");
            }
            // setObject with a stream and a length is a stream too
            p.setObject(1, new java.io.StringReader("z"), java.sql.Types.VARCHAR, 1);
            try (ResultSet rs = p.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(prefix + "_primary");
            }
            // plain parameters again: the replicas serve it
            p.setString(1, "x");
            try (ResultSet rs = p.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).startsWith(prefix + "_replica");
            }
        }
    }

    @Test
    void aConnectionWithoutReplicasInARoutedClusterStillReportsItsWrites() throws SQLException {
        String prefix = "identity_unrouted_" + COUNTER.incrementAndGet();
        CachetDataSource routed = routed(prefix, new Properties());
        Properties same = new Properties();
        same.setProperty("cachet.cluster", prefix);
        CachetDataSource plain = new CachetDataSource(sources.get(0));
        plain.setProperties(same);
        try (Connection reader = routed.getConnection(BOB, BOB_PASSWORD);
             Connection writer = plain.getConnection(BOB, BOB_PASSWORD)) {
            assertThat(nodeOf(reader)).startsWith(prefix + "_replica");
            assertThat(value(reader, "SELECT COUNT(*) FROM audit")).isEqualTo("0");
            try (Statement s = writer.createStatement()) {
                s.executeUpdate("INSERT INTO audit VALUES ('w')");
            }
            // the write went to the primary through a connection of the same cluster without replicas: reads of the
            // table it wrote go to the primary (which, on H2, Cachet cannot see the replicas replay)
            for (int i = 0; i < 3; i++) {
                assertThat(value(reader, "SELECT COUNT(*) FROM audit")).isEqualTo("1");
                assertThat(value(reader, "SELECT /*cachet:nocache*/ COUNT(*) FROM audit")).isEqualTo("1");
            }
        }
    }

    @Test
    void aUrlAndADataSourceThatReachTheNodesDifferentlyCannotShareACluster() throws SQLException {
        String prefix = "identity_mismatch_" + COUNTER.incrementAndGet();
        CachetDataSource routed = routed(prefix, new Properties());
        try (Connection first = routed.getConnection(BOB, BOB_PASSWORD)) {
            assertThat(nodeOf(first)).startsWith(prefix + "_replica");
            String url = "jdbc:cachet:h2:mem:" + prefix + "_primary;IFEXISTS=TRUE;cachet.cluster=" + prefix
                    + ";cachet.replicas=localhost:1";
            SQLException refused = catchThrowableOfType(SQLException.class,
                    () -> DriverManager.getConnection(url, BOB, BOB_PASSWORD).close());
            assertThat((Throwable) refused).isNotNull().hasMessageContaining(prefix);
            assertThat(refused.getSQLState()).isEqualTo("08001");
            assertThat(nodeOf(first)).startsWith(prefix + "_replica");
        }
    }

    @Test
    void oneUsersRefusedLoginOnAReplicaLeavesItInTheRotationForEveryoneElse() throws SQLException {
        String prefix = "identity_refused_" + COUNTER.incrementAndGet();
        CachetDataSource ds = routed(prefix, new Properties());
        try (Statement s = nodes.get(2).createStatement()) {
            s.execute("ALTER USER " + BOB + " SET PASSWORD 'another'"); // BOB cannot log in on replica 2 alone
        }
        try (Connection admin = ds.getConnection(ADMIN, ADMIN_PASSWORD)) {
            Connection bob = null;
            for (int attempt = 0; bob == null && attempt < 3; attempt++) {
                try {
                    bob = ds.getConnection(BOB, BOB_PASSWORD); // his first physical connection: a replica in turn
                } catch (SQLException refusedOnReplica2) {
                    assertThat(refusedOnReplica2.getSQLState()).startsWith("28");
                }
            }
            assertThat(bob).isNotNull();
            try (Connection b = bob) {
                for (int i = 0; i < 4; i++) {
                    assertThat(nodeOf(b)).isIn(prefix + "_replica1", prefix + "_primary");
                }
            }
            // replica 2 refused BOB's login, not the administrator's: it still serves his reads
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                seen.add(nodeOf(admin));
            }
            assertThat(seen).contains(prefix + "_replica2");
        }
    }

    @Test
    void aConnectionWhoseHomeReplicaDiedLeadsFromAnotherOne() throws SQLException {
        String prefix = "identity_rehome_" + COUNTER.incrementAndGet();
        CachetDataSource ds = routed(prefix, new Properties());
        try (Connection bob = ds.getConnection(BOB, BOB_PASSWORD)) {
            String homeUrl = bob.getMetaData().getURL();
            int home = homeUrl.contains("_replica1") ? 1 : 2;
            try (Statement s = nodes.get(home).createStatement()) {
                s.execute("SHUTDOWN");
            }
            // no read ran since: calls on the whole session lead from a live connection once the poller found the
            // home's replica failed
            Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> bob.getMetaData().getURL().contains(prefix + "_replica" + (3 - home)));
            for (int i = 0; i < 2; i++) {
                assertThat(nodeOf(bob)).isEqualTo(prefix + "_replica" + (3 - home));
            }
            assertThat(bob.getMetaData().getUserName()).isEqualTo(BOB);
            assertThat(bob.isValid(2)).isTrue();
        }
    }

    @Test
    void probesWhoseCredentialsAreRefusedTakeThoseOfTheNextLogin() throws SQLException {
        String prefix = "identity_revouch_" + COUNTER.incrementAndGet();
        CachetDataSource ds = routed(prefix, new Properties());
        // the administrator's open connection keeps the poller running; the probes use his login
        try (Connection admin = ds.getConnection(ADMIN, ADMIN_PASSWORD)) {
            assertThat(nodeOf(admin)).startsWith(prefix + "_replica");
            for (Connection node : nodes) {
                try (Statement s = node.createStatement()) {
                    s.execute("ALTER USER " + ADMIN + " SET PASSWORD 'changed'");
                }
            }
            // the probes are refused, so the replicas leave the rotation (no connection opened meanwhile)
            // (H2 delays every refused login, up to 4 s, so a polling round takes seconds)
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> availableReplicas(prefix) == 0);
            // BOB's login vouches for the probes again, and the replicas come back
            ds.getConnection(BOB, BOB_PASSWORD).close();
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> availableReplicas(prefix) == 2);
            try (Connection bob = ds.getConnection(BOB, BOB_PASSWORD)) {
                assertThat(nodeOf(bob)).startsWith(prefix + "_replica");
            }
        }
        assertThat(sources.get(1).logins()).contains(BOB);
    }

    @Test
    void lobsAreCreatedOnThePrimary() throws SQLException {
        String prefix = "identity_lobs_" + COUNTER.incrementAndGet();
        CachetDataSource ds = routed(prefix, new Properties());
        try (Connection bob = ds.getConnection(BOB, BOB_PASSWORD)) {
            assertThat(nodeOf(bob)).startsWith(prefix + "_replica");
            assertThat(sessionUsers(nodes.get(0))).doesNotContain(BOB);
            java.sql.Clob clob = bob.createClob();
            clob.setString(1, "written where large objects live");
            assertThat(sessionUsers(nodes.get(0))).contains(BOB);
            clob.free();
        }
    }

    @Test
    void oneUsersConnectionLimitOnAReplicaLeavesItInTheRotationForEveryoneElse() throws SQLException {
        String prefix = "identity_limit_" + COUNTER.incrementAndGet();
        CachetDataSource ds = routed(prefix, new Properties());
        try (Connection admin = ds.getConnection(ADMIN, ADMIN_PASSWORD)) {
            sources.get(2).atConnectionLimit = BOB;
            for (int i = 0; i < 3; i++) { // each new connection connects a replica first, in turn
                try (Connection bob = ds.getConnection(BOB, BOB_PASSWORD)) {
                    for (int j = 0; j < 2; j++) {
                        assertThat(nodeOf(bob)).isIn(prefix + "_replica1", prefix + "_primary");
                    }
                }
            }
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                seen.add(nodeOf(admin));
            }
            assertThat(seen).contains(prefix + "_replica2");
            assertThat(availableReplicas(prefix)).isEqualTo(2);
        }
    }

    /** How many replicas of cluster {@code id} serve reads now, as routing sees them. */
    private static long availableReplicas(String id) {
        return ClusterRegistry.find(id).routing().replicaStatistics().stream()
                .filter(ReplicaStatistics::available).count();
    }
}
