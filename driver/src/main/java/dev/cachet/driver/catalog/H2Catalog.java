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

/** Reads H2's INFORMATION_SCHEMA (H2 2.x): tables, views' definitions, synonyms, cascading foreign keys, triggers. */
final class H2Catalog {

    private static final String SYSTEM = "'INFORMATION_SCHEMA'";

    private H2Catalog() {
    }

    static void read(Connection c, TableDependencies.Builder b) throws SQLException {
        try (Statement s = c.createStatement()) {
            Set<String> tables = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_SCHEMA <> " + SYSTEM)) {
                while (rs.next()) {
                    String t = rs.getString(1);
                    b.table(t);
                    tables.add(t.toLowerCase(Locale.ROOT));
                }
            }
            Set<String> routines = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT ROUTINE_NAME FROM INFORMATION_SCHEMA.ROUTINES"
                    + " WHERE ROUTINE_SCHEMA <> " + SYSTEM)) {
                while (rs.next()) {
                    routines.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
            Map<String, String> views = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME, VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS"
                    + " WHERE TABLE_SCHEMA <> " + SYSTEM)) {
                while (rs.next()) {
                    views.merge(rs.getString(1), nullToEmpty(rs.getString(2)), (a, x) -> a + "\n" + x);
                }
            }
            views.forEach((v, def) -> ViewDefinitions.add(b, v, def, tables, routines));
            // a synonym is another name for its table: reads and writes through it are the table's
            try (ResultSet rs = s.executeQuery("SELECT SYNONYM_NAME, SYNONYM_FOR FROM INFORMATION_SCHEMA.SYNONYMS")) {
                while (rs.next()) {
                    b.view(rs.getString(1), rs.getString(2));
                    b.view(rs.getString(2), rs.getString(1));
                }
            }
            readForeignKeys(s, b);
            try (ResultSet rs = s.executeQuery("SELECT EVENT_OBJECT_TABLE FROM INFORMATION_SCHEMA.TRIGGERS"
                    + " WHERE EVENT_OBJECT_SCHEMA <> " + SYSTEM)) {
                while (rs.next()) {
                    b.opaque(rs.getString(1));
                }
            }
        }
    }

    /** Standard INFORMATION_SCHEMA form, shared with databases that follow it. */
    static void readForeignKeys(Statement s, TableDependencies.Builder b) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT tc.TABLE_NAME, pk.TABLE_NAME, rc.UPDATE_RULE, rc.DELETE_RULE"
                + " FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc"
                + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA"
                + " AND tc.CONSTRAINT_NAME = rc.CONSTRAINT_NAME"
                + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS pk ON pk.CONSTRAINT_SCHEMA = rc.UNIQUE_CONSTRAINT_SCHEMA"
                + " AND pk.CONSTRAINT_NAME = rc.UNIQUE_CONSTRAINT_NAME")) {
            while (rs.next()) {
                if (changesChild(rs.getString(3)) || changesChild(rs.getString(4))) {
                    b.cascade(rs.getString(2), rs.getString(1));
                }
            }
        }
    }

    /** CASCADE, SET NULL and SET DEFAULT change the referencing rows; NO ACTION and RESTRICT only refuse. */
    static boolean changesChild(String rule) {
        if (rule == null) {
            return false;
        }
        String r = rule.trim().toUpperCase(Locale.ROOT);
        return r.equals("CASCADE") || r.equals("SET NULL") || r.equals("SET DEFAULT");
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
