package dev.cachet.driver.catalog;

import dev.cachet.parser.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tables whose rows Cachet may track one by one (DESIGN §13), each with its <em>row key</em>: the columns of its
 * primary key and how their values compare. Immutable.
 *
 * <p>A table is listed only when a write that names rows by that key changes exactly those rows of that table and
 * nothing Cachet would miss: it is an ordinary table (not a view, not partitioned, not a partition or an inheritance
 * parent or child), no other relation in a user schema has its name (names are compared unqualified, DESIGN §4), it
 * has no trigger and no rule, no foreign key with {@code ON DELETE/UPDATE CASCADE / SET NULL / SET DEFAULT}
 * references it, no two of its columns differ only in case, and every key column has a type whose equality Cachet
 * can decide from the value alone: an integer type, or (PostgreSQL only) {@code text}/{@code varchar} under a
 * deterministic collation ({@code default}, {@code C}, {@code POSIX}). MySQL's and MariaDB's string collations ignore
 * case and trailing spaces, H2's may be changed by {@code SET COLLATION}: string keys stay table level there. Partial
 * and expression indexes are never row keys. When in doubt, a table is not listed, and every write to it is a write
 * to the whole table.
 */
public final class RowKeys {

    /** How a key column's values compare. */
    public enum ColumnKind {
        /** An integer type: values compare as integers. */
        INTEGER,
        /** A string type under a deterministic collation: values compare code point by code point. */
        STRING
    }

    /**
     * One key column: its kind and, for integers, the range of values the column holds and whether the database
     * replaces an inserted 0 by a generated value (MySQL's {@code AUTO_INCREMENT}). A value outside the range may be
     * clamped by a lenient server ({@code sql_mode} without strict mode), so it is never a row key.
     */
    public record KeyColumn(String name, ColumnKind kind, long min, long max, boolean zeroGenerates) {

        /** A string column. */
        public static KeyColumn string(String name) {
            return new KeyColumn(name, ColumnKind.STRING, 0, 0, false);
        }

        /** An integer column holding values from {@code min} to {@code max}. */
        public static KeyColumn integer(String name, long min, long max, boolean zeroGenerates) {
            return new KeyColumn(name, ColumnKind.INTEGER, min, max, zeroGenerates);
        }
    }

    /** One table's row key. */
    public static final class KeyTable {
        private final String table;
        private final List<String> columns;
        private final List<ColumnKind> kinds;
        private final List<KeyColumn> keyColumns;
        private final boolean onlyUniqueKey;

        KeyTable(String table, List<KeyColumn> keyColumns, boolean onlyUniqueKey) {
            this.table = table;
            this.keyColumns = List.copyOf(keyColumns);
            // List.copyOf keeps this very list (Stream.toList's admits nulls, so copying it again would copy it): the
            // row pins recognize the key by identity on every write
            this.columns = List.copyOf(keyColumns.stream().map(KeyColumn::name).toList());
            this.kinds = keyColumns.stream().map(KeyColumn::kind).toList();
            this.onlyUniqueKey = onlyUniqueKey;
        }

        /** The key's columns with their kinds and ranges, in key order. */
        public List<KeyColumn> keyColumns() {
            return keyColumns;
        }

        /** The canonical table name. */
        public String table() {
            return table;
        }

        /** The key's columns, canonical, in key order. */
        public List<String> columns() {
            return columns;
        }

        /** How each key column compares, aligned with {@link #columns()}. */
        public List<ColumnKind> kinds() {
            return kinds;
        }

        /**
         * True when the primary key is the table's only unique constraint or unique index (partial and expression
         * ones counted): an upsert without a conflict target can then only conflict on it.
         */
        public boolean onlyUniqueKey() {
            return onlyUniqueKey;
        }

        @Override
        public String toString() {
            return table + columns + kinds + (onlyUniqueKey ? "" : "+unique");
        }
    }

    private static final RowKeys NONE = new RowKeys(Map.of());

    private final Map<String, KeyTable> tables;

    private RowKeys(Map<String, KeyTable> tables) {
        this.tables = tables;
    }

    /** No table is tracked by rows. */
    public static RowKeys none() {
        return NONE;
    }

    /**
     * Reads the row keys from the live catalog; PostgreSQL, MySQL/MariaDB and H2. Other databases: none.
     *
     * @throws SQLException the real driver's exception when a catalog query fails
     */
    public static RowKeys read(Connection connection, Dialect dialect) throws SQLException {
        Collector c = new Collector();
        switch (dialect) {
            case POSTGRESQL:
                PostgresRowKeys.read(connection, c);
                break;
            case MYSQL:
                StandardRowKeys.readMySql(connection, c);
                break;
            case H2:
                StandardRowKeys.readH2(connection, c);
                break;
            default:
                return NONE;
        }
        return c.build();
    }

    /** The row key of {@code table} (canonical), or null when its rows are not tracked. */
    public KeyTable get(String table) {
        return tables.get(table);
    }

    /** True when no table is tracked by rows. */
    public boolean isEmpty() {
        return tables.isEmpty();
    }

    /** These row keys without the tables {@code keep} refuses. */
    public RowKeys retain(java.util.function.Predicate<String> keep) {
        Map<String, KeyTable> out = new HashMap<>();
        tables.forEach((t, k) -> {
            if (keep.test(t)) {
                out.put(t, k);
            }
        });
        return out.size() == tables.size() ? this : out.isEmpty() ? NONE : new RowKeys(Map.copyOf(out));
    }

    /** The canonical names of the tables tracked by rows. */
    public Set<String> tables() {
        return tables.keySet();
    }

    @Override
    public String toString() {
        return "RowKeys" + new java.util.TreeMap<>(tables).values();
    }

    /** A hand-made set of row keys (tests, wrapped data sources). */
    public static Collector builder() {
        return new Collector();
    }

    /**
     * Collects key columns and the facts that exclude tables, then {@link #build()}s. Names are canonicalized
     * (lower-cased). A table is kept only if its key columns were all given with a usable kind and nothing excluded it.
     */
    public static final class Collector {
        private final Map<String, List<KeyColumn>> columns = new HashMap<>();
        private final Map<String, Integer> uniqueCounts = new HashMap<>();
        private final Set<String> excluded = new HashSet<>();

        Collector() {
        }

        /**
         * The next column of {@code table}'s primary key, in key order; {@code column} null when its comparison is not
         * exact (the table is then excluded).
         */
        public Collector keyColumn(String table, KeyColumn column) {
            String t = canonical(table);
            if (column == null) {
                excluded.add(t);
                return this;
            }
            KeyColumn c = new KeyColumn(canonical(column.name()), column.kind(), column.min(), column.max(),
                    column.zeroGenerates());
            List<KeyColumn> cols = columns.computeIfAbsent(t, k -> new ArrayList<>());
            for (KeyColumn other : cols) {
                if (other.name().equals(c.name())) {
                    excluded.add(t); // two key columns differing only in case
                }
            }
            cols.add(c);
            return this;
        }

        /** How many unique constraints and unique indexes (the primary key, partial and expression ones included). */
        public Collector uniqueCount(String table, int count) {
            uniqueCounts.merge(canonical(table), count, Integer::sum);
            return this;
        }

        /** {@code table} must stay table level (trigger, rule, cascade, partition, name in several schemas, …). */
        public Collector exclude(String table) {
            excluded.add(canonical(table));
            return this;
        }

        public RowKeys build() {
            Map<String, KeyTable> out = new HashMap<>();
            for (Map.Entry<String, List<KeyColumn>> e : columns.entrySet()) {
                String t = e.getKey();
                if (excluded.contains(t) || e.getValue().isEmpty()) {
                    continue;
                }
                Integer unique = uniqueCounts.get(t);
                out.put(t, new KeyTable(t, e.getValue(), unique != null && unique == 1));
            }
            return out.isEmpty() ? NONE : new RowKeys(Map.copyOf(out));
        }

        static String canonical(String name) {
            return name.trim().toLowerCase(Locale.ROOT);
        }
    }
}
