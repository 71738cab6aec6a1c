package dev.cachet.driver.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads PostgreSQL's system catalogs of the current database (every schema but the system ones): views' base
 * relations from {@code pg_depend} of their {@code _RETURN} rule, cascading foreign keys from {@code pg_constraint},
 * partitions and inheritance from {@code pg_inherits}, other rules from {@code pg_rewrite}, and triggers from
 * {@code pg_trigger} — a trigger counts when its function is not one of PostgreSQL's own (foreign-key and
 * unique-recheck triggers are built in; user trigger functions may write anything). Materialized views get no
 * edges: they change only on {@code REFRESH}.
 */
final class PostgresCatalog {

    private static final String USER_NAMESPACE = " NOT IN ('pg_catalog', 'information_schema')"
            + " AND %s NOT LIKE 'pg_toast%%'";

    private PostgresCatalog() {
    }

    private static String user(String column) {
        return column + String.format(USER_NAMESPACE, column);
    }

    static void read(Connection c, TableDependencies.Builder b) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT c.relname FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND "
                    + user("n.nspname"))) {
                while (rs.next()) {
                    b.table(rs.getString(1));
                }
            }
            // views: relations their _RETURN rule depends on
            try (ResultSet rs = s.executeQuery("SELECT DISTINCT v.relname, t.relname FROM pg_rewrite r"
                    + " JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace"
                    + " JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
                    + " AND d.refclassid = 'pg_class'::regclass"
                    + " JOIN pg_class t ON t.oid = d.refobjid"
                    + " WHERE r.rulename = '_RETURN' AND v.relkind = 'v' AND t.oid <> v.oid"
                    + " AND t.relkind IN ('r', 'p', 'v', 'm', 'f') AND "
                    + user("vn.nspname"))) {
                while (rs.next()) {
                    b.view(rs.getString(1), rs.getString(2));
                }
            }
            // views calling user-defined functions may read any table
            try (ResultSet rs = s.executeQuery("SELECT DISTINCT v.relname FROM pg_rewrite r"
                    + " JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace"
                    + " JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
                    + " AND d.refclassid = 'pg_proc'::regclass"
                    + " JOIN pg_proc p ON p.oid = d.refobjid JOIN pg_namespace pn ON pn.oid = p.pronamespace"
                    + " WHERE r.rulename = '_RETURN' AND v.relkind = 'v' AND " + user("vn.nspname")
                    + " AND " + user("pn.nspname"))) {
                while (rs.next()) {
                    b.readsEverything(rs.getString(1));
                }
            }
            // cascading foreign keys: a=no action, r=restrict, c=cascade, n=set null, d=set default
            try (ResultSet rs = s.executeQuery("SELECT DISTINCT p.relname, ch.relname FROM pg_constraint k"
                    + " JOIN pg_class p ON p.oid = k.confrelid JOIN pg_class ch ON ch.oid = k.conrelid"
                    + " WHERE k.contype = 'f' AND (k.confdeltype IN ('c', 'n', 'd')"
                    + " OR k.confupdtype IN ('c', 'n', 'd'))")) {
                while (rs.next()) {
                    b.cascade(rs.getString(1), rs.getString(2));
                }
            }
            // partitions and inheritance children
            try (ResultSet rs = s.executeQuery("SELECT p.relname, ch.relname FROM pg_inherits i"
                    + " JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class ch ON ch.oid = i.inhrelid"
                    + " WHERE p.relkind IN ('r', 'p', 'f') AND ch.relkind IN ('r', 'p', 'f')")) {
                while (rs.next()) {
                    b.child(rs.getString(1), rs.getString(2));
                }
            }
            // rules other than views' own: a rule on T may write every relation it names
            try (ResultSet rs = s.executeQuery("SELECT DISTINCT t.relname, u.relname FROM pg_rewrite r"
                    + " JOIN pg_class t ON t.oid = r.ev_class"
                    + " JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
                    + " AND d.refclassid = 'pg_class'::regclass"
                    + " JOIN pg_class u ON u.oid = d.refobjid"
                    + " WHERE r.rulename <> '_RETURN' AND u.oid <> t.oid AND u.relkind IN ('r', 'p', 'v', 'm', 'f')")) {
                while (rs.next()) {
                    b.writeEdge(rs.getString(1), rs.getString(2));
                }
            }
            // rules calling user-defined functions may write anything
            try (ResultSet rs = s.executeQuery("SELECT DISTINCT t.relname FROM pg_rewrite r"
                    + " JOIN pg_class t ON t.oid = r.ev_class"
                    + " JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
                    + " AND d.refclassid = 'pg_proc'::regclass"
                    + " JOIN pg_proc p ON p.oid = d.refobjid JOIN pg_namespace pn ON pn.oid = p.pronamespace"
                    + " WHERE r.rulename <> '_RETURN' AND " + user("pn.nspname"))) {
                while (rs.next()) {
                    b.opaque(rs.getString(1));
                }
            }
            // triggers whose function is a user's
            try (ResultSet rs = s.executeQuery("SELECT DISTINCT t.relname FROM pg_trigger g"
                    + " JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_proc p ON p.oid = g.tgfoid"
                    + " JOIN pg_namespace pn ON pn.oid = p.pronamespace WHERE " + user("pn.nspname"))) {
                while (rs.next()) {
                    b.opaque(rs.getString(1));
                }
            }
        }
    }
}
