package dev.cachet.driver.jdbc;

import java.sql.ResultSet;

/**
 * How a statement was created: its result set type and concurrency, and for a prepared or callable statement its SQL.
 *
 * @param resultSetType  {@link ResultSet#TYPE_FORWARD_ONLY} and the others; part of the cache key
 * @param concurrency    {@link ResultSet#CONCUR_READ_ONLY} or {@link ResultSet#CONCUR_UPDATABLE} (never cached)
 * @param sql            the prepared SQL, or null for a plain statement
 */
record StatementOptions(int resultSetType, int concurrency, String sql) {

    static final StatementOptions PLAIN = new StatementOptions(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, null);

    static StatementOptions prepared(String sql) {
        return new StatementOptions(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, sql);
    }

    boolean updatable() {
        return concurrency == ResultSet.CONCUR_UPDATABLE;
    }
}
