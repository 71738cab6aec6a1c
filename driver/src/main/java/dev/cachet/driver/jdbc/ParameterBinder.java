package dev.cachet.driver.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * One setter call of the application, kept to be made on the real statement an execution runs on: a stream, LOB or
 * array parameter of a statement prepared on a replica, which cannot be read once on the replica and again on the
 * primary, so it is bound only where the execution goes (DESIGN §9).
 */
@FunctionalInterface
interface ParameterBinder {

    void bind(PreparedStatement physical) throws SQLException;
}
