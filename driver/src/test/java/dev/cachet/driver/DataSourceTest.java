package dev.cachet.driver;

import static dev.cachet.driver.H2Database.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.driver.jdbc.CachetConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** CachetDataSource in URL mode and wrapping another DataSource. */
class DataSourceTest {

    @Test
    void urlModeOpensCachetConnections() throws SQLException {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t(id INT, v VARCHAR(5))", "INSERT INTO t VALUES (1, 'a')");
            CachetDataSource ds = new CachetDataSource();
            ds.setUrl(db.realUrl); // gets the prefix
            assertThat(ds.getUrl()).startsWith("jdbc:cachet:h2:");
            ds.setUser("");
            ds.setPassword("");
            Properties p = new Properties();
            p.setProperty("cachet.ttl", "1m");
            ds.setProperties(p);
            ds.setLoginTimeout(5);
            assertThat(ds.getLoginTimeout()).isEqualTo(5);
            for (int i = 0; i < 3; i++) {
                try (Connection c = ds.getConnection()) {
                    assertThat(c).isInstanceOf(CachetConnection.class);
                    assertThat(value(c, "SELECT v FROM t")).isEqualTo("a");
                }
            }
            assertThat(db.executions("SELECT v FROM t")).isEqualTo(1);
            assertThat(Cachet.cluster(ds).statistics().hits()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void wrapsAnExistingDataSource() throws SQLException {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t(id INT, v VARCHAR(5))", "INSERT INTO t VALUES (1, 'a')");
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(db.realUrl);
            CachetDataSource ds = new CachetDataSource(h2);
            for (int i = 0; i < 3; i++) {
                try (Connection c = ds.getConnection()) {
                    assertThat(value(c, "SELECT v FROM t")).isEqualTo("a");
                    assertThat(c.unwrap(org.h2.jdbc.JdbcConnection.class)).isNotNull();
                }
            }
            try (Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE t SET v = 'b'");
                assertThat(value(c, "SELECT v FROM t")).isEqualTo("b");
                assertThat(Cachet.cluster(c).id()).startsWith("h2:");
            }
            assertThat(db.executions("SELECT v FROM t")).isEqualTo(2);
            assertThat(ds.unwrap(JdbcDataSource.class)).isSameAs(h2);
            assertThat(ds.isWrapperFor(JdbcDataSource.class)).isTrue();
            assertThat(ds.isWrapperFor(String.class)).isFalse();
        }
    }

    @Test
    void unconfiguredDataSourceFailsClearly() {
        assertThatThrownBy(() -> new CachetDataSource().getConnection())
                .isInstanceOf(SQLException.class).hasMessageContaining("neither a URL");
    }

    @Test
    void aWrappedDataSourceAndAUrlToTheSameDatabaseShareOneCluster() throws SQLException {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t(id INT, v VARCHAR(5))", "INSERT INTO t VALUES (1, 'a')");
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(db.realUrl);
            try (Connection wrapped = new CachetDataSource(h2).getConnection(); Connection byUrl = db.cachet();
                 java.sql.Statement s = wrapped.createStatement()) {
                assertThat(Cachet.cluster(wrapped)).isEqualTo(Cachet.cluster(byUrl));
                assertThat(value(byUrl, "SELECT v FROM t")).isEqualTo("a");
                s.executeUpdate("UPDATE t SET v = 'b'");
                assertThat(value(byUrl, "SELECT v FROM t")).isEqualTo("b");
            }
        }
    }
}
