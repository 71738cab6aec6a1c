package dev.cachet.parser;

import dev.cachet.parser.PinTokens.Tok;
import dev.cachet.parser.PinTokens.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the key pins of a statement from its tokens alone, without JSqlParser: the second, independent
 * reading that {@link TreePins} must agree with before any pin is reported. It knows only the plain
 * shapes — {@code SELECT … FROM t [alias] WHERE …}, {@code UPDATE t [alias] SET … WHERE …},
 * {@code DELETE FROM t [alias] WHERE …}, {@code INSERT INTO t (…) VALUES … [ON CONFLICT … | ON DUPLICATE
 * KEY UPDATE …]}, {@code INSERT INTO t SET …}, {@code REPLACE INTO t (…) VALUES …} — and answers
 * {@code null} for anything else. Not thread-safe; one instance per reading.
 */
final class TextPins {

    /** Words that end a query's WHERE clause at depth 0. */
    private static final Set<String> QUERY_TAIL = words("GROUP", "HAVING", "WINDOW", "QUALIFY", "ORDER", "LIMIT",
            "OFFSET", "FETCH", "FOR", "UNION", "INTERSECT", "EXCEPT", "MINUS", "INTO", "LOCK", "RETURNING", "CONNECT",
            "START");
    /** Words that end an UPDATE's or DELETE's WHERE clause at depth 0. */
    private static final Set<String> WRITE_TAIL = words("ORDER", "LIMIT", "RETURNING");

    /**
     * Unquoted words that read like a column but are not one of the table's columns: literals, niladic
     * functions written without parentheses, pseudo-columns.
     */
    static final Set<String> NOT_COLUMNS = new HashSet<>(Arrays.asList("null", "true", "false", "default",
            "unknown", "current_user", "session_user", "user", "current_role", "current_schema", "current_catalog",
            "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp", "system_user",
            "sysdate", "systimestamp", "rownum", "rowid", "_rowid_", "level", "oid", "ctid", "xmin", "xmax", "cmin",
            "cmax", "tableoid", "not", "exists", "case", "interval", "date", "time", "timestamp", "array", "row",
            "any", "all", "some", "excluded", "new", "old", "values"));

    private final List<Tok> t;
    private final int[] parameterNumber;
    private List<String> tableName;
    private String alias;

    private TextPins(List<Tok> tokens) {
        this.t = tokens;
        this.parameterNumber = new int[tokens.size()];
        int n = 0;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).type == Type.PARAMETER) {
                parameterNumber[i] = ++n;
            }
        }
    }

    private static Set<String> words(String... w) {
        return new HashSet<>(Arrays.asList(w));
    }

    /** The pins the tokens show, or null when the statement is not one of the plain shapes. */
    static RowPins read(List<Tok> tokens) {
        if (tokens == null || tokens.isEmpty()) {
            return null;
        }
        TextPins r = new TextPins(tokens);
        int end = tokens.size();
        if (tokens.get(end - 1).isSymbol(';')) {
            end--;
        }
        Tok first = tokens.get(0);
        if (first.is("SELECT")) {
            return r.select(end);
        }
        if (first.is("UPDATE")) {
            return r.update(end);
        }
        if (first.is("DELETE")) {
            return r.delete(end);
        }
        if (first.is("INSERT") || first.is("REPLACE")) {
            return r.insert(end, first.is("REPLACE"));
        }
        return null;
    }

    // --- statements ---

    private RowPins select(int end) {
        int from = indexOfWord(1, end, "FROM");
        if (from < 0) {
            return null;
        }
        int i = target(from + 1, end, "WHERE");
        if (i < 0 || i >= end || !t.get(i).is("WHERE")) {
            return null;
        }
        int whereEnd = indexOfAny(i + 1, end, QUERY_TAIL);
        RowPins.Builder b = new RowPins.Builder(last(tableName));
        return where(i + 1, whereEnd, b) ? b.build() : null;
    }

    private RowPins update(int end) {
        if (t.size() < 2 || t.get(1).is("LOW_PRIORITY") || t.get(1).is("IGNORE") || t.get(1).is("ONLY")) {
            return null;
        }
        int i = target(1, end, "SET");
        if (i < 0 || i >= end || !t.get(i).is("SET")) {
            return null;
        }
        int where = indexOfWord(i + 1, end, "WHERE");
        if (where < 0 || indexOfWord(i + 1, where, "FROM") >= 0) {
            return null; // no WHERE, or UPDATE … FROM
        }
        RowPins.Builder b = new RowPins.Builder(last(tableName));
        if (!assignments(i + 1, where, b, null)) {
            return null;
        }
        return where(where + 1, indexOfAny(where + 1, end, WRITE_TAIL), b) ? b.build() : null;
    }

    private RowPins delete(int end) {
        if (t.size() < 2 || !t.get(1).is("FROM")) {
            return null; // DELETE t FROM …, modifiers
        }
        int i = target(2, end, "WHERE");
        if (i < 0 || i >= end || !t.get(i).is("WHERE")) {
            return null;
        }
        RowPins.Builder b = new RowPins.Builder(last(tableName));
        return where(i + 1, indexOfAny(i + 1, end, WRITE_TAIL), b) ? b.build() : null;
    }

    private RowPins insert(int end, boolean replace) {
        if (t.size() < 2 || !t.get(1).is("INTO")) {
            return null; // modifiers (IGNORE, LOW_PRIORITY, …) or INTO left out
        }
        int i = name(2, end);
        if (i < 0) {
            return null;
        }
        alias = null;
        if (i + 1 < end && t.get(i).is("AS") && t.get(i + 1).isName()) {
            alias = t.get(i + 1).value;
            i += 2;
        }
        RowPins.Builder b = new RowPins.Builder(last(tableName));
        if (replace) {
            b.onConflict = RowPins.OnConflict.REPLACE;
        }
        if (i < end && t.get(i).is("SET")) {
            // MySQL's INSERT INTO t SET a = 1, b = ?: one row
            int setEnd = indexOfWord(i + 1, end, "ON");
            if (setEnd < 0) {
                setEnd = indexOfWord(i + 1, end, "RETURNING");
            }
            if (setEnd < 0) {
                setEnd = end;
            }
            RowPins.Builder row = new RowPins.Builder(b.table);
            if (!assignments(i + 1, setEnd, row, null)) {
                return null;
            }
            Map<String, PinnedValue> values = new LinkedHashMap<>();
            for (Map.Entry<String, PinnedValue> e : row.assigned.entrySet()) {
                b.insertedColumns.add(e.getKey());
                if (e.getValue() != null) {
                    values.put(e.getKey(), e.getValue());
                }
            }
            b.insertedRows.add(values);
            i = setEnd;
        } else {
            if (i >= end || !t.get(i).isSymbol('(')) {
                return null;
            }
            int close = closing(i);
            if (close < 0) {
                return null;
            }
            for (int[] item : split(i + 1, close)) {
                if (item[1] - item[0] != 1 || !t.get(item[0]).isName()) {
                    return null;
                }
                String column = t.get(item[0]).value;
                if (b.insertedColumns.contains(column)) {
                    return null;
                }
                b.insertedColumns.add(column);
            }
            i = close + 1;
            if (i >= end || !(t.get(i).is("VALUES") || t.get(i).is("VALUE"))) {
                return null;
            }
            i++;
            while (true) {
                if (i >= end || !t.get(i).isSymbol('(')) {
                    return null;
                }
                close = closing(i);
                if (close < 0 || close >= end) {
                    return null;
                }
                List<int[]> items = split(i + 1, close);
                if (items.size() != b.insertedColumns.size()) {
                    return null;
                }
                Map<String, PinnedValue> values = new LinkedHashMap<>();
                for (int k = 0; k < items.size(); k++) {
                    PinnedValue v = value(items.get(k)[0], items.get(k)[1]);
                    if (v != null) {
                        values.put(b.insertedColumns.get(k), v);
                    }
                }
                b.insertedRows.add(values);
                i = close + 1;
                if (i < end && t.get(i).isSymbol(',')) {
                    i++;
                    continue;
                }
                break;
            }
        }
        if (i < end && t.get(i).is("ON")) {
            if (replace) {
                return null;
            }
            i = conflict(i + 1, end, b);
            if (i < 0) {
                return null;
            }
        }
        if (i < end && !t.get(i).is("RETURNING")) {
            return null;
        }
        return b.build();
    }

    /**
     * ON CONFLICT [(columns) [WHERE …] | ON CONSTRAINT name] DO NOTHING | DO UPDATE SET … [WHERE …], or
     * ON DUPLICATE KEY UPDATE …, from the word after ON; the index past it, or -1.
     */
    private int conflict(int i, int end, RowPins.Builder b) {
        int tail = indexOfWord(i, end, "RETURNING");
        if (tail < 0) {
            tail = end;
        }
        if (i + 2 < end && t.get(i).is("DUPLICATE") && t.get(i + 1).is("KEY") && t.get(i + 2).is("UPDATE")) {
            b.onConflict = RowPins.OnConflict.DO_UPDATE;
            return assignments(i + 3, tail, b, b) ? tail : -1;
        }
        if (i >= end || !t.get(i).is("CONFLICT")) {
            return -1;
        }
        i++;
        if (i < end && t.get(i).isSymbol('(')) {
            int close = closing(i);
            if (close < 0) {
                return -1;
            }
            for (int[] item : split(i + 1, close)) {
                if (item[1] - item[0] != 1 || !t.get(item[0]).isName()) {
                    return -1;
                }
                b.conflictColumns.add(t.get(item[0]).value);
            }
            i = close + 1;
            if (i < end && t.get(i).is("WHERE")) {
                i = indexOfWord(i + 1, end, "DO");
                if (i < 0) {
                    return -1;
                }
            }
        } else if (i + 2 < end && t.get(i).is("ON") && t.get(i + 1).is("CONSTRAINT") && t.get(i + 2).isName()) {
            i += 3;
        }
        if (i + 1 >= end || !t.get(i).is("DO")) {
            return -1;
        }
        if (t.get(i + 1).is("NOTHING")) {
            b.onConflict = RowPins.OnConflict.DO_NOTHING;
            return i + 2;
        }
        if (i + 2 < end && t.get(i + 1).is("UPDATE") && t.get(i + 2).is("SET")) {
            b.onConflict = RowPins.OnConflict.DO_UPDATE;
            int setEnd = indexOfWord(i + 3, tail, "WHERE");
            if (setEnd < 0) {
                setEnd = tail;
            }
            return assignments(i + 3, setEnd, b, b) ? tail : -1;
        }
        return -1;
    }

    // --- parts ---

    /**
     * Reads {@code name [[AS] alias]} at {@code i} into the target; the index after it, or -1. The alias
     * is any name but {@code stop}.
     */
    private int target(int i, int end, String stop) {
        i = name(i, end);
        if (i < 0) {
            return -1;
        }
        alias = null;
        if (i < end && t.get(i).is("AS")) {
            if (i + 1 >= end || !t.get(i + 1).isName()) {
                return -1;
            }
            alias = t.get(i + 1).value;
            return i + 2;
        }
        if (i < end && t.get(i).isName() && !t.get(i).is(stop)) {
            alias = t.get(i).value;
            return i + 1;
        }
        return i;
    }

    /** Reads a qualified table name at {@code i} into {@link #tableName}; the index after it, or -1. */
    private int name(int i, int end) {
        List<String> parts = new ArrayList<>();
        i = parts(i, end, parts);
        if (i < 0 || parts.size() > 3) {
            return -1;
        }
        tableName = parts;
        return i;
    }

    /** Reads {@code name(.name)*} at {@code i}; the index after it, or -1. */
    private int parts(int i, int end, List<String> out) {
        if (i >= end || !t.get(i).isName()) {
            return -1;
        }
        out.add(t.get(i).value);
        i++;
        while (i + 1 < end && t.get(i).isSymbol('.') && t.get(i + 1).isName()) {
            out.add(t.get(i + 1).value);
            i += 2;
        }
        return i;
    }

    private static String last(List<String> parts) {
        return parts.get(parts.size() - 1);
    }

    /**
     * Reads the assignments {@code col = value, (c1, c2) = (v1, v2), …} in [from, to) into
     * {@code b.assigned}; {@code upsert}, when not null, is the statement whose single inserted row
     * gives {@code excluded.c} and {@code VALUES(c)} their value. False when the list is not plain.
     */
    private boolean assignments(int from, int to, RowPins.Builder b, RowPins.Builder upsert) {
        if (from >= to) {
            return false;
        }
        for (int[] item : split(from, to)) {
            int s = item[0];
            int e = item[1];
            if (s < e && t.get(s).isSymbol('(')) {
                int close = closing(s);
                if (close < 0 || close + 1 >= e || !t.get(close + 1).isSymbol('=')) {
                    return false;
                }
                List<String> columns = columnList(s, close);
                if (columns == null) {
                    return false;
                }
                List<PinnedValue> values = new ArrayList<>();
                int v = close + 2;
                if (v < e && t.get(v).isSymbol('(') && closing(v) == e - 1 && !(v + 1 < e
                        && (t.get(v + 1).is("SELECT") || t.get(v + 1).is("WITH") || t.get(v + 1).is("VALUES")))) {
                    List<int[]> items = split(v + 1, e - 1);
                    if (items.size() == columns.size()) {
                        for (int[] x : items) {
                            values.add(assignedValue(x[0], x[1], upsert));
                        }
                    }
                }
                for (int k = 0; k < columns.size(); k++) {
                    if (!b.assign(columns.get(k), values.isEmpty() ? null : values.get(k))) {
                        return false;
                    }
                }
                continue;
            }
            int eq = -1;
            for (int k = s; k < e; k++) {
                if (t.get(k).isSymbol('=')) {
                    eq = k;
                    break;
                }
            }
            if (eq < 0) {
                return false;
            }
            String column = column(s, eq);
            if (column == null || !b.assign(column, assignedValue(eq + 1, e, upsert))) {
                return false;
            }
        }
        return true;
    }

    /** A value, or for an upsert of one row {@code excluded.c} / {@code VALUES(c)}: that row's value. */
    private PinnedValue assignedValue(int s, int e, RowPins.Builder upsert) {
        PinnedValue v = value(s, e);
        if (v != null || upsert == null || upsert.insertedRows.size() != 1) {
            return v;
        }
        String column = null;
        if (e - s == 3 && t.get(s).is("EXCLUDED") && t.get(s + 1).isSymbol('.') && t.get(s + 2).isName()) {
            column = t.get(s + 2).value;
        } else if (e - s == 4 && t.get(s).is("VALUES") && t.get(s + 1).isSymbol('(') && t.get(s + 2).isName()
                && t.get(s + 3).isSymbol(')')) {
            column = t.get(s + 2).value;
        }
        return column == null ? null : upsert.insertedRows.get(0).get(column);
    }

    /**
     * Reads the WHERE clause in [from, to) as a conjunction into {@code b}; false when it pins nothing
     * or is not a conjunction at its top level.
     */
    private boolean where(int from, int to, RowPins.Builder b) {
        if (from >= to || !conjunction(from, to, b, true)) {
            return false;
        }
        return !b.where.isEmpty();
    }

    /**
     * Splits [from, to) on AND at depth 0 and reads each conjunct. A lower-precedence operator (OR, XOR,
     * MySQL's ||, :=) at depth 0 fails the top level; inside parentheses it makes that conjunct a filter.
     * False when the range is malformed or, at the top level, not a conjunction.
     */
    private boolean conjunction(int from, int to, RowPins.Builder b, boolean top) {
        List<int[]> conjuncts = new ArrayList<>();
        int depth = 0;
        int cases = 0;
        boolean between = false;
        int start = from;
        for (int i = from; i < to; i++) {
            Tok k = t.get(i);
            if (k.isSymbol('(') || k.isSymbol('[')) {
                depth++;
            } else if (k.isSymbol(')') || k.isSymbol(']')) {
                if (--depth < 0) {
                    return false;
                }
            } else if (depth == 0 && k.is("CASE")) {
                cases++;
            } else if (depth == 0 && cases > 0 && k.is("END")) {
                cases--;
            } else if (depth == 0 && cases == 0) {
                if (k.is("OR") || k.is("XOR") || k.isSymbol('|') && i + 1 < to && t.get(i + 1).isSymbol('|')
                        || k.isSymbol(':') && i + 1 < to && t.get(i + 1).isSymbol('=')) {
                    if (top) {
                        return false;
                    }
                    b.partial = true;
                    return true;
                }
                if (k.is("BETWEEN")) {
                    between = true;
                } else if (k.is("AND")) {
                    if (between) {
                        between = false;
                    } else {
                        conjuncts.add(new int[] {start, i});
                        start = i + 1;
                    }
                }
            }
        }
        if (depth != 0 || cases != 0) {
            return false;
        }
        conjuncts.add(new int[] {start, to});
        for (int[] c : conjuncts) {
            if (c[0] >= c[1]) {
                return false;
            }
            if (t.get(c[0]).isSymbol('(') && closing(c[0]) == c[1] - 1) {
                // a parenthesized conjunction reads the same; an OR inside makes it one filter
                if (!conjunction(c[0] + 1, c[1] - 1, b, false)) {
                    return false;
                }
                continue;
            }
            RowPins.Group g = pin(c[0], c[1]);
            if (g == null) {
                b.partial = true;
            } else {
                b.where.add(g);
            }
        }
        return true;
    }

    /** The pin of the conjunct [s, e), or null when it is any other condition. */
    /** The columns of the parenthesised list from {@code open} to {@code close}; null when an item is not a column. */
    private List<String> columnList(int open, int close) {
        List<String> columns = new ArrayList<>();
        for (int[] c : split(open + 1, close)) {
            String column = column(c[0], c[1]);
            if (column == null) {
                return null;
            }
            columns.add(column);
        }
        return columns;
    }

    private RowPins.Group pin(int s, int e) {
        if (t.get(s).isSymbol('(')) {
            // (c1, c2) = (v1, v2) or (c1, c2) IN ((v1, v2), …)
            int close = closing(s);
            if (close < 0 || close + 2 >= e) {
                return null;
            }
            List<String> columns = columnList(s, close);
            if (columns == null) {
                return null;
            }
            Tok op = t.get(close + 1);
            if (op.isSymbol('=')) {
                List<PinnedValue> row = row(close + 2, e, columns.size());
                return row == null ? null : new RowPins.Group(columns, List.of(row));
            }
            if (op.is("IN") && t.get(close + 2).isSymbol('(') && closing(close + 2) == e - 1) {
                List<List<PinnedValue>> rows = new ArrayList<>();
                for (int[] item : split(close + 3, e - 1)) {
                    List<PinnedValue> row = row(item[0], item[1], columns.size());
                    if (row == null) {
                        return null;
                    }
                    rows.add(row);
                }
                return new RowPins.Group(columns, rows);
            }
            return null;
        }
        int eq = -1;
        for (int k = s; k < e; k++) {
            Tok x = t.get(k);
            if (x.isSymbol('=') || x.is("IN") || x.isSymbol('(')) {
                eq = k;
                break;
            }
        }
        if (eq <= s || eq >= e - 1) {
            return null;
        }
        if (t.get(eq).isSymbol('=')) {
            String column = column(s, eq);
            PinnedValue v = value(eq + 1, e);
            if (column == null || v == null) {
                column = column(eq + 1, e);
                v = value(s, eq);
            }
            return column == null || v == null ? null : new RowPins.Group(List.of(column), List.of(List.of(v)));
        }
        if (t.get(eq).is("IN") && t.get(eq + 1).isSymbol('(') && closing(eq + 1) == e - 1) {
            String column = column(s, eq);
            if (column == null) {
                return null;
            }
            List<List<PinnedValue>> values = new ArrayList<>();
            for (int[] item : split(eq + 2, e - 1)) {
                PinnedValue v = value(item[0], item[1]);
                if (v == null) {
                    return null;
                }
                values.add(List.of(v));
            }
            return new RowPins.Group(List.of(column), values);
        }
        return null;
    }

    /** {@code (v1, …, vn)} spanning exactly [s, e) with n values, or null. */
    private List<PinnedValue> row(int s, int e, int n) {
        if (s >= e || !t.get(s).isSymbol('(') || closing(s) != e - 1) {
            return null;
        }
        List<int[]> items = split(s + 1, e - 1);
        if (items.size() != n) {
            return null;
        }
        List<PinnedValue> row = new ArrayList<>(n);
        for (int[] item : items) {
            PinnedValue v = value(item[0], item[1]);
            if (v == null) {
                return null;
            }
            row.add(v);
        }
        return row;
    }

    /** The table's column named by exactly the tokens [s, e), or null. */
    private String column(int s, int e) {
        List<String> parts = new ArrayList<>();
        if (parts(s, e, parts) != e || parts.size() > 4) {
            return null;
        }
        String column = last(parts);
        Tok c = t.get(e - 1);
        if (c.type == Type.WORD && NOT_COLUMNS.contains(column)) {
            return null;
        }
        List<String> qualifier = parts.subList(0, parts.size() - 1);
        return qualifies(qualifier, tableName, alias) ? column : null;
    }

    /**
     * Whether a column qualifier names the statement's table: none, the alias when there is one, else
     * the table's name with or without its schema (canonical parts, outermost first).
     */
    static boolean qualifies(List<String> qualifier, List<String> table, String alias) {
        if (qualifier.isEmpty()) {
            return true;
        }
        if (alias != null) {
            return qualifier.size() == 1 && qualifier.get(0).equals(alias);
        }
        List<String> shorter = qualifier.size() <= table.size() ? qualifier : table;
        List<String> longer = qualifier.size() <= table.size() ? table : qualifier;
        return longer.subList(longer.size() - shorter.size(), longer.size()).equals(shorter);
    }

    /** The value spanning exactly [s, e): a parameter, an integer or a plain string; else null. */
    private PinnedValue value(int s, int e) {
        if (e - s == 1) {
            Tok v = t.get(s);
            if (v.type == Type.PARAMETER) {
                return PinnedValue.parameter(parameterNumber[s]);
            }
            if (v.type == Type.NUMBER && PinnedValue.isDigits(v.text)) {
                return PinnedValue.number(v.text);
            }
            if (v.type == Type.STRING && v.plain) {
                return PinnedValue.string(v.value);
            }
            return null;
        }
        if (e - s == 2 && (t.get(s).isSymbol('-') || t.get(s).isSymbol('+')) && t.get(s + 1).type == Type.NUMBER
                && PinnedValue.isDigits(t.get(s + 1).text)) {
            return PinnedValue.number(t.get(s).text + t.get(s + 1).text);
        }
        return null;
    }

    // --- token navigation ---

    /** The index of the ")" closing the "(" at {@code open}, or -1. */
    private int closing(int open) {
        int depth = 0;
        for (int i = open; i < t.size(); i++) {
            if (t.get(i).isSymbol('(')) {
                depth++;
            } else if (t.get(i).isSymbol(')') && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The ranges of [from, to) between commas at depth 0. */
    private List<int[]> split(int from, int to) {
        List<int[]> out = new ArrayList<>();
        int depth = 0;
        int start = from;
        for (int i = from; i < to; i++) {
            Tok k = t.get(i);
            if (k.isSymbol('(') || k.isSymbol('[')) {
                depth++;
            } else if (k.isSymbol(')') || k.isSymbol(']')) {
                depth--;
            } else if (depth == 0 && k.isSymbol(',')) {
                out.add(new int[] {start, i});
                start = i + 1;
            }
        }
        out.add(new int[] {start, to});
        return out;
    }

    /** The index of {@code word} at depth 0 in [from, to), or -1. */
    private int indexOfWord(int from, int to, String word) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            Tok k = t.get(i);
            if (k.isSymbol('(') || k.isSymbol('[')) {
                depth++;
            } else if (k.isSymbol(')') || k.isSymbol(']')) {
                depth--;
            } else if (depth == 0 && k.is(word)) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first of {@code words} at depth 0 in [from, to), or {@code to}. */
    private int indexOfAny(int from, int to, Set<String> words) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            Tok k = t.get(i);
            if (k.isSymbol('(') || k.isSymbol('[')) {
                depth++;
            } else if (k.isSymbol(')') || k.isSymbol(']')) {
                depth--;
            } else if (depth == 0 && k.type == Type.WORD && words.contains(k.text.toUpperCase(java.util.Locale.ROOT))) {
                return i;
            }
        }
        return to;
    }
}
