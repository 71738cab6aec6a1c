package dev.cachet.driver.catalog;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Any other database, through {@link DatabaseMetaData} only: its tables and views. JDBC cannot list triggers or
 * views' base tables, so every view reads every table, and every table counts as having a trigger Cachet cannot
 * see (a write to it invalidates everything) unless {@code cachet.dependencies} covers it.
 */
final class GenericCatalog {

    private GenericCatalog() {
    }

    static void read(Connection c, TableDependencies.Builder b) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getTables(null, null, "%", new String[]{"TABLE", "VIEW"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                b.table(name);
                if ("VIEW".equalsIgnoreCase(rs.getString("TABLE_TYPE"))) {
                    b.readsEverything(name);
                }
            }
        }
        b.everyTableOpaque();
    }
}
