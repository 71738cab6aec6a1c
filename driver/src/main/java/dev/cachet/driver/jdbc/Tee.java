package dev.cachet.driver.jdbc;

import dev.cachet.cache.FillTicket;
import dev.cachet.cache.ResultCache;
import dev.cachet.cache.ValueProfile;
import dev.cachet.parser.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Hands a real result set to the cache's tee with the value profile of the cluster's real driver (DESIGN §8): the
 * standard profile (JDBC's conversions, as H2 does them) for H2, pgjdbc's and MariaDB Connector/J's own profiles for
 * those drivers, and the generic one (which keeps the driver's own {@code getString} renderings) for any other.
 */
final class Tee {

    private Tee() {
    }

    static ValueProfile profileFor(Dialect dialect) {
        return dialect == Dialect.H2 ? ValueProfile.standard() : ValueProfile.generic();
    }

    /**
     * The profile that reproduces the driver named {@code driverName} ({@code DatabaseMetaData.getDriverName()}, a
     * constant in every driver, so asking costs no round trip); the dialect's default for a driver without one.
     */
    static ValueProfile profileFor(Dialect dialect, String driverName) {
        String name = driverName == null ? "" : driverName.toLowerCase(java.util.Locale.ROOT);
        if (name.startsWith("postgresql")) {
            return dev.cachet.driver.profile.PgJdbcProfile.INSTANCE;
        }
        if (name.startsWith("mariadb")) {
            return dev.cachet.driver.profile.MariaDbProfile.INSTANCE;
        }
        if (name.startsWith("h2")) {
            return ValueProfile.standard();
        }
        return profileFor(dialect);
    }

    static ResultSet wrap(ResultSet real, Statement owner, FillTicket ticket, ResultCache cache, ValueProfile profile)
            throws SQLException {
        return dev.cachet.cache.ResultTee.wrap(real, owner, ticket, cache, profile);
    }
}
