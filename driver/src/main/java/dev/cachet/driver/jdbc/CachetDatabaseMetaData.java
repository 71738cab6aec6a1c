package dev.cachet.driver.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/**
 * The real driver's {@link DatabaseMetaData} with {@link #getConnection()} returning Cachet's connection. Catalog
 * result sets come straight from the real driver (they are never cached).
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
}
