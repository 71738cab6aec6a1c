package dev.cachet.driver;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The real URLs Cachet derives are accepted by the real drivers, with their own parameters intact. */
class RealUrlIT {

    @Test
    void postgresqlRealAndReplicaUrlsConnect() throws SQLException {
        CachetUrl url = CachetUrl.parse("jdbc:cachet:postgresql://127.0.0.1:5432,127.0.0.1:5432/postgres"
                + "?cachet.ttl=30s&user=postgres&ApplicationName=cachet%20it&targetServerType=primary"
                + "&cachet.replicas=127.0.0.1:5432");
        assertThat(url.realUrl()).doesNotContain("cachet.");
        try (Connection c = DriverManager.getConnection(url.realUrl())) {
            assertThat(single(c, "SHOW application_name")).isEqualTo("cachet it");
        }
        String replica = url.withHost(CachetSettings.resolve(null, url.cachetParameters()).replicas().get(0));
        assertThat(replica).isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"
                + "&ApplicationName=cachet%20it");
        try (Connection c = DriverManager.getConnection(replica)) {
            assertThat(single(c, "SELECT current_database()")).isEqualTo("postgres");
        }
    }

    @Test
    void mariadbRealUrlConnects() throws SQLException {
        CachetUrl url = CachetUrl.parse("jdbc:cachet:mariadb://127.0.0.1:3306/mysql?user=root&cachet.maxBytes=1MB"
                + "&sessionVariables=sql_mode='ANSI_QUOTES'");
        assertThat(url.realUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/mysql?user=root"
                + "&sessionVariables=sql_mode='ANSI_QUOTES'");
        try (Connection c = DriverManager.getConnection(url.realUrl())) {
            assertThat(single(c, "SELECT DATABASE()")).isEqualTo("mysql");
            assertThat(single(c, "SELECT @@sql_mode")).contains("ANSI_QUOTES");
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
