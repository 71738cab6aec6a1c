package dev.cachet.driver.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads MySQL's and MariaDB's information_schema over every non-system database: tables, views' definitions,
 * cascading foreign keys, triggers. MariaDB has no VIEW_TABLE_USAGE, so views are read from their definitions on
 * both (a definition hidden from the user — no SHOW VIEW privilege — makes the view read every table).
 * information_schema.TRIGGERS lists only triggers the user may see: connect with a user holding the TRIGGER
 * privilege, or declare the tables in {@code cachet.dependencies}.
 */
final class MySqlCatalog {

    private static final String NOT_SYSTEM = " NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')";

    private MySqlCatalog() {
    }

    static void read(Connection c, TableDependencies.Builder b) throws SQLException {
        try (Statement s = c.createStatement()) {
            Set<String> tables = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA" + NOT_SYSTEM)) {
                while (rs.next()) {
                    b.table(rs.getString(1));
                    tables.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
            Set<String> routines = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT ROUTINE_NAME FROM information_schema.ROUTINES"
                    + " WHERE ROUTINE_SCHEMA" + NOT_SYSTEM)) {
                while (rs.next()) {
                    routines.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
            Map<String, String> views = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS"
                    + " WHERE TABLE_SCHEMA" + NOT_SYSTEM)) {
                while (rs.next()) {
                    String def = rs.getString(2);
                    views.merge(rs.getString(1), def == null ? "" : def, (a, x) -> a + "\n" + x);
                }
            }
            views.forEach((v, def) -> ViewDefinitions.add(b, v, def, tables, routines));
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME, REFERENCED_TABLE_NAME, UPDATE_RULE, DELETE_RULE"
                    + " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA" + NOT_SYSTEM)) {
                while (rs.next()) {
                    if (H2Catalog.changesChild(rs.getString(3)) || H2Catalog.changesChild(rs.getString(4))) {
                        b.cascade(rs.getString(2), rs.getString(1));
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS"
                    + " WHERE EVENT_OBJECT_SCHEMA" + NOT_SYSTEM)) {
                while (rs.next()) {
                    b.opaque(rs.getString(1));
                }
            }
        }
    }
}
