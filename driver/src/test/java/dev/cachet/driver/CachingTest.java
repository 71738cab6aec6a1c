package dev.cachet.driver;

import static dev.cachet.driver.H2Database.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What reaches the database, observed on the database: repeated reads, keys, non-cacheable statements, TTL. */
class CachingTest {

    static final String SELECT = "SELECT v FROM t WHERE id = 1";

    H2Database db;

    @BeforeEach
    void setUp() throws SQLException {
        db = new H2Database().exec("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
    }

    @Test
    void repeatedSelectRunsOnceOnTheDatabase() throws SQLException {
        try (Connection c = db.cachet()) {
            for (int i = 0; i < 5; i++) {
                assertThat(value(c, SELECT)).isEqualTo("a");
            }
        }
        assertThat(db.executions(SELECT)).isEqualTo(1);
    }

    @Test
    void repeatedSelectThroughExecuteRunsOnce() throws SQLException {
        try (Connection c = db.cachet(); Statement s = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                assertThat(s.execute(SELECT)).isTrue();
                try (ResultSet rs = s.getResultSet()) {
                    assertThat(rs.getStatement()).isSameAs(s);
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("a");
                }
                assertThat(s.getUpdateCount()).isEqualTo(-1);
                assertThat(s.getMoreResults()).isFalse();
            }
        }
        assertThat(db.executions(SELECT)).isEqualTo(1);
    }

    @Test
    void preparedStatementsShareEntriesPerParameters() throws SQLException {
        String sql = "SELECT v FROM t WHERE id = ?";
        try (Connection c = db.cachet(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int round = 0; round < 3; round++) {
                for (int id = 1; id <= 3; id++) {
                    p.setInt(1, id);
                    try (ResultSet rs = p.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo(String.valueOf((char) ('a' + id - 1)));
                    }
                }
            }
            p.setInt(1, 2);
            assertThat(p.execute()).isTrue();
            try (ResultSet rs = p.getResultSet()) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("b");
            }
        }
        try (Connection other = db.cachet(); PreparedStatement p = other.prepareStatement(sql)) {
            p.setInt(1, 3);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("c");
            }
        }
        assertThat(db.executions(sql)).isEqualTo(3);
    }

    @Test
    void maxRowsIsPartOfTheKey() throws SQLException {
        String sql = "SELECT id FROM t ORDER BY id";
        try (Connection c = db.cachet(); Statement s = c.createStatement()) {
            assertThat(count(s.executeQuery(sql))).isEqualTo(3);
            s.setMaxRows(1);
            assertThat(count(s.executeQuery(sql))).isEqualTo(1);
            assertThat(count(s.executeQuery(sql))).isEqualTo(1);
            s.setMaxRows(0);
            assertThat(count(s.executeQuery(sql))).isEqualTo(3);
        }
        assertThat(db.executions(sql)).isEqualTo(2);
    }

    @Test
    void differentUsersAndSchemasAreDifferentEntries() throws SQLException {
        db.exec("CREATE USER bob PASSWORD 'pw' ADMIN", "CREATE SCHEMA s2", "CREATE TABLE s2.t(id INT, v VARCHAR(20))",
                "INSERT INTO s2.t VALUES (1, 'other')");
        try (Connection c = db.cachet()) {
            assertThat(value(c, SELECT)).isEqualTo("a");
            c.setSchema("S2");
            assertThat(value(c, SELECT)).isEqualTo("other");
            assertThat(value(c, SELECT)).isEqualTo("other");
            c.setSchema("PUBLIC");
            assertThat(value(c, SELECT)).isEqualTo("a");
        }
        java.util.Properties bob = new java.util.Properties();
        bob.setProperty("user", "bob");
        bob.setProperty("password", "pw");
        try (Connection c = java.sql.DriverManager.getConnection(db.cachetUrl, bob)) {
            assertThat(value(c, SELECT)).isEqualTo("a");
        }
        assertThat(db.executions(SELECT)).isEqualTo(3);
    }

    @Test
    void nonCacheableStatementsAlwaysReachTheDatabase() throws SQLException {
        String volatileQuery = "SELECT v, RAND() FROM t WHERE id = 1";
        String hinted = "/*cachet:nocache*/ SELECT v FROM t WHERE id = 2";
        String locking = "SELECT v FROM t WHERE id = 1 FOR UPDATE";
        String catalog = "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES";
        try (Connection c = db.cachet()) {
            for (int i = 0; i < 3; i++) {
                value(c, volatileQuery);
                value(c, hinted);
                value(c, locking);
                value(c, catalog);
            }
        }
        assertThat(db.executions(volatileQuery)).isEqualTo(3);
        assertThat(db.executions("SELECT v FROM t WHERE id = 2")).isEqualTo(3); // H2 records it without the comment
        assertThat(db.executions(locking)).isEqualTo(3);
        assertThat(db.executions(catalog)).isEqualTo(3);
    }

    @Test
    void streamParametersAreNeverCached() throws SQLException {
        String sql = "SELECT id FROM t WHERE v = ?";
        try (Connection c = db.cachet(); PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < 2; i++) {
                p.setCharacterStream(1, new java.io.StringReader("b"));
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(2);
                }
            }
            p.setString(1, "b");
            p.executeQuery().close();
            p.executeQuery().close();
        }
        assertThat(db.executions(sql)).isEqualTo(3);
    }

    @Test
    void cachingCanBeDisabled() throws SQLException {
        try (Connection c = db.cachet("cachet.enabled", "false")) {
            value(c, SELECT);
            value(c, SELECT);
        }
        assertThat(db.executions(SELECT)).isEqualTo(2);
    }

    @Test
    void preparedStatementsOfACacheOffConnectionBindAndWriteLikeAnyOther() throws SQLException {
        String read = "SELECT v FROM t WHERE id = ?";
        try (Connection on = db.cachet(); Connection off = db.cachet("cachet.enabled", "false");
             PreparedStatement cached = on.prepareStatement(read); PreparedStatement p = off.prepareStatement(read);
             PreparedStatement write = off.prepareStatement("UPDATE t SET v = ? WHERE id = ?")) {
            for (int round = 0; round < 2; round++) {
                for (int id = 1; id <= 3; id++) {
                    p.setInt(1, id);
                    try (ResultSet rs = p.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo(String.valueOf((char) ('a' + id - 1)));
                        assertThat(rs.getStatement()).isSameAs(p);
                    }
                }
            }
            assertThat(db.executions(read)).isEqualTo(6);
            cached.setInt(1, 2);
            try (ResultSet rs = cached.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("b");
            }
            // the write through the cache-off connection still invalidates what the other connection cached
            write.setString(1, "written");
            write.setInt(2, 2);
            assertThat(write.executeUpdate()).isEqualTo(1);
            try (ResultSet rs = cached.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("written");
            }
        }
    }

    @Test
    void perTableTtlZeroNeverCaches() throws SQLException {
        try (Connection c = db.cachet("cachet.ttl.t", "0")) {
            value(c, SELECT);
            value(c, SELECT);
        }
        assertThat(db.executions(SELECT)).isEqualTo(2);
    }

    @Test
    void writeAroundCachetIsVisibleAfterTheTtl() throws SQLException {
        try (Connection c = db.cachet("cachet.ttl", "300ms")) {
            assertThat(value(c, SELECT)).isEqualTo("a");
            db.exec("UPDATE t SET v = 'around' WHERE id = 1");
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> "around".equals(value(c, SELECT)));
        }
    }

    @Test
    void closingAResultEarlyStillFills() throws SQLException {
        String sql = "SELECT id FROM t ORDER BY id";
        try (Connection c = db.cachet(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(sql)) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(count(s.executeQuery(sql))).isEqualTo(3);
        }
        assertThat(db.executions(sql)).isEqualTo(1);
    }

    static int count(ResultSet rs) throws SQLException {
        int n = 0;
        try (rs) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aThreadNeverWaitsForItsOwnOpenFill() throws SQLException {
        try (Connection c = db.cachet("cachet.inFlightWait", "10m")) {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                try (Statement outer = c.createStatement(); Statement inner = c.createStatement();
                     ResultSet rs = outer.executeQuery("SELECT id FROM t ORDER BY id")) {
                    assertThat(rs.next()).isTrue(); // the first result is still open and being copied
                    assertThat(count(inner.executeQuery("SELECT id FROM t ORDER BY id"))).isEqualTo(3);
                }
            });
        }
    }

    @Test
    void aBoundValueChangedAfterBindingDoesNotKeyTheResult() throws SQLException {
        db.exec("CREATE TABLE bin(b VARBINARY(4) PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO bin VALUES (X'01', 'one'), (X'02', 'two')");
        String select = "SELECT v FROM bin WHERE b = ?";
        try (Connection c = db.cachet()) {
            byte[] buffer = {1};
            try (PreparedStatement p = c.prepareStatement(select)) {
                p.setBytes(1, buffer);
                buffer[0] = 2; // the driver took {1} when it was bound; the application reuses its buffer
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("one");
                }
            }
            try (PreparedStatement p = c.prepareStatement(select)) {
                p.setBytes(1, new byte[] {2});
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("two");
                }
            }
        }
    }

    @Test
    void aMutableNumberIsNeverPartOfAKey() throws SQLException {
        // AtomicInteger compares by identity and changes in place: kept in a key, the same object changed after a
        // fill would hit its old value's entry on a driver that accepts it. H2 refuses it at execution; the refusal
        // passes through, and Cachet has classified the execution as not cacheable before it ran.
        try (Connection c = db.cachet(); PreparedStatement p = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
            p.setObject(1, new java.util.concurrent.atomic.AtomicInteger(1));
            assertThatThrownBy(p::executeQuery).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22018"));
            assertThat(Cachet.cluster(c).statistics().notCacheableByReason())
                    .containsEntry(dev.cachet.parser.NotCacheableReason.STREAM_PARAMETER, 1L);
            p.setObject(1, java.math.BigInteger.ONE); // the JDK's immutable numbers are keyed as before
            try (ResultSet rs = p.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("a");
            }
            assertThat(Cachet.cluster(c).statistics().misses()).isEqualTo(1);
        }
    }

    @Test
    void aStatementPreparedBeforeASchemaChangeDoesNotKeyItsResultByTheNewSchema() throws SQLException {
        db.exec("CREATE SCHEMA s2", "CREATE TABLE s2.t(id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO s2.t VALUES (1, 's2')");
        try (Connection a = db.cachet(); Connection b = db.cachet();
                PreparedStatement p = a.prepareStatement(SELECT)) {
            a.setSchema("S2"); // H2 resolved t to PUBLIC.T when it prepared
            try (ResultSet rs = p.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("a");
            }
            b.setSchema("S2");
            assertThat(value(b, SELECT)).isEqualTo("s2");
        }
    }
}
