package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.driver.jdbc.CachetConnection;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The driver: URL handling, registration, the real driver, property info, settings errors. */
class DriverTest {

    @Test
    void isRegisteredWithDriverManagerAndAsAService() throws SQLException {
        assertThat(DriverManager.getDriver("jdbc:cachet:h2:mem:x")).isInstanceOf(CachetDriver.class);
        assertThat(StreamSupport.stream(ServiceLoader.load(Driver.class).spliterator(), false))
                .anyMatch(d -> d instanceof CachetDriver);
    }

    @Test
    void acceptsOnlyCachetUrlsAndReturnsNullForOthers() throws SQLException {
        CachetDriver d = CachetDriver.instance();
        assertThat(d.acceptsURL("jdbc:cachet:h2:mem:x")).isTrue();
        assertThat(d.acceptsURL("JDBC:CACHET:h2:mem:x")).isTrue();
        assertThat(d.acceptsURL("jdbc:h2:mem:x")).isFalse();
        assertThat(d.acceptsURL(null)).isFalse();
        assertThat(d.connect("jdbc:h2:mem:x", new Properties())).isNull();
        assertThat(d.getMajorVersion()).isZero();
        assertThat(d.getMinorVersion()).isEqualTo(1);
        assertThat(d.jdbcCompliant()).isFalse();
        assertThat(d.getParentLogger()).isNotNull();
    }

    @Test
    void connectsThroughTheRealDriverWithCachetParametersRemoved() throws SQLException {
        try (H2Database db = new H2Database()) {
            try (Connection c = DriverManager.getConnection(db.cachetUrl + ";cachet.ttl=5s")) {
                assertThat(c).isInstanceOf(CachetConnection.class);
                Connection real = c.unwrap(org.h2.jdbc.JdbcConnection.class);
                assertThat(real).isNotNull();
                assertThat(c.isWrapperFor(org.h2.jdbc.JdbcConnection.class)).isTrue();
                assertThat(c.unwrap(Connection.class)).isSameAs(c);
                assertThat(c.getMetaData().getURL()).doesNotContain("cachet.ttl").doesNotContain("jdbc:cachet:");
                assertThat(c.getMetaData().getConnection()).isSameAs(c);
                assertThat(Cachet.cluster(c).id()).contains(db.name);
            }
        }
    }

    @Test
    void badSettingsFailConnectNamingTheSetting() throws SQLException {
        try (H2Database db = new H2Database()) {
            Properties p = new Properties();
            p.setProperty("cachet.ttl", "soon");
            assertThatThrownBy(() -> DriverManager.getConnection(db.cachetUrl, p))
                    .isInstanceOf(SQLException.class).hasMessageContaining("cachet.ttl");
        }
    }

    @Test
    void realDriverErrorsPassThroughUnchanged() throws SQLException {
        try (H2Database db = new H2Database()) {
            Properties p = new Properties();
            p.setProperty("user", "nobody");
            p.setProperty("password", "wrong");
            assertThatThrownBy(() -> DriverManager.getConnection(db.cachetUrl, p))
                    .isInstanceOf(org.h2.jdbc.JdbcSQLInvalidAuthorizationSpecException.class);
            String direct;
            try (Connection d = db.direct(); java.sql.Statement s = d.createStatement()) {
                direct = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class,
                        () -> s.executeQuery("SELECT * FROM no_such_table")).getSQLState();
            }
            try (Connection c = db.cachet(); java.sql.Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT * FROM no_such_table"))
                        .isInstanceOf(org.h2.jdbc.JdbcSQLSyntaxErrorException.class)
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(direct);
            }
        }
    }

    @Test
    void propertyInfoComesFromTheRealDriverPlusCachetSettings() throws SQLException {
        DriverPropertyInfo[] info = CachetDriver.instance().getPropertyInfo("jdbc:cachet:h2:mem:x", new Properties());
        assertThat(Arrays.stream(info).map(i -> i.name)).contains("cachet.ttl", "cachet.enabled");
        DriverPropertyInfo[] real = new org.h2.Driver().getPropertyInfo("jdbc:h2:mem:x", new Properties());
        assertThat(info.length).isGreaterThan(real.length);
        assertThat(CachetDriver.instance().getPropertyInfo("jdbc:h2:mem:x", new Properties())).isEmpty();
    }

    @Test
    void findsTheRealDriverThroughTheContextClassLoaderWhenDriverManagerHidesIt() throws SQLException {
        // DriverManager cannot see a driver that is not registered; the context class loader's services can
        try (H2Database db = new H2Database()) {
            Driver h2 = DriverManager.getDriver("jdbc:h2:mem:x");
            DriverManager.deregisterDriver(h2);
            try (Connection c = db.cachet()) {
                assertThat(H2Database.value(c, "SELECT 1")).isEqualTo("1");
            } finally {
                DriverManager.registerDriver(h2);
            }
        }
    }

    @Test
    void aMissingRealDriverIsAClearError() {
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:cachet:nosuchdb://localhost/x"))
                .isInstanceOf(SQLException.class).hasMessageContaining("no JDBC driver")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("08001");
    }
}
