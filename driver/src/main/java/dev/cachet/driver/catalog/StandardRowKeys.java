package dev.cachet.driver.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Reads primary keys and the facts that keep a table at table level (see {@link RowKeys}) from the
 * {@code INFORMATION_SCHEMA} of H2 2.x and of MySQL/MariaDB. Only integer key columns are row keys here: MySQL's and
 * MariaDB's string collations ignore case and trailing spaces, and H2's comparison follows {@code SET COLLATION}.
 */
final class StandardRowKeys {

    private static final String MYSQL_USER = " NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')";
    private static final String H2_USER = " <> 'INFORMATION_SCHEMA'";

    private StandardRowKeys() {
    }

    static void readH2(Connection connection, RowKeys.Collector c) throws SQLException {
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT k.TABLE_NAME, k.COLUMN_NAME, col.DATA_TYPE, col.IS_GENERATED"
                    + " FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc"
                    + " JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA"
                    + " AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME"
                    + " JOIN INFORMATION_SCHEMA.COLUMNS col ON col.TABLE_SCHEMA = k.TABLE_SCHEMA"
                    + " AND col.TABLE_NAME = k.TABLE_NAME AND col.COLUMN_NAME = k.COLUMN_NAME"
                    + " JOIN INFORMATION_SCHEMA.TABLES t ON t.TABLE_SCHEMA = k.TABLE_SCHEMA AND t.TABLE_NAME = k.TABLE_NAME"
                    + " WHERE tc.CONSTRAINT_TYPE = 'PRIMARY KEY' AND t.TABLE_TYPE = 'BASE TABLE'"
                    + " AND tc.TABLE_SCHEMA" + H2_USER
                    + " ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.ORDINAL_POSITION")) {
                while (rs.next()) {
                    boolean generated = "ALWAYS".equalsIgnoreCase(rs.getString(4));
                    c.keyColumn(rs.getString(1), generated ? null : integer(rs.getString(2), rs.getString(3), false,
                            false));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME, COUNT(*) FROM INFORMATION_SCHEMA.INDEXES"
                    + " WHERE INDEX_TYPE_NAME IN ('PRIMARY KEY', 'UNIQUE INDEX') AND TABLE_SCHEMA" + H2_USER
                    + " GROUP BY TABLE_SCHEMA, TABLE_NAME")) {
                while (rs.next()) {
                    c.uniqueCount(rs.getString(1), rs.getInt(2));
                }
            }
            exclude(s, c, "SELECT LOWER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA" + H2_USER
                    + " GROUP BY LOWER(TABLE_NAME) HAVING COUNT(*) > 1");
            exclude(s, c, "SELECT SYNONYM_NAME FROM INFORMATION_SCHEMA.SYNONYMS");
            exclude(s, c, "SELECT EVENT_OBJECT_TABLE FROM INFORMATION_SCHEMA.TRIGGERS");
            exclude(s, c, "SELECT pk.TABLE_NAME FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc"
                    + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS pk ON pk.CONSTRAINT_SCHEMA = rc.UNIQUE_CONSTRAINT_SCHEMA"
                    + " AND pk.CONSTRAINT_NAME = rc.UNIQUE_CONSTRAINT_NAME"
                    + " WHERE rc.UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')"
                    + " OR rc.DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')");
            exclude(s, c, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA" + H2_USER
                    + " GROUP BY TABLE_SCHEMA, TABLE_NAME, LOWER(COLUMN_NAME) HAVING COUNT(*) > 1");
        }
    }

    static void readMySql(Connection connection, RowKeys.Collector c) throws SQLException {
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT st.TABLE_NAME, st.COLUMN_NAME, col.DATA_TYPE, col.EXTRA,"
                    + " col.COLUMN_TYPE"
                    + " FROM information_schema.STATISTICS st"
                    + " JOIN information_schema.COLUMNS col ON col.TABLE_SCHEMA = st.TABLE_SCHEMA"
                    + " AND col.TABLE_NAME = st.TABLE_NAME AND col.COLUMN_NAME = st.COLUMN_NAME"
                    + " JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = st.TABLE_SCHEMA"
                    + " AND t.TABLE_NAME = st.TABLE_NAME"
                    + " WHERE st.INDEX_NAME = 'PRIMARY' AND t.TABLE_TYPE = 'BASE TABLE' AND st.TABLE_SCHEMA" + MYSQL_USER
                    + " ORDER BY st.TABLE_SCHEMA, st.TABLE_NAME, st.SEQ_IN_INDEX")) {
                while (rs.next()) {
                    String extra = rs.getString(4) == null ? "" : rs.getString(4).toUpperCase(Locale.ROOT);
                    String columnType = rs.getString(5) == null ? "" : rs.getString(5).toUpperCase(Locale.ROOT);
                    boolean generated = extra.contains("GENERATED");
                    c.keyColumn(rs.getString(1), generated ? null : integer(rs.getString(2), rs.getString(3),
                            columnType.contains("UNSIGNED"), extra.contains("AUTO_INCREMENT")));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME, COUNT(DISTINCT INDEX_NAME)"
                    + " FROM information_schema.STATISTICS WHERE NON_UNIQUE = 0 AND TABLE_SCHEMA" + MYSQL_USER
                    + " GROUP BY TABLE_SCHEMA, TABLE_NAME")) {
                while (rs.next()) {
                    c.uniqueCount(rs.getString(1), rs.getInt(2));
                }
            }
            exclude(s, c, "SELECT LOWER(TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA" + MYSQL_USER
                    + " GROUP BY LOWER(TABLE_NAME) HAVING COUNT(*) > 1");
            exclude(s, c, "SELECT EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA"
                    + MYSQL_USER);
            exclude(s, c, "SELECT REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS"
                    + " WHERE UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')"
                    + " OR DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')");
            exclude(s, c, "SELECT TABLE_NAME FROM information_schema.PARTITIONS WHERE PARTITION_NAME IS NOT NULL"
                    + " AND TABLE_SCHEMA" + MYSQL_USER);
        }
    }

    private static void exclude(Statement s, RowKeys.Collector c, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                if (rs.getString(1) != null) {
                    c.exclude(rs.getString(1));
                }
            }
        }
    }

    /**
     * A key column of one of the integer types of H2 and MySQL/MariaDB, with its range; null for every other type.
     * {@code autoIncrement}: MySQL then generates a value for an inserted 0 (unless {@code NO_AUTO_VALUE_ON_ZERO}).
     */
    static RowKeys.KeyColumn integer(String name, String dataType, boolean unsigned, boolean autoIncrement) {
        if (dataType == null) {
            return null;
        }
        int bits;
        switch (dataType.trim().toUpperCase(Locale.ROOT)) {
            case "TINYINT":
                bits = 8;
                break;
            case "SMALLINT":
                bits = 16;
                break;
            case "MEDIUMINT":
                bits = 24;
                break;
            case "INT":
            case "INTEGER":
                bits = 32;
                break;
            case "BIGINT":
                bits = 64;
                break;
            default:
                return null;
        }
        long min;
        long max;
        if (bits == 64) {
            min = unsigned ? 0 : Long.MIN_VALUE;
            max = Long.MAX_VALUE; // unsigned values beyond it are never row keys
        } else if (unsigned) {
            min = 0;
            max = (1L << bits) - 1;
        } else {
            min = -(1L << (bits - 1));
            max = (1L << (bits - 1)) - 1;
        }
        return RowKeys.KeyColumn.integer(name, min, max, autoIncrement);
    }
}
