package dev.cachet.driver.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.CachetSettings;
import dev.cachet.parser.Dialect;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Connect and socket timeouts on the physical connections of a cluster with replicas (DESIGN §9). */
class TimeoutsTest {

    private static CachetSettings settings(String connect, String socket) throws Exception {
        Properties p = new Properties();
        p.setProperty("cachet.connectTimeout", connect);
        p.setProperty("cachet.socketTimeout", socket);
        return CachetSettings.resolve(p, Map.of());
    }

    @Test
    void pgjdbcGetsSecondsRoundedUp() throws Exception {
        Properties out = Timeouts.apply(new Properties(), "jdbc:postgresql://h/db", Dialect.POSTGRESQL,
                settings("1500ms", "30s"));
        assertThat(out.getProperty("connectTimeout")).isEqualTo("2");
        assertThat(out.getProperty("loginTimeout")).isEqualTo("2");
        assertThat(out.getProperty("socketTimeout")).isEqualTo("30");
    }

    @Test
    void probeConnectionsGetAShortSocketTimeout() throws Exception {
        Properties out = Timeouts.forProbes(new Properties(), "jdbc:postgresql://h/db", Dialect.POSTGRESQL,
                settings("1s", "5m"));
        assertThat(out.getProperty("socketTimeout")).isEqualTo("5");
        assertThat(Timeouts.forProbes(new Properties(), "jdbc:postgresql://h/db", Dialect.POSTGRESQL,
                settings("1s", "2s")).getProperty("socketTimeout")).isEqualTo("2");
    }

    @Test
    void mariaDbGetsMilliseconds() throws Exception {
        Properties out = Timeouts.apply(new Properties(), "jdbc:mariadb://h/db", Dialect.MYSQL, settings("3s", "1m"));
        assertThat(out.getProperty("connectTimeout")).isEqualTo("3000");
        assertThat(out.getProperty("socketTimeout")).isEqualTo("60000");
    }

    @Test
    void whatTheApplicationSetWins() throws Exception {
        Properties given = new Properties();
        given.setProperty("SOCKETTIMEOUT", "99");
        given.setProperty("user", "u");
        Properties out = Timeouts.apply(given, "jdbc:postgresql://h/db?connectTimeout=7", Dialect.POSTGRESQL,
                settings("3s", "1m"));
        assertThat(out.getProperty("SOCKETTIMEOUT")).isEqualTo("99");
        assertThat(out.getProperty("socketTimeout")).isNull();
        assertThat(out.getProperty("connectTimeout")).isNull();
        assertThat(out.getProperty("user")).isEqualTo("u");
        assertThat(given.getProperty("loginTimeout")).as("the given properties are not changed").isNull();
    }
}
