package dev.cachet.driver.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The real driver's {@link DatabaseMetaData} with {@link #getConnection()} returning Cachet's connection. Catalog
 * result sets come from the real driver (they are never cached), wrapped so that their {@code getStatement()} is
 * null — as JDBC allows for metadata results — rather than the real driver's statement.
 */
public final class CachetDatabaseMetaData extends DelegatingDatabaseMetaData {

    private final CachetConnection connection;

    CachetDatabaseMetaData(CachetConnection connection, DatabaseMetaData delegate) {
        super(delegate);
        this.connection = connection;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connection;
    }

    @Override
    protected ResultSet wrap(ResultSet real) {
        return real == null ? null : new CachetResultSet(null, real, null);
    }
}
