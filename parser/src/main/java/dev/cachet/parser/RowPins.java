package dev.cachet.parser;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which rows of one table a statement reads or writes, as far as its text pins them by equality with
 * bound parameters or literals. Immutable; part of the memoized analysis ({@link StatementInfo#rowPins()}).
 *
 * <p>The analyzer does not know which columns form keys. It reports which columns are pinned and with
 * which values; a caller that knows a table's primary key and unique indexes asks
 * {@link #whereKeys(List)}, {@link #newKeys(List)} or {@link #insertedKeys(List)} for the values of one
 * key. Column names are canonical like table names (DESIGN §4): unqualified, unquoted, lower-case — so
 * a table whose columns differ only in case must not be matched by name.
 *
 * <p><b>When there are pins.</b> Only for plain single-table statements, and only when the text was read
 * the same way twice — by JSqlParser's syntax tree and by an independent reading of the tokens — with
 * every JDBC parameter accounted for. Everything else has no pins ({@code rowPins() == null}): joins,
 * subqueries in a query, CTEs, set operations, locking reads, {@code UPDATE … FROM}, {@code DELETE …
 * USING}, MySQL multi-table writes, {@code INSERT … SELECT}, {@code INSERT IGNORE}, statements with
 * named or numbered ({@code $1}, {@code ?1}) parameters, text whose literals or comments read
 * differently under the lexical rules the dialect's servers may apply. When in doubt there are no pins:
 * a missing pin costs hit rate, a wrong one would serve stale data.
 *
 * <p><b>The WHERE clause</b> (queries, UPDATE, DELETE) is read as a conjunction. A conjunct pins when it
 * is {@code column = value}, {@code value = column}, {@code column IN (value, …)},
 * {@code (c1, c2) = (v1, v2)} or {@code (c1, c2) IN ((v1, v2), …)}, the columns being the table's own
 * (unqualified, or qualified by the table's name or alias). Conjuncts in parentheses are read the same
 * way. Any other conjunct (a range, LIKE, a function of the column, an OR in parentheses, a subquery in
 * an UPDATE or DELETE) makes the pins {@link #partial() partial}: such conditions only narrow the rows,
 * so a statement that pins every column of a unique key reads or touches at most the rows of the listed
 * key values — a query that pins a full key plus extra filters is still a look-up of at most those rows.
 * An OR at the top level of the WHERE clause, or no WHERE clause, pins nothing.
 *
 * <p><b>Queries</b> have pins when they read exactly one table with no subquery anywhere; DISTINCT,
 * aggregates, GROUP BY, HAVING, window functions, ORDER BY and LIMIT still read only the pinned rows. Views
 * are not recognized here: a caller that knows the table is a view must not treat the pins as rows of a
 * table.
 *
 * <p><b>UPDATE</b> also reports the columns it assigns and, when the value is a parameter or a literal,
 * that value ({@link #assignedValue(String)}), so that an UPDATE of a key column can invalidate the old
 * and the new key ({@link #newKeys(List)}). <b>INSERT</b> with a column list and VALUES rows reports each
 * row's values ({@link #insertedRows()}); DEFAULT, expressions and sequence calls leave that column
 * unpinned in that row. <b>Upserts</b> ({@link #onConflict()} other than {@link OnConflict#NONE}) report
 * the inserted rows, the conflict target ({@link #conflictColumns()}, empty when any unique key may be the
 * one that conflicts) and the columns an existing row gets assigned.
 *
 * <p>What the pins do not cover, and a caller must treat at table level: writes that reach rows through
 * views, foreign-key cascades, triggers, rules, partitions or inheritance; statements that
 * {@link StatementInfo#writesAllTables() write every table} ({@link StatementInfo#rowPins()} is then
 * null); values the database converts on the way in (see {@link PinnedValue}).
 */
public final class RowPins {

    /**
     * The most key tuples {@link #whereKeys(List)} and {@link #newKeys(List)} return; a caller gets
     * {@code null} (table level) beyond it.
     */
    public static final int MAX_KEYS = 4096;

    /** What an insert does with a row that conflicts with an existing one on a unique key. */
    public enum OnConflict {
        /** Not an upsert: a plain INSERT (a conflict is an error), or not an insert at all. */
        NONE,
        /**
         * PostgreSQL's {@code ON CONFLICT … DO NOTHING}: a conflicting row is left as it is; only rows
         * that did not conflict are inserted.
         */
        DO_NOTHING,
        /**
         * The conflicting row is updated: PostgreSQL's {@code ON CONFLICT … DO UPDATE SET …}, MySQL's
         * {@code ON DUPLICATE KEY UPDATE …}, H2's {@code MERGE INTO … KEY (…) VALUES …}. Its columns in
         * {@link #assignedColumns()} change; which row it is depends on the conflict target.
         */
        DO_UPDATE,
        /**
         * MySQL's {@code REPLACE}: every existing row that conflicts on any unique key is deleted, then the
         * row is inserted.
         */
        REPLACE
    }

    /** Columns pinned together by one conjunct, and the value tuples they may take. */
    static final class Group {
        final List<String> columns;
        final List<List<PinnedValue>> alternatives;

        Group(List<String> columns, List<List<PinnedValue>> alternatives) {
            this.columns = List.copyOf(columns);
            List<List<PinnedValue>> a = new ArrayList<>(alternatives.size());
            for (List<PinnedValue> values : alternatives) {
                if (values.size() != columns.size()) {
                    throw new IllegalArgumentException("a tuple of " + values.size() + " values for " + columns);
                }
                a.add(List.copyOf(values));
            }
            this.alternatives = Collections.unmodifiableList(a);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Group && columns.equals(((Group) o).columns)
                    && alternatives.equals(((Group) o).alternatives);
        }

        @Override
        public int hashCode() {
            return columns.hashCode() * 31 + alternatives.hashCode();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            boolean row = columns.size() > 1;
            if (row) {
                b.append('(').append(String.join(",", columns)).append(')');
            } else {
                b.append(columns.get(0));
            }
            b.append('=');
            for (int i = 0; i < alternatives.size(); i++) {
                if (i > 0) {
                    b.append('|');
                }
                List<PinnedValue> values = alternatives.get(i);
                if (row) {
                    b.append('(');
                }
                for (int j = 0; j < values.size(); j++) {
                    if (j > 0) {
                        b.append(',');
                    }
                    b.append(values.get(j));
                }
                if (row) {
                    b.append(')');
                }
            }
            return b.toString();
        }
    }

    private final String table;
    private final List<Group> where;
    private final boolean partial;
    private final Set<String> pinnedColumns;
    private final Map<String, PinnedValue> assigned;
    private final List<String> insertedColumns;
    private final List<Map<String, PinnedValue>> insertedRows;
    private final OnConflict onConflict;
    private final List<String> conflictColumns;
    // A statement's writes ask for the tuples of the same key columns on every execution: the last answer of each
    // method is kept. A memo holds only final fields, so a racing reader sees it whole or not at all, and a racing
    // recomputation is harmless.
    private static final int WHERE_KEYS = 0;
    private static final int NEW_KEYS = 1;
    private static final int INSERTED_KEYS = 2;
    private final TuplesMemo[] memos = new TuplesMemo[3];

    /** The tuples one of the key methods returned for {@code columns} (null included). */
    private static final class TuplesMemo {
        final List<String> columns;
        final List<List<PinnedValue>> tuples;

        // List.copyOf refuses a null column: key columns are canonical names, never null
        TuplesMemo(List<String> columns, List<List<PinnedValue>> tuples) {
            this.columns = columns == null ? null : List.copyOf(columns);
            this.tuples = tuples;
        }

        boolean isFor(List<String> asked) {
            return columns == asked || (columns != null && columns.equals(asked));
        }
    }

    private RowPins(Builder b) {
        this.table = Objects.requireNonNull(b.table, "table");
        this.where = List.copyOf(b.where);
        this.partial = b.partial;
        Set<String> pinned = new LinkedHashSet<>();
        for (Group g : where) {
            pinned.addAll(g.columns);
        }
        this.pinnedColumns = Collections.unmodifiableSet(pinned);
        this.assigned = Collections.unmodifiableMap(new LinkedHashMap<>(b.assigned));
        this.insertedColumns = List.copyOf(b.insertedColumns);
        List<Map<String, PinnedValue>> rows = new ArrayList<>(b.insertedRows.size());
        for (Map<String, PinnedValue> row : b.insertedRows) {
            rows.add(Collections.unmodifiableMap(new LinkedHashMap<>(row)));
        }
        this.insertedRows = Collections.unmodifiableList(rows);
        this.onConflict = b.onConflict;
        this.conflictColumns = List.copyOf(b.conflictColumns);
    }

    /** The table (canonical name). */
    public String table() {
        return table;
    }

    /**
     * The columns pinned by equality at the top level of the WHERE clause (or in parenthesized
     * conjunctions there), in the order written; empty for inserts.
     */
    public Set<String> pinnedColumns() {
        return pinnedColumns;
    }

    /**
     * Whether the WHERE clause has conditions besides the pins. They only narrow the rows: the pins
     * still bound what the statement reads or touches.
     */
    public boolean partial() {
        return partial;
    }

    private List<List<PinnedValue>> tuples(int method, List<String> columns) {
        TuplesMemo m = memos[method];
        if (m == null || !m.isFor(columns)) {
            m = new TuplesMemo(columns, switch (method) {
                case WHERE_KEYS -> computeWhereKeys(columns);
                case NEW_KEYS -> computeNewKeys(columns);
                default -> computeInsertedKeys(columns);
            });
            memos[method] = m;
        }
        return m.tuples;
    }

    /**
     * The value tuples of {@code columns} that the rows a query reads, or an UPDATE or DELETE touches,
     * may have: every such row has, in those columns, the values of one of the returned tuples (each
     * aligned with {@code columns}) — perhaps fewer rows, never others. {@code null} when a column is not
     * pinned, {@code columns} is empty, or there would be more than {@link #MAX_KEYS} tuples.
     *
     * <p>Columns pinned together ({@code (a, b) IN ((?, ?), …)}) keep their pairing; columns pinned
     * separately combine ({@code a IN (1, 2) AND b = ?} gives (1, ?), (2, ?)). A column pinned twice takes
     * its first pin (each bounds the rows on its own). Parameters are to be resolved with the execution's
     * bound values; tuples may repeat.
     */
    public List<List<PinnedValue>> whereKeys(List<String> columns) {
        return tuples(WHERE_KEYS, columns);
    }

    private List<List<PinnedValue>> computeWhereKeys(List<String> columns) {
        if (columns == null || columns.isEmpty() || where.isEmpty()) {
            return null;
        }
        List<List<PinnedValue>> tuples = new ArrayList<>();
        tuples.add(new ArrayList<>(Collections.nCopies(columns.size(), (PinnedValue) null)));
        // each group that holds one of the columns multiplies the tuples by its alternatives
        boolean[] done = new boolean[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            if (done[c]) {
                continue;
            }
            Group g = groupOf(columns.get(c));
            if (g == null) {
                return null;
            }
            int[] positions = new int[columns.size()];
            for (int k = 0; k < columns.size(); k++) {
                positions[k] = done[k] || groupOf(columns.get(k)) != g ? -1 : g.columns.indexOf(columns.get(k));
                if (positions[k] >= 0) {
                    done[k] = true;
                }
            }
            if ((long) tuples.size() * g.alternatives.size() > MAX_KEYS) {
                return null;
            }
            List<List<PinnedValue>> next = new ArrayList<>(tuples.size() * g.alternatives.size());
            for (List<PinnedValue> t : tuples) {
                for (List<PinnedValue> alternative : g.alternatives) {
                    List<PinnedValue> n = new ArrayList<>(t);
                    for (int k = 0; k < positions.length; k++) {
                        if (positions[k] >= 0) {
                            n.set(k, alternative.get(positions[k]));
                        }
                    }
                    next.add(n);
                }
            }
            tuples = next;
        }
        return freezeTuples(tuples);
    }

    private Group groupOf(String column) {
        for (Group g : where) {
            if (g.columns.contains(column)) {
                return g;
            }
        }
        return null;
    }

    /**
     * The columns an UPDATE assigns, or an upsert assigns to the row it conflicts with, in the order
     * written; empty for queries, DELETE and plain INSERT.
     */
    public Set<String> assignedColumns() {
        return assigned.keySet();
    }

    /**
     * The value assigned to {@code column}, when it is a parameter or a literal (for an upsert that
     * inserts one row, also PostgreSQL's {@code excluded.c} and MySQL's {@code VALUES(c)}: the row's value);
     * {@code null} when the column is not assigned or its value is anything else.
     */
    public PinnedValue assignedValue(String column) {
        return assigned.get(column);
    }

    /**
     * For an UPDATE: the value tuples {@code columns} have after it in the rows it touched —
     * {@link #whereKeys(List)} with every assigned column replaced by its assigned value. Equal to
     * {@code whereKeys(columns)} when none of the columns is assigned; {@code null} when that is null or
     * an assigned column's value is not known ({@code SET id = id + 1}), in which case the new keys are
     * unknown and the caller falls back to the table.
     */
    public List<List<PinnedValue>> newKeys(List<String> columns) {
        return tuples(NEW_KEYS, columns);
    }

    private List<List<PinnedValue>> computeNewKeys(List<String> columns) {
        List<List<PinnedValue>> old = whereKeys(columns);
        if (old == null) {
            return null;
        }
        boolean changed = false;
        for (String c : columns) {
            if (assigned.containsKey(c)) {
                if (assigned.get(c) == null) {
                    return null;
                }
                changed = true;
            }
        }
        if (!changed) {
            return old;
        }
        List<List<PinnedValue>> out = new ArrayList<>(old.size());
        for (List<PinnedValue> t : old) {
            List<PinnedValue> n = new ArrayList<>(t);
            for (int k = 0; k < columns.size(); k++) {
                if (assigned.containsKey(columns.get(k))) {
                    n.set(k, assigned.get(columns.get(k)));
                }
            }
            out.add(n);
        }
        return freezeTuples(out);
    }

    /** The column list of an INSERT or upsert, in order; empty for other statements. */
    public List<String> insertedColumns() {
        return insertedColumns;
    }

    /**
     * The rows an INSERT or upsert inserts, one map per VALUES row, in order: each maps the row's columns
     * whose value is a parameter or a literal to that value; columns given DEFAULT or an expression are
     * absent. Empty for other statements.
     */
    public List<Map<String, PinnedValue>> insertedRows() {
        return insertedRows;
    }

    /**
     * The value tuples of {@code columns} in the inserted rows, one per row (aligned with
     * {@code columns}); {@code null} when some row does not pin every one of them (a column left out of
     * the list takes its default, perhaps a sequence), {@code columns} is empty or nothing is inserted.
     */
    public List<List<PinnedValue>> insertedKeys(List<String> columns) {
        return tuples(INSERTED_KEYS, columns);
    }

    private List<List<PinnedValue>> computeInsertedKeys(List<String> columns) {
        if (columns == null || columns.isEmpty() || insertedRows.isEmpty()) {
            return null;
        }
        List<List<PinnedValue>> out = new ArrayList<>(insertedRows.size());
        for (Map<String, PinnedValue> row : insertedRows) {
            List<PinnedValue> t = new ArrayList<>(columns.size());
            for (String c : columns) {
                PinnedValue v = row.get(c);
                if (v == null) {
                    return null;
                }
                t.add(v);
            }
            out.add(t);
        }
        return freezeTuples(out);
    }

    /** What the insert does with a conflicting row; {@link OnConflict#NONE} unless it is an upsert. */
    public OnConflict onConflict() {
        return onConflict;
    }

    /** {@code onConflict() != NONE}. */
    public boolean isUpsert() {
        return onConflict != OnConflict.NONE;
    }

    /**
     * The conflict target of an upsert: PostgreSQL's {@code ON CONFLICT (columns)}, H2's
     * {@code KEY (columns)}. Empty when the statement does not name columns — MySQL's
     * {@code ON DUPLICATE KEY UPDATE} and {@code REPLACE}, {@code ON CONFLICT ON CONSTRAINT},
     * {@code ON CONFLICT DO NOTHING}, H2's MERGE without KEY — meaning any unique key of the table may be
     * the one that conflicts, so the row it updates or replaces may be one whose other keys are unknown.
     */
    public List<String> conflictColumns() {
        return conflictColumns;
    }

    private static List<List<PinnedValue>> freezeTuples(List<List<PinnedValue>> tuples) {
        List<List<PinnedValue>> out = new ArrayList<>(tuples.size());
        for (List<PinnedValue> t : tuples) {
            out.add(Collections.unmodifiableList(t));
        }
        return Collections.unmodifiableList(out);
    }

    /** Every parameter index the pins name (for checks). */
    Set<Integer> parameterIndexes() {
        Set<Integer> out = new LinkedHashSet<>();
        for (Group g : where) {
            for (List<PinnedValue> a : g.alternatives) {
                collect(a, out);
            }
        }
        collect(assigned.values(), out);
        for (Map<String, PinnedValue> row : insertedRows) {
            collect(row.values(), out);
        }
        return out;
    }

    private static void collect(Iterable<PinnedValue> values, Set<Integer> out) {
        for (PinnedValue v : values) {
            if (v != null && v.isParameter()) {
                out.add(v.parameterIndex());
            }
        }
    }

    List<Group> groups() {
        return where;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RowPins)) {
            return false;
        }
        RowPins p = (RowPins) o;
        return table.equals(p.table) && where.equals(p.where) && partial == p.partial
                && new ArrayList<>(assigned.entrySet()).equals(new ArrayList<>(p.assigned.entrySet()))
                && insertedColumns.equals(p.insertedColumns) && insertedRows.equals(p.insertedRows)
                && onConflict == p.onConflict && conflictColumns.equals(p.conflictColumns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, where, partial, assigned, insertedColumns, insertedRows, onConflict,
                conflictColumns);
    }

    /**
     * A compact rendering, e.g. {@code orders where id=?2 set status=?1},
     * {@code users where id=?1|?2|?3 +other}, {@code book where (a,b)=(?1,?2)|(3,'x')},
     * {@code counters insert (k,n) values ('a',?1) on conflict (k) do update set n=*} ({@code *}: a value
     * that is not a parameter or a literal).
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(table);
        for (int i = 0; i < where.size(); i++) {
            b.append(i == 0 ? " where " : " and ").append(where.get(i));
        }
        if (partial) {
            b.append(" +other");
        }
        if (!insertedColumns.isEmpty()) {
            b.append(" insert (").append(String.join(",", insertedColumns)).append(") values ");
            for (int r = 0; r < insertedRows.size(); r++) {
                if (r > 0) {
                    b.append(',');
                }
                b.append('(');
                for (int c = 0; c < insertedColumns.size(); c++) {
                    if (c > 0) {
                        b.append(',');
                    }
                    PinnedValue v = insertedRows.get(r).get(insertedColumns.get(c));
                    b.append(v == null ? "*" : v.toString());
                }
                b.append(')');
            }
        }
        switch (onConflict) {
            case DO_NOTHING:
            case DO_UPDATE:
                b.append(" on conflict ")
                        .append(conflictColumns.isEmpty() ? "any" : "(" + String.join(",", conflictColumns) + ")")
                        .append(onConflict == OnConflict.DO_NOTHING ? " do nothing" : " do update");
                break;
            case REPLACE:
                b.append(" replace");
                break;
            default:
                break;
        }
        if (!assigned.isEmpty()) {
            b.append(" set ");
            boolean first = true;
            for (Map.Entry<String, PinnedValue> e : assigned.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                b.append(e.getKey()).append('=').append(e.getValue() == null ? "*" : e.getValue().toString());
                first = false;
            }
        }
        return b.toString();
    }

    /** Collects the pins of one statement as one reader sees them. Not thread-safe. */
    static final class Builder {
        String table;
        final List<Group> where = new ArrayList<>();
        boolean partial;
        final LinkedHashMap<String, PinnedValue> assigned = new LinkedHashMap<>();
        final List<String> insertedColumns = new ArrayList<>();
        final List<Map<String, PinnedValue>> insertedRows = new ArrayList<>();
        OnConflict onConflict = OnConflict.NONE;
        final List<String> conflictColumns = new ArrayList<>();

        Builder(String table) {
            this.table = table;
        }

        /** A builder holding everything {@code p} holds. */
        static Builder of(RowPins p) {
            Builder b = new Builder(p.table);
            b.where.addAll(p.where);
            b.partial = p.partial;
            b.assigned.putAll(p.assigned);
            b.insertedColumns.addAll(p.insertedColumns);
            b.insertedRows.addAll(p.insertedRows);
            b.onConflict = p.onConflict;
            b.conflictColumns.addAll(p.conflictColumns);
            return b;
        }

        /** Records an assignment; a column assigned twice is an error in every dialect, so it pins nothing. */
        boolean assign(String column, PinnedValue value) {
            if (assigned.containsKey(column)) {
                return false;
            }
            assigned.put(column, value);
            return true;
        }

        /**
         * The pins, or null when they pin no row: a WHERE clause without pins (whatever it assigns), or
         * inserted rows none of whose values is a parameter or a literal.
         */
        RowPins build() {
            boolean anyInserted = false;
            for (Map<String, PinnedValue> row : insertedRows) {
                anyInserted |= !row.isEmpty();
            }
            if (where.isEmpty() && !anyInserted) {
                return null;
            }
            return new RowPins(this);
        }
    }
}
