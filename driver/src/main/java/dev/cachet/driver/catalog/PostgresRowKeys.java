package dev.cachet.driver.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads PostgreSQL's primary keys and the facts that keep a table at table level (see {@link RowKeys}): triggers
 * other than the internal foreign-key ones, rules, partitions and inheritance, cascading foreign keys that reference
 * it, generated key columns, names shared by several relations of the user schemas.
 */
final class PostgresRowKeys {

    private static final String USER = " NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";

    private PostgresRowKeys() {
    }

    static void read(Connection connection, RowKeys.Collector c) throws SQLException {
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT c.relname, a.attname, t.typname, co.collname, a.attgenerated"
                    + " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)"
                    + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum"
                    + " JOIN pg_type t ON t.oid = a.atttypid"
                    + " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
                    + " WHERE i.indisprimary AND c.relkind = 'r' AND n.nspname" + USER
                    + " ORDER BY c.oid, k.ord")) {
                while (rs.next()) {
                    String generated = rs.getString(5);
                    RowKeys.KeyColumn column = generated != null && !generated.isEmpty() ? null
                            : column(rs.getString(2), rs.getString(3), rs.getString(4));
                    c.keyColumn(rs.getString(1), column);
                }
            }
            // unique indexes and exclusion constraints, partial and expression ones included
            try (ResultSet rs = s.executeQuery("SELECT c.relname, count(*) FROM pg_index i"
                    + " JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE (i.indisunique OR i.indisexclusion) AND n.nspname" + USER
                    + " GROUP BY c.oid, c.relname")) {
                while (rs.next()) {
                    c.uniqueCount(rs.getString(1), rs.getInt(2));
                }
            }
            exclude(s, c, "SELECT lower(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname" + USER
                    + " GROUP BY lower(c.relname) HAVING count(*) > 1");
            exclude(s, c, "SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid"
                    + " WHERE NOT g.tgisinternal");
            exclude(s, c, "SELECT c.relname FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"
                    + " WHERE r.rulename <> '_RETURN'");
            exclude(s, c, "SELECT p.relname FROM pg_constraint k JOIN pg_class p ON p.oid = k.confrelid"
                    + " WHERE k.contype = 'f' AND (k.confdeltype IN ('c', 'n', 'd') OR k.confupdtype IN ('c', 'n', 'd'))");
            exclude(s, c, "SELECT c.relname FROM pg_inherits i JOIN pg_class c"
                    + " ON c.oid = i.inhrelid OR c.oid = i.inhparent");
            exclude(s, c, "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind = 'r' AND n.nspname" + USER
                    + " GROUP BY c.oid, c.relname, lower(a.attname) HAVING count(*) > 1");
        }
    }

    private static void exclude(Statement s, RowKeys.Collector c, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                c.exclude(rs.getString(1));
            }
        }
    }

    /** Integers; text and varchar under a deterministic collation; nothing else (domains, char(n), numeric, uuid …). */
    static RowKeys.KeyColumn column(String name, String type, String collation) {
        switch (type) {
            case "int2":
                return RowKeys.KeyColumn.integer(name, Short.MIN_VALUE, Short.MAX_VALUE, false);
            case "int4":
                return RowKeys.KeyColumn.integer(name, Integer.MIN_VALUE, Integer.MAX_VALUE, false);
            case "int8":
                return RowKeys.KeyColumn.integer(name, Long.MIN_VALUE, Long.MAX_VALUE, false);
            case "text":
            case "varchar":
                return "default".equals(collation) || "C".equals(collation) || "POSIX".equals(collation)
                        ? RowKeys.KeyColumn.string(name) : null;
            default:
                return null;
        }
    }
}
