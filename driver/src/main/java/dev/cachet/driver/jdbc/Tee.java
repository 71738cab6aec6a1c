package dev.cachet.driver.jdbc;

import dev.cachet.cache.FillTicket;
import dev.cachet.cache.ResultCache;
import dev.cachet.cache.ValueProfile;
import dev.cachet.parser.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Hands a real result set to the cache's tee with the value profile of the cluster's driver: the standard profile
 * (JDBC's conversions, as H2 does them) for H2, the generic one (which keeps the driver's own {@code getString}
 * renderings) for the others until they have a profile of their own.
 */
final class Tee {

    private Tee() {
    }

    static ValueProfile profileFor(Dialect dialect) {
        return dialect == Dialect.H2 ? ValueProfile.standard() : ValueProfile.generic();
    }

    static ResultSet wrap(ResultSet real, Statement owner, FillTicket ticket, ResultCache cache, ValueProfile profile)
            throws SQLException {
        return dev.cachet.cache.ResultTee.wrap(real, owner, ticket, cache, profile);
    }
}
