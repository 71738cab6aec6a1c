package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every hit gets a result set of its own: one the application closed, or the next execution closed, stays closed, and
 * closing it again never touches the statement's current result set or another statement's.
 */
class HitResultSetLifecycleTest {

    static final String SELECT = "SELECT v FROM t WHERE id = ?";

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

    private static String read(ResultSet rs) throws SQLException {
        assertThat(rs.next()).isTrue();
        String v = rs.getString(1);
        assertThat(rs.next()).isFalse();
        return v;
    }

    @Test
    void aClosedResultSetStaysClosedAfterItsStatementsNextHit() throws SQLException {
        try (Connection c = db.cachet(); PreparedStatement ps = c.prepareStatement(SELECT)) {
            for (int id = 1; id <= 3; id++) { // fills
                ps.setInt(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    read(rs);
                }
            }
            ps.setInt(1, 1);
            ResultSet first = ps.executeQuery();
            assertThat(read(first)).isEqualTo("a");
            first.close();
            ps.setInt(1, 2);
            ResultSet second = ps.executeQuery();
            assertThat(second).isNotSameAs(first);
            assertThat(first.isClosed()).isTrue();
            assertThatThrownBy(first::next).isInstanceOf(SQLException.class);
            first.close(); // a second close of the old one, as a finally block or a pool's proxy may do
            assertThat(second.isClosed()).isFalse();
            assertThat(second.getStatement()).isSameAs(ps);
            assertThat(read(second)).isEqualTo("b");
            assertThat(ps.getResultSet()).isSameAs(second);
        }
        assertThat(db.executions(SELECT)).isEqualTo(3);
    }

    @Test
    void anOpenResultSetIsClosedByTheNextExecutionAndStaysClosed() throws SQLException {
        try (Connection c = db.cachet(); PreparedStatement ps = c.prepareStatement(SELECT)) {
            for (int id = 1; id <= 2; id++) {
                ps.setInt(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    read(rs);
                }
            }
            ps.setInt(1, 1);
            ResultSet open = ps.executeQuery(); // a hit, left open
            ps.setInt(1, 2);
            ResultSet next = ps.executeQuery();
            assertThat(next).isNotSameAs(open);
            assertThat(open.isClosed()).isTrue();
            assertThatThrownBy(open::next).isInstanceOf(SQLException.class);
            assertThat(read(next)).isEqualTo("b");
        }
    }

    @Test
    void anotherStatementNeverTakesAClosedResultSet() throws SQLException {
        try (Connection c = db.cachet(); PreparedStatement a = c.prepareStatement(SELECT);
             PreparedStatement b = c.prepareStatement(SELECT)) {
            a.setInt(1, 1);
            try (ResultSet rs = a.executeQuery()) {
                read(rs);
            }
            a.setInt(1, 1);
            ResultSet fromA = a.executeQuery();
            fromA.close();
            b.setInt(1, 1);
            try (ResultSet fromB = b.executeQuery()) {
                assertThat(fromB).isNotSameAs(fromA);
                assertThat(fromB.getStatement()).isSameAs(b);
                assertThat(read(fromB)).isEqualTo("a");
            }
            assertThat(fromA.isClosed()).isTrue();
        }
        assertThat(db.executions(SELECT)).isEqualTo(1);
    }
}
