package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The identity of an H2 result's column set: the same for every execution of one compiled query, new after DDL. */
class H2ShapesTest {

    private static Object identity(PreparedStatement p) throws SQLException {
        try (ResultSet rs = p.executeQuery()) {
            return H2Shapes.identity(rs.getMetaData());
        }
    }

    @Test
    void oneCompiledQueryKeepsItsIdentityUntilATableItReadsChanges() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:h2shapes;DB_CLOSE_DELAY=-1");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE T (ID INT PRIMARY KEY, NAME VARCHAR(10))");
            s.execute("INSERT INTO T VALUES (1, 'a'), (2, 'b')");
            try (PreparedStatement byId = c.prepareStatement("SELECT ID, NAME FROM T WHERE ID = ?");
                 PreparedStatement sorted = c.prepareStatement("SELECT NAME, ID FROM T ORDER BY ID")) {
                byId.setInt(1, 1);
                Object first = identity(byId);
                assertThat(first).isNotNull();
                byId.setInt(1, 2);
                assertThat(identity(byId)).isSameAs(first);
                Object other = identity(sorted); // a fully materialized result
                assertThat(other).isNotNull().isNotSameAs(first);
                assertThat(identity(sorted)).isSameAs(other);

                s.execute("ALTER TABLE T ALTER COLUMN NAME VARCHAR(20)");
                Object recompiled = identity(byId);
                assertThat(recompiled).isNotNull().isNotSameAs(first);
                // the snapshot follows: a statement whose columns changed is captured again
                StatementMetadata statements = new StatementMetadata(ValueProfile.standard(), H2Shapes::identity);
                ResultMetadata before;
                try (ResultSet rs = byId.executeQuery()) {
                    before = statements.metadata("q", rs.getMetaData());
                }
                try (ResultSet rs = byId.executeQuery()) {
                    assertThat(statements.metadata("q", rs.getMetaData())).isSameAs(before);
                }
                s.execute("ALTER TABLE T ADD COLUMN EXTRA INT");
                s.execute("ALTER TABLE T ALTER COLUMN NAME VARCHAR(30)");
                try (ResultSet rs = byId.executeQuery()) {
                    ResultMetadata after = statements.metadata("q", rs.getMetaData());
                    assertThat(after).isNotSameAs(before);
                    assertThat(after.getPrecision(2)).isEqualTo(30);
                }
            } finally {
                s.execute("SHUTDOWN");
            }
        }
    }

    @Test
    void otherDriversHaveNone() throws SQLException {
        assertThat(H2Shapes.identity(null)).isNull();
        java.sql.ResultSetMetaData foreign = (java.sql.ResultSetMetaData) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {java.sql.ResultSetMetaData.class}, (p, m, a) -> 0);
        assertThat(H2Shapes.identity(foreign)).isNull();
    }
}
