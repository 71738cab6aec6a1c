package dev.cachet.cache;

import static dev.cachet.cache.TestResults.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The built-in profiles share a statement's metadata and codecs between fills while the facts match. */
class StatementMetadataTest {

    private static MaterializedResult fill(Connection c, ResultCache cache, String sql) throws SQLException {
        QueryKey k = key(sql);
        try (Statement s = c.createStatement()) {
            FillTicket t = cache.beginFill(k, Set.of(), null);
            try (ResultSet rs = ResultTee.wrap(s.executeQuery(sql), s, t, cache, ValueProfile.standard())) {
                while (rs.next()) {
                    rs.getObject(1);
                }
            }
        }
        MaterializedResult r = cache.get(k);
        cache.invalidateAll();
        return r;
    }

    @Test
    void aStatementSharesItsSnapshotUntilItsColumnsChange() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:stmtmeta");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE T (ID INT, NAME VARCHAR(10))");
            s.execute("INSERT INTO T VALUES (1, 'a'), (2, 'b')");
            ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
            String sql = "SELECT * FROM T ORDER BY ID";
            MaterializedResult first = fill(c, cache, sql);
            MaterializedResult second = fill(c, cache, sql);
            assertThat(second.metadata()).isSameAs(first.metadata());
            assertThat(second.codecs()).isSameAs(first.codecs());
            assertThat(second.rowCount()).isEqualTo(2);

            s.execute("ALTER TABLE T ALTER COLUMN NAME VARCHAR(20)"); // same label and type, other precision
            MaterializedResult widened = fill(c, cache, sql);
            assertThat(widened.metadata()).isNotSameAs(first.metadata());
            assertThat(widened.metadata().getPrecision(2)).isEqualTo(20);

            s.execute("ALTER TABLE T ADD COLUMN EXTRA INT");
            MaterializedResult added = fill(c, cache, sql);
            assertThat(added.metadata().getColumnCount()).isEqualTo(3);
            ResultSet rs = added.toResultSet(null);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getObject(3)).isNull();
        }
    }

    @Test
    void theSameTextOverAnotherSchemaIsCapturedAgain() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:stmtmeta2");
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA A");
            s.execute("CREATE SCHEMA B");
            s.execute("CREATE TABLE A.T (V INT)");
            s.execute("CREATE TABLE B.T (V INT)");
            s.execute("INSERT INTO A.T VALUES (1)");
            s.execute("INSERT INTO B.T VALUES (2)");
            ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
            String sql = "SELECT V FROM T";
            s.execute("SET SCHEMA A");
            MaterializedResult a = fill(c, cache, sql);
            s.execute("SET SCHEMA B");
            MaterializedResult b = fill(c, cache, sql);
            assertThat(a.metadata().getSchemaName(1)).isEqualTo("A");
            assertThat(b.metadata().getSchemaName(1)).isEqualTo("B");
        }
    }

    @Test
    void decimalsReadAsH2RendersThemWithAndWithoutExponent() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:decimals");
                Statement s = c.createStatement()) {
            ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
            String sql = "SELECT CAST(1.25 AS DECIMAL(12, 2)), CAST(0.00000001 AS DECIMAL(20, 10)), "
                    + "CAST(-0.0000001 AS NUMERIC(20, 7)), CAST(1E+3 AS NUMERIC(10, 0)), CAST(0 AS DECIMAL(5, 3)), "
                    + "CAST(12345678901234567890.5 AS NUMERIC(30, 1)), CAST(NULL AS DECIMAL(5, 1))";
            MaterializedResult r = fill(c, cache, sql);
            ResultSet cached = r.toResultSet(null);
            try (ResultSet live = s.executeQuery(sql)) {
                assertThat(live.next()).isTrue();
                assertThat(cached.next()).isTrue();
                for (int i = 1; i <= 7; i++) {
                    assertThat(cached.getString(i)).as("column %d", i).isEqualTo(live.getString(i));
                    assertThat(cached.getBigDecimal(i)).as("column %d", i).isEqualTo(live.getBigDecimal(i));
                }
            }
        }
    }
}
