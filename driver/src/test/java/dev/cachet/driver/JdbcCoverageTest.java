package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDBC surface: identities, generated keys, warnings, timeouts, options, unwrap — through Cachet's objects. */
class JdbcCoverageTest {

    H2Database db;
    Connection c;

    @BeforeEach
    void setUp() throws SQLException {
        db = new H2Database().exec("CREATE TABLE t(id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO t(v) VALUES ('a'), ('b')");
        c = db.cachet();
    }

    @AfterEach
    void tearDown() throws SQLException {
        c.close();
        db.close();
    }

    @Test
    void objectsReportCachetsOwnersOnHitsAndMisses() throws SQLException {
        for (int i = 0; i < 2; i++) { // a miss, then a hit
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM t ORDER BY id")) {
                assertThat(s.getConnection()).isSameAs(c);
                assertThat(rs.getStatement()).isSameAs(s);
                assertThat(rs.next()).isTrue();
            }
            try (PreparedStatement p = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
                p.setInt(1, 1);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.getStatement()).isSameAs(p);
                    assertThat(p.getConnection()).isSameAs(c);
                }
            }
        }
        try (Statement s = c.createStatement()) {
            assertThat(s.execute("SELECT v, RAND() FROM t")).isTrue(); // not cacheable: the real result, wrapped
            assertThat(s.getResultSet().getStatement()).isSameAs(s);
            assertThat(s.getResultSet()).isSameAs(s.getResultSet());
        }
    }

    @Test
    void generatedKeysUpdateCountsAndLargeUpdates() throws SQLException {
        try (Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO t(v) VALUES ('c')", Statement.RETURN_GENERATED_KEYS)).isEqualTo(1);
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertThat(keys.getStatement()).isSameAs(s);
                assertThat(keys.next()).isTrue();
                assertThat(keys.getInt(1)).isEqualTo(3);
            }
            assertThat(s.executeLargeUpdate("UPDATE t SET v = 'x' WHERE id = 3")).isEqualTo(1L);
            assertThat(s.execute("UPDATE t SET v = 'y' WHERE id = 3")).isFalse();
            assertThat(s.getUpdateCount()).isEqualTo(1);
            assertThat(s.getLargeUpdateCount()).isEqualTo(1L);
            assertThat(s.getMoreResults()).isFalse();
            assertThat(s.getUpdateCount()).isEqualTo(-1);
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO t(v) VALUES (?)", new String[] {"ID"})) {
            p.setString(1, "d");
            assertThat(p.executeLargeUpdate()).isEqualTo(1L);
            try (ResultSet keys = p.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                assertThat(keys.getInt(1)).isEqualTo(4);
            }
        }
        assertThat(H2Database.value(c, "SELECT COUNT(*) FROM t")).isEqualTo("4");
    }

    @Test
    void statementOptionsPassThrough() throws SQLException {
        try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)) {
            s.setQueryTimeout(7);
            assertThat(s.getQueryTimeout()).isEqualTo(7);
            s.setFetchSize(10);
            assertThat(s.getFetchSize()).isEqualTo(10);
            s.setMaxRows(1);
            assertThat(s.getMaxRows()).isEqualTo(1);
            assertThat(s.getResultSetType()).isEqualTo(ResultSet.TYPE_SCROLL_INSENSITIVE);
            s.setEscapeProcessing(true);
            s.clearWarnings();
            assertThat((Object) s.getWarnings()).isNull();
            for (int i = 0; i < 2; i++) {
                try (ResultSet rs = s.executeQuery("SELECT v FROM t ORDER BY id")) {
                    assertThat(rs.last()).isTrue();
                    assertThat(rs.getRow()).isEqualTo(1);
                }
            }
        }
        assertThat(c.nativeSQL("SELECT {fn UCASE('a')}")).isEqualTo(db.direct().nativeSQL("SELECT {fn UCASE('a')}"));
        c.clearWarnings();
        assertThat((Object) c.getWarnings()).isNull();
    }

    @Test
    void closeOnCompletionClosesTheStatementAlsoForCachedResults() throws SQLException {
        for (int i = 0; i < 2; i++) {
            Statement s = c.createStatement();
            s.closeOnCompletion();
            assertThat(s.isCloseOnCompletion()).isTrue();
            ResultSet rs = s.executeQuery("SELECT v FROM t ORDER BY id");
            while (rs.next()) {
                assertThat(rs.getString(1)).isNotNull();
            }
            rs.close();
            assertThat(s.isClosed()).isTrue();
        }
    }

    @Test
    void preparedStatementsRefuseSqlTextAndKeepTheirMetadata() throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
            assertThatThrownBy(() -> p.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> p.addBatch("SELECT 1")).isInstanceOf(SQLException.class);
            assertThat(p.getParameterMetaData().getParameterCount()).isEqualTo(1);
            assertThat(p.getMetaData().getColumnCount()).isEqualTo(1);
            p.setObject(1, 2, Types.INTEGER);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("b");
            }
            p.clearParameters();
            p.setNull(1, Types.INTEGER);
            try (ResultSet rs = p.executeQuery()) {
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void callableStatementsPassOutParameters() throws SQLException {
        db.exec("CREATE ALIAS touch FOR \"" + H2Functions.class.getName() + ".touch\"");
        try (CallableStatement call = c.prepareCall("{? = call touch(?)}")) {
            call.registerOutParameter(1, Types.INTEGER);
            call.setInt(2, 42);
            call.execute();
            assertThat(call.getInt(1)).isEqualTo(42);
            assertThat(call.getConnection()).isSameAs(c);
        }
    }

    @Test
    void unwrapReachesTheRealObjects() throws SQLException {
        try (Statement s = c.createStatement(); PreparedStatement p = c.prepareStatement("SELECT 1")) {
            assertThat(s.unwrap(org.h2.jdbc.JdbcStatement.class)).isNotNull();
            assertThat(s.isWrapperFor(org.h2.jdbc.JdbcStatement.class)).isTrue();
            assertThat(s.unwrap(Statement.class)).isSameAs(s);
            assertThat(p.unwrap(org.h2.jdbc.JdbcPreparedStatement.class)).isNotNull();
            assertThat(c.getMetaData().unwrap(org.h2.jdbc.JdbcDatabaseMetaData.class)).isNotNull();
            assertThat(c.isWrapperFor(String.class)).isFalse();
            assertThatThrownBy(() -> c.unwrap(String.class)).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void savepointsAndRollbackToThem() throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE t SET v = 'one' WHERE id = 1");
            java.sql.Savepoint sp = c.setSavepoint("sp");
            s.executeUpdate("UPDATE t SET v = 'two' WHERE id = 1");
            c.rollback(sp);
            assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("one");
            c.releaseSavepoint(c.setSavepoint());
            c.commit();
        }
        c.setAutoCommit(true);
        try (Connection other = db.cachet()) {
            assertThat(H2Database.value(other, "SELECT v FROM t WHERE id = 1")).isEqualTo("one");
        }
    }

    @Test
    void closedConnectionRefusesWork() throws SQLException {
        Connection closed = db.cachet();
        Statement s = closed.createStatement();
        closed.close();
        closed.close(); // idempotent
        assertThat(closed.isClosed()).isTrue();
        assertThatThrownBy(() -> s.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
        assertThatThrownBy(closed::getAutoCommit).isInstanceOf(SQLException.class);
    }

    @Test
    void metadataResultSetsHandOutNoRealStatement() throws SQLException {
        try (ResultSet tables = c.getMetaData().getTables(null, null, "T", null)) {
            assertThat(tables.next()).isTrue();
            assertThat(tables.getString("TABLE_NAME")).isEqualTo("T");
            assertThat(tables.getStatement()).isNull();
        }
    }
}
