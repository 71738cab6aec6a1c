package dev.cachet.driver.jdbc;

import dev.cachet.cache.FillTicket;
import dev.cachet.cache.ResultCache;
import dev.cachet.cache.ValueProfile;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Hands a real result set to the cache's tee with the value profile of the cluster's driver. */
final class Tee {

    private static final ValueProfile STANDARD = ValueProfile.standard();

    private Tee() {
    }

    static ResultSet wrap(ResultSet real, Statement owner, FillTicket ticket, ResultCache cache) throws SQLException {
        return dev.cachet.cache.ResultTee.wrap(real, owner, ticket, cache, STANDARD);
    }
}
