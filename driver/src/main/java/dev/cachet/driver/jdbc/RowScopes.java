package dev.cachet.driver.jdbc;

import dev.cachet.driver.catalog.RowKeys;
import dev.cachet.driver.catalog.RowKeys.ColumnKind;
import dev.cachet.driver.catalog.RowKeys.KeyTable;
import dev.cachet.parser.PinnedValue;
import dev.cachet.parser.RowPins;
import dev.cachet.parser.StatementInfo;
import dev.cachet.parser.StatementKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Row-precise invalidation (DESIGN §13): which version names a cached result depends on, and which a write bumps.
 * Immutable apart from its memo of names; one per reading of the catalog's row keys.
 *
 * <p>The names live in the cache's table versions beside the tables' own, so every mechanism that works on tables
 * — version stamps ("no stale set"), the tier's invalidation index, transaction blocks, the shared tier's versions
 * and broadcasts — works on rows unchanged:
 * <ul>
 *   <li>{@code t} — bumped by every table-level write to {@code t} (as always);</li>
 *   <li>{@code t#w} — bumped by every row-precise write to {@code t};</li>
 *   <li>{@code t#r<n>} — one of {@value #SLOTS} row slots of {@code t}: a row key hashes to a slot, and a row-precise
 *       write bumps the slots of the keys it touches. Two keys sharing a slot only invalidate each other's look-ups.</li>
 * </ul>
 * A <b>key look-up</b> (a query of one key table pinning every column of its row key) depends on {@code t} and its
 * rows' slots; <b>every other result</b> depends on {@code t} and {@code t#w} for each table {@code t} it reads —
 * whether or not {@code t} has row keys today, so a change of the catalog between a fill and a write can never
 * leave a result depending on a name the write does not bump. A write is row-precise only when it pins its rows by
 * the row key of a key table and nothing else makes it wider; it then bumps {@code t#w}, the slots, and its other
 * tables (views, …) at table level. Every doubt — a value whose type is not exactly the column's, a key that is not
 * pinned, a key column assigned an unknown value, an upsert that may conflict on another unique key, too many keys
 * — falls back to the table.
 */
final class RowScopes {

    /**
     * Row slots per table. Two keys in one slot invalidate each other's look-ups, so the count sets how many cached
     * look-ups a row write drops besides its own: with 1,024 slots, a 95/5 Zipfian read/update mix over 100,000 keys
     * lost a fifth of its hits to the slots its hot keys shared. It also bounds the version counters (and their
     * mirror in the shared tier) per table: at most this many, made only for slots a write touched. Every instance
     * of a cluster must agree on it, so it is a constant, not a setting.
     */
    static final int SLOTS = 16384;
    /** The most distinct slots one statement may name; beyond it, the table. */
    static final int MAX_SLOTS = 64;
    static final char SEPARATOR = '#';

    static final RowScopes NONE = new RowScopes(RowKeys.none());

    private final RowKeys keys;
    /** Per table: its non-key dependency names {@code [t, t#w]}, and its slot names, made on first use. */
    private final ConcurrentHashMap<String, Names> names = new ConcurrentHashMap<>();

    RowScopes(RowKeys keys) {
        this.keys = keys;
    }

    RowKeys keys() {
        return keys;
    }

    private static final class Names {
        final Set<String> nonKey;
        final String written;
        /** Made on the first slot asked for: most tables never have a row look-up. A racing copy is harmless. */
        String[] slots;
        final String table;

        Names(String table) {
            this.table = table;
            this.written = table + SEPARATOR + 'w';
            this.nonKey = Set.of(table, written);
        }

        String slot(int i) {
            String[] memo = slots;
            if (memo == null) {
                memo = new String[SLOTS];
                slots = memo;
            }
            String s = memo[i];
            if (s == null) {
                s = table + SEPARATOR + 'r' + i;
                memo[i] = s;
            }
            return s;
        }
    }

    private Names names(String table) {
        Names n = names.get(table);
        return n != null ? n : names.computeIfAbsent(table, Names::new);
    }

    /** The version name a row-precise write to {@code table} bumps for the table's non-key results. */
    static String writtenName(String table) {
        return table + SEPARATOR + 'w';
    }

    /** Whether {@code name} is a row slot's version name ({@code t#r5}); allocates nothing. */
    static boolean isRowName(String name) {
        int i = name.lastIndexOf(SEPARATOR);
        if (i <= 0 || i + 2 >= name.length() || name.charAt(i + 1) != 'r') {
            return false;
        }
        for (int j = i + 2; j < name.length(); j++) {
            if (name.charAt(j) < '0' || name.charAt(j) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The table a version name belongs to ({@code t}, {@code t#w}, {@code t#r5} → {@code t}). */
    static String tableOf(String name) {
        int i = name.lastIndexOf(SEPARATOR);
        if (i <= 0 || i + 1 == name.length()) {
            return name;
        }
        char c = name.charAt(i + 1);
        if (c == 'w' && i + 2 == name.length()) {
            return name.substring(0, i);
        }
        if (c != 'r' || i + 2 == name.length()) {
            return name;
        }
        for (int j = i + 2; j < name.length(); j++) {
            if (name.charAt(j) < '0' || name.charAt(j) > '9') {
                return name;
            }
        }
        return name.substring(0, i);
    }

    // ---------------------------------------------------------------- reads

    /**
     * The names a cached result of {@code info}, run with {@code parameters}, depends on: its table and its rows'
     * slots for a key look-up, else every table it reads with its {@code #w} name.
     */
    Set<String> dependencies(StatementInfo info, Object[] parameters) {
        Set<String> read = info.tablesRead();
        if (read.size() == 1) {
            String table = read.iterator().next();
            Set<String> lookup = keyLookup(info, table, parameters);
            return lookup != null ? lookup : names(table).nonKey;
        }
        Set<String> out = new HashSet<>(read.size() * 4);
        for (String table : read) {
            out.addAll(names(table).nonKey);
        }
        return out;
    }

    /** True when the result depends on rows only (a key look-up), for {@code explain}. */
    boolean isKeyLookup(StatementInfo info, Object[] parameters) {
        Set<String> read = info.tablesRead();
        return read.size() == 1 && keyLookup(info, read.iterator().next(), parameters) != null;
    }

    private Set<String> keyLookup(StatementInfo info, String table, Object[] parameters) {
        if (keys.isEmpty() || info.kind() != StatementKind.QUERY) {
            return null;
        }
        KeyTable key = keys.get(table);
        RowPins pins = info.rowPins();
        if (key == null || pins == null || !pins.table().equals(table)) {
            return null;
        }
        int[] slots = slots(key, pins.whereKeys(key.columns()), parameters, null);
        if (slots == null) {
            return null;
        }
        Names n = names(table);
        Set<String> out = new LinkedHashSet<>();
        out.add(table);
        for (int s : slots) {
            out.add(n.slot(s));
        }
        return out;
    }

    // ---------------------------------------------------------------- writes

    /**
     * The scope a write invalidates: {@code tableScope} (its tables, expanded through the catalog's dependencies)
     * when it is not row-precise, else {@code tableScope} with its own table replaced by that table's {@code #w} name
     * and the slots of the rows it touches.
     */
    Set<String> writeScope(StatementInfo info, Object[] parameters, Set<String> tableScope) {
        if (keys.isEmpty() || tableScope == Cluster.ALL_TABLES) {
            return tableScope;
        }
        RowPins pins = info.rowPins();
        Set<String> written = info.tablesWritten();
        if (pins == null || written.size() != 1 || !written.contains(pins.table())
                || !tableScope.contains(pins.table())) {
            return tableScope;
        }
        String table = pins.table();
        KeyTable key = keys.get(table);
        if (key == null) {
            return tableScope;
        }
        int[] slots = writeSlots(info.kind(), pins, key, parameters);
        if (slots == null) {
            return tableScope;
        }
        Names n = names(table);
        if (!anyVersionLike(tableScope)) {
            // the names are distinct (no table name holds the separator), as Set.of requires: one array, no nodes
            // (the common write, one row of a table nothing depends on, is a two-name set)
            String[] names = new String[tableScope.size() + slots.length];
            int i = 0;
            for (String t : tableScope) {
                names[i++] = t.equals(table) ? n.written : t;
            }
            for (int s : slots) {
                names[i++] = n.slot(s);
            }
            return Set.of(names);
        }
        Set<String> out = new HashSet<>(tableScope.size() + slots.length + 2);
        out.addAll(tableScope);
        out.remove(table);
        out.add(n.written);
        for (int s : slots) {
            out.add(n.slot(s));
        }
        return out;
    }

    private static boolean anyVersionLike(Set<String> tables) {
        for (String t : tables) {
            if (t.indexOf(SEPARATOR) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** The slots of every row the write may change, old and new keys; null when they are not all known. */
    private static int[] writeSlots(StatementKind kind, RowPins pins, KeyTable key, Object[] parameters) {
        List<String> columns = key.columns();
        switch (kind) {
            case DELETE:
                return slots(key, pins.whereKeys(columns), parameters, null);
            case UPDATE: {
                int[] old = slots(key, pins.whereKeys(columns), parameters, null);
                if (old == null || !assignsAny(pins, columns)) {
                    return old;
                }
                // a key column is assigned: the rows move from their old keys to the new ones
                return slots(key, pins.newKeys(columns), parameters, old);
            }
            case INSERT:
            case MERGE:
                if (!pins.pinnedColumns().isEmpty() || !upsertStaysOnKey(pins, key)) {
                    return null;
                }
                return slots(key, pins.insertedKeys(columns), parameters, null, true);
            default:
                return null;
        }
    }

    private static boolean assignsAny(RowPins pins, List<String> columns) {
        for (String c : columns) {
            if (pins.assignedColumns().contains(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the rows an insert or upsert changes are exactly those of its inserted keys: a plain insert; an upsert
     * that does nothing on conflict; an upsert updating or replacing the row that conflicts on the row key (named as
     * its target, or the table's only unique key) without assigning a key column.
     */
    private static boolean upsertStaysOnKey(RowPins pins, KeyTable key) {
        switch (pins.onConflict()) {
            case NONE:
            case DO_NOTHING:
                return true;
            case DO_UPDATE:
            case REPLACE:
                if (assignsAny(pins, key.columns())) {
                    return false;
                }
                List<String> target = pins.conflictColumns();
                if (target.isEmpty()) {
                    return key.onlyUniqueKey();
                }
                return target.size() == key.columns().size() && target.containsAll(key.columns());
            default:
                return false;
        }
    }

    /**
     * The distinct slots of {@code tuples} (each aligned with the key's columns) with parameters resolved, added to
     * {@code more}; null when a value cannot be keyed exactly or there are more than {@link #MAX_SLOTS}.
     */
    private static int[] slots(KeyTable key, List<List<PinnedValue>> tuples, Object[] parameters, int[] more) {
        return slots(key, tuples, parameters, more, false);
    }

    private static int[] slots(KeyTable key, List<List<PinnedValue>> tuples, Object[] parameters, int[] more,
                               boolean insert) {
        if (tuples == null || tuples.isEmpty()) {
            return null;
        }
        List<RowKeys.KeyColumn> kinds = key.keyColumns();
        int[] out = more == null ? new int[Math.min(tuples.size(), MAX_SLOTS)]
                : java.util.Arrays.copyOf(more, Math.min(more.length + tuples.size(), MAX_SLOTS));
        int count = more == null ? 0 : more.length;
        for (List<PinnedValue> tuple : tuples) {
            long h = 1;
            for (int c = 0; c < tuple.size(); c++) {
                Object v = value(tuple.get(c), kinds.get(c), parameters, insert);
                if (v == null) {
                    return null;
                }
                h = h * 0x9E3779B97F4A7C15L + (v instanceof Number n ? n.longValue() : v.hashCode());
            }
            int slot = slotOf(h);
            if (!contains(out, count, slot)) {
                if (count == MAX_SLOTS || count == out.length) {
                    return null;
                }
                out[count++] = slot;
            }
        }
        return count == out.length ? out : java.util.Arrays.copyOf(out, count);
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    static int slotOf(long h) {
        // murmur3's finalizer: neighbouring keys land in unrelated slots
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) (h & (SLOTS - 1));
    }

    /**
     * The value a pin compares the column with, normalized so that values the database finds equal hash alike: an
     * integral {@link Number} for an integer column (a bound {@code Long}, {@code Integer}, {@code Short} or
     * {@code Byte} as it is, a {@code BigInteger} or {@code BigDecimal} made a {@code Long}, an integer literal read as
     * one; a {@code Long} made of a bound {@code Integer} was 3% of an H2 write by key), a {@link String} for a
     * string column (strings and string literals only); null for anything else — a null, a fraction, a string for an
     * integer column, a type the database would convert, an integer outside the column's range (a lenient MySQL
     * clamps it), a string ending in a space (PostgreSQL cuts such a value to a {@code varchar(n)}'s length), an
     * inserted 0 that MySQL replaces by an {@code AUTO_INCREMENT} value — whose equality Cachet cannot decide.
     */
    static Object value(PinnedValue pin, RowKeys.KeyColumn column, Object[] parameters, boolean insert) {
        Object v = value(pin, column.kind(), parameters);
        if (v instanceof String s && !s.isEmpty() && s.charAt(s.length() - 1) == ' ') {
            // PostgreSQL cuts trailing spaces that overflow a varchar(n) instead of refusing the value
            return null;
        }
        if (v instanceof Number n) {
            long l = n.longValue();
            if (l < column.min() || l > column.max() || (insert && l == 0 && column.zeroGenerates())) {
                return null;
            }
        }
        return v;
    }

    private static Object value(PinnedValue pin, ColumnKind kind, Object[] parameters) {
        if (pin == null) {
            return null;
        }
        switch (pin.kind()) {
            case NUMBER:
                if (kind != ColumnKind.INTEGER) {
                    return null;
                }
                try {
                    return Long.parseLong(pin.literal());
                } catch (NumberFormatException e) {
                    return null;
                }
            case STRING:
                return kind == ColumnKind.STRING ? pin.literal() : null;
            case PARAMETER:
                int i = pin.parameterIndex() - 1;
                if (parameters == null || i >= parameters.length) {
                    return null;
                }
                return kind == ColumnKind.INTEGER ? integer(parameters[i])
                        : parameters[i] instanceof String s ? s : null;
            default:
                return null;
        }
    }

    private static Number integer(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return (Number) v;
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? b.longValue() : null;
        }
        if (v instanceof BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "RowScopes[" + keys + "]";
    }
}
