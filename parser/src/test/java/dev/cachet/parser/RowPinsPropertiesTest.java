package dev.cachet.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The key pins are exactly right on generated statements, and never claim a column a statement does not
 * compare by {@code =} at the top level of its WHERE clause, whatever the input.
 */
class RowPinsPropertiesTest {

    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(0, Duration.ofSeconds(5));
    private static final Dialect[] DIALECTS = {Dialect.POSTGRESQL, Dialect.MYSQL, Dialect.H2};

    /** One generated statement and the pins it must have. */
    record Case(String sql, Dialect dialect, RowPins expected) {
        @Override
        public String toString() {
            return "[" + dialect + "] " + sql + "\n  expected: " + expected;
        }
    }

    // --- generated look-ups, updates and deletes: the pins, parameter indexes included, are exactly right ---

    @Property(tries = 1500)
    void generatedStatementsHaveExactlyTheirPins(@ForAll("statements") Case c) {
        StatementInfo info = ANALYZER.analyzeUncached(c.sql(), c.dialect());
        Invariants.check(info);
        assertThat(info.rowPins()).as(c + "\n  actual: " + info).isEqualTo(c.expected());
    }

    @Provide
    Arbitrary<Case> statements() {
        return Arbitraries.randomValue(RowPinsPropertiesTest::generate);
    }

    /** Builds a statement from random parts, counting every parameter marker as it writes it. */
    static Case generate(Random r) {
        Dialect d = DIALECTS[r.nextInt(DIALECTS.length)];
        Gen g = new Gen(r, d);
        return g.statement();
    }

    /** The generator's state: the text so far and the number of markers written. */
    static final class Gen {
        final Random r;
        final Dialect d;
        final StringBuilder sql = new StringBuilder();
        int parameters;
        String table;
        String schema;
        String alias;

        Gen(Random r, Dialect d) {
            this.r = r;
            this.d = d;
        }

        Case statement() {
            table = "t_" + word();
            int kind = r.nextInt(4);
            String tableRef = name(table);
            switch (r.nextInt(3)) {
                case 0:
                    alias = null;
                    break;
                case 1:
                    alias = "a_" + word();
                    tableRef += " " + name(alias);
                    break;
                default:
                    alias = "a_" + word();
                    tableRef += " as " + name(alias);
            }
            if (r.nextBoolean()) {
                schema = "s_" + word();
                tableRef = name(schema) + "." + tableRef;
            }
            RowPins.Builder b = new RowPins.Builder(table.toLowerCase(Locale.ROOT));
            if (kind <= 1) {
                sql.append(r.nextBoolean() ? "select " : "SELECT ");
                int items = 1 + r.nextInt(4);
                for (int i = 0; i < items; i++) {
                    sql.append(i == 0 ? "" : ", ").append(selectItem());
                }
                sql.append(" from ").append(tableRef);
            } else if (kind == 2) {
                sql.append("update ").append(tableRef).append(" set ");
                int sets = 1 + r.nextInt(3);
                for (int i = 0; i < sets; i++) {
                    String column = "u_" + i + word();
                    sql.append(i == 0 ? "" : ", ").append(column(column)).append(" = ");
                    b.assign(column.toLowerCase(Locale.ROOT), assignedValue());
                }
            } else {
                sql.append("delete from ").append(tableRef);
            }
            sql.append(separator()).append("where").append(separator());
            where(b);
            if (kind <= 1 && r.nextBoolean()) {
                sql.append(" order by ").append(column("o_" + word()));
            }
            if (kind <= 1 && r.nextBoolean()) {
                sql.append(" limit ").append(parameter());
                if (r.nextBoolean()) {
                    sql.append(" offset ").append(parameter());
                }
            }
            return new Case(sql.toString(), d, b.build());
        }

        /** The WHERE clause: pins and other conditions in random order, some in parentheses. */
        void where(RowPins.Builder b) {
            int pins = 1 + r.nextInt(3);
            int others = r.nextInt(4);
            List<Boolean> order = new ArrayList<>();
            for (int i = 0; i < pins; i++) {
                order.add(Boolean.TRUE);
            }
            for (int i = 0; i < others; i++) {
                order.add(Boolean.FALSE);
            }
            Collections.shuffle(order, r);
            boolean open = false;
            for (int i = 0; i < order.size(); i++) {
                if (i > 0) {
                    sql.append(separator()).append(r.nextBoolean() ? "and" : "AND").append(separator());
                }
                if (!open && i + 1 < order.size() && r.nextInt(5) == 0) {
                    sql.append('(');
                    open = true;
                }
                if (order.get(i)) {
                    pin(b);
                } else {
                    other();
                    b.partial = true;
                }
                if (open && (i + 1 == order.size() || r.nextInt(3) == 0)) {
                    sql.append(')');
                    open = false;
                }
            }
        }

        void pin(RowPins.Builder b) {
            String c1 = "c_" + word();
            String k1 = c1.toLowerCase(Locale.ROOT);
            switch (r.nextInt(6)) {
                case 0: {
                    sql.append(qualified(c1)).append(" = ");
                    PinnedValue v = value();
                    b.where.add(new RowPins.Group(List.of(k1), List.of(List.of(v))));
                    break;
                }
                case 1: {
                    PinnedValue v = value();
                    sql.append(" = ").append(qualified(c1));
                    b.where.add(new RowPins.Group(List.of(k1), List.of(List.of(v))));
                    break;
                }
                case 2: {
                    sql.append(qualified(c1)).append(r.nextBoolean() ? " in (" : " IN (");
                    List<List<PinnedValue>> alternatives = new ArrayList<>();
                    int n = 1 + r.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        sql.append(i == 0 ? "" : r.nextBoolean() ? ", " : " ,");
                        alternatives.add(List.of(value()));
                    }
                    sql.append(')');
                    b.where.add(new RowPins.Group(List.of(k1), alternatives));
                    break;
                }
                case 3:
                case 4: {
                    String c2 = "d_" + word();
                    List<String> columns = List.of(k1, c2.toLowerCase(Locale.ROOT));
                    sql.append('(').append(qualified(c1)).append(", ").append(qualified(c2)).append(')');
                    List<List<PinnedValue>> alternatives = new ArrayList<>();
                    if (r.nextBoolean()) {
                        sql.append(" = ");
                        alternatives.add(row());
                    } else {
                        sql.append(" in (");
                        int n = 1 + r.nextInt(3);
                        for (int i = 0; i < n; i++) {
                            sql.append(i == 0 ? "" : ", ");
                            alternatives.add(row());
                        }
                        sql.append(')');
                    }
                    b.where.add(new RowPins.Group(columns, alternatives));
                    break;
                }
                default: {
                    // a pin in its own parentheses
                    sql.append('(').append(qualified(c1)).append(" = ");
                    PinnedValue v = value();
                    sql.append(')');
                    b.where.add(new RowPins.Group(List.of(k1), List.of(List.of(v))));
                }
            }
        }

        List<PinnedValue> row() {
            sql.append('(');
            PinnedValue a = value();
            sql.append(", ");
            PinnedValue b = value();
            sql.append(')');
            return List.of(a, b);
        }

        /** A condition that is not a pin; its markers count all the same. */
        void other() {
            String c = qualified("x_" + word());
            switch (r.nextInt(12)) {
                case 0: sql.append(c).append(" > ").append(parameter()); break;
                case 1: sql.append(c).append(" like ").append(parameter()); break;
                case 2: sql.append(c).append(" is null"); break;
                case 3: sql.append("lower(").append(c).append(") = ").append(parameter()); break;
                case 4: sql.append(c).append(" between ").append(parameter()).append(" and ").append(parameter()); break;
                case 5: sql.append('(').append(c).append(" = ").append(parameter()).append(" or ").append(c)
                        .append(" = ").append(parameter()).append(')'); break;
                case 6: sql.append(c).append(" <> 'x?''y'"); break;
                case 7: sql.append(c).append(" not in (").append(parameter()).append(", ").append(parameter())
                        .append(')'); break;
                case 8: sql.append(c).append(" + 0 = ").append(parameter()); break;
                case 9: sql.append(c).append(" = ").append(d == Dialect.POSTGRESQL ? "?::int" : "cast(? as int)");
                    parameters++;
                    break;
                case 10: sql.append(c).append(" >= ").append(parameter()); break;
                default: sql.append(c).append(" = ").append(parameter()).append(" + 1");
            }
        }

        String selectItem() {
            switch (r.nextInt(8)) {
                case 0: return parameter();
                case 1: return "'a?b'";
                case 2:
                    parameters++;
                    return d == Dialect.POSTGRESQL && r.nextBoolean() ? "?::int" : "cast(? as int)";
                case 3: return "coalesce(" + column("s_" + word()) + ", " + parameter() + ")";
                case 4: return "/* ? */ " + column("s_" + word());
                case 5: return "lower(" + column("s_" + word()) + ")";
                case 6: return "count(*)";
                default: return column("s_" + word());
            }
        }

        /** A value that pins: a marker, an integer or a string; written to the text. */
        PinnedValue value() {
            switch (r.nextInt(4)) {
                case 0: {
                    int n = r.nextInt(2000) - 1000;
                    sql.append(n);
                    return PinnedValue.number(String.valueOf(n));
                }
                case 1: {
                    String s = r.nextBoolean() ? "it''s ?" : word();
                    sql.append('\'').append(s).append('\'');
                    return PinnedValue.string(s.replace("''", "'"));
                }
                default:
                    sql.append(parameter());
                    return PinnedValue.parameter(parameters);
            }
        }

        PinnedValue assignedValue() {
            switch (r.nextInt(3)) {
                case 0:
                    sql.append("lower(").append(parameter()).append(')');
                    return null;
                case 1:
                    sql.append(column("z_" + word())).append(" + 1");
                    return null;
                default:
                    return value();
            }
        }

        String parameter() {
            parameters++;
            return "?";
        }

        /** White space, sometimes a comment holding a marker-like character. */
        String separator() {
            switch (r.nextInt(8)) {
                case 0: return " /* ? and x = ? */ ";
                case 1: return d == Dialect.MYSQL ? " -- ? or 1 = 1\n" : " --? or 1 = 1\n";
                case 2: return "\n\t";
                default: return " ";
            }
        }

        String qualified(String column) {
            String c = column(column);
            switch (r.nextInt(3)) {
                case 0: return c;
                case 1: return alias != null ? name(alias) + "." + c : name(table) + "." + c;
                default: return alias != null ? name(alias) + "." + c
                        : name(schema == null ? "s_x" : schema) + "." + name(table) + "." + c;
            }
        }

        String column(String column) {
            return name(column);
        }

        /** A name in random case, sometimes quoted the dialect's way. */
        String name(String n) {
            String cased = r.nextBoolean() ? n : n.toUpperCase(Locale.ROOT);
            if (r.nextInt(4) == 0) {
                return d == Dialect.MYSQL ? "`" + cased + "`" : "\"" + cased + "\"";
            }
            return cased;
        }

        String word() {
            int n = 1 + r.nextInt(6);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append((char) ('a' + r.nextInt(26)));
            }
            if (r.nextBoolean()) {
                b.append(r.nextInt(10));
            }
            return b.toString();
        }
    }

    // --- mutations: a pin is always a column compared by = at the top level, with the right marker ---

    private static final List<String> CORPUS = corpus();
    private static final String[] PIN_TOKENS = {"where", "and", "or", "not", "in", "=", "<>", "(", ")", ",", "?",
        "'", "--", "/*", "*/", "\n", " ", "id", "t.id", "x", "1", "-", "||", "between", "case", "end", "is null",
        "select", "from", "join", "union", "$$", "::int", "??", "e'", "\\"};

    private static List<String> corpus() {
        try {
            return CorpusTest.entries().stream().map(CorpusTest.Entry::sql).distinct().collect(Collectors.toList());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Property(tries = 2000)
    void mutatedStatementsNeverPinAColumnTheyDoNotCompare(@ForAll("mutated") String sql, @ForAll Dialect dialect) {
        StatementInfo info = ANALYZER.analyzeUncached(sql, dialect);
        Invariants.check(info);
        RowPins pins = info.rowPins();
        if (pins == null || pins.pinnedColumns().isEmpty()) {
            return;
        }
        TopLevel oracle = TopLevel.of(sql);
        Assume.that(oracle != null);
        for (RowPins.Group g : pins.groups()) {
            for (String column : g.columns) {
                assertThat(oracle.compared).as("%s\n  pins %s: %s is not compared at the top level (%s)", sql, pins,
                        column, oracle.compared).contains(column);
            }
            if (g.columns.size() == 1) {
                for (List<PinnedValue> alternative : g.alternatives) {
                    if (alternative.get(0).isParameter()) {
                        assertThat(oracle.markerOf.get(g.columns.get(0))).as("%s\n  pins %s: %s's marker", sql,
                                pins, g.columns.get(0)).contains(alternative.get(0).parameterIndex());
                    }
                }
            }
        }
    }

    @Example
    void aQualifiedNameSplitAcrossLinesIsReadAsItsColumn() {
        // found by the property: the oracle once read "a\n.c" inside a row as no name at all
        String sql = "select * from t as a where a.x between ? and ? and (a.b like ?\n"
                + "\tAND (`a`.c, a\n.d) in ((?, ?), (?, -415)))";
        assertThat(TopLevel.of(sql).compared).contains("c", "d");
        for (Dialect dialect : Dialect.values()) {
            mutatedStatementsNeverPinAColumnTheyDoNotCompare(sql, dialect);
        }
    }

    @Provide
    Arbitrary<String> mutated() {
        Arbitrary<String> base = Arbitraries.oneOf(Arbitraries.of(CORPUS),
                Arbitraries.randomValue(r -> generate(r).sql()));
        Arbitrary<List<Tuple.Tuple3<Integer, Double, String>>> edits = Combinators.combine(
                Arbitraries.integers().between(0, 5), Arbitraries.doubles().between(0, 1),
                Arbitraries.oneOf(Arbitraries.of(PIN_TOKENS), Arbitraries.strings().ofMaxLength(3)))
                .as(Tuple::of).list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(base, edits).as(AnalyzerPropertiesTest::mutate);
    }

    @Property(tries = 1000)
    void pinTokenSoupNeverThrows(@ForAll("soup") String sql, @ForAll Dialect dialect) {
        Invariants.check(ANALYZER.analyzeUncached(sql, dialect));
    }

    @Provide
    Arbitrary<String> soup() {
        return Arbitraries.of(PIN_TOKENS).list().ofMinSize(1).ofMaxSize(25)
                .map(l -> "select * from t where " + String.join(" ", l));
    }

    /**
     * A deliberately simple, independent reading of a WHERE clause, for the oracle: literals and comments
     * masked, the clause cut at its first top-level tail keyword, split on top-level AND (BETWEEN's AND
     * and CASE … END aside), and every column a conjunct compares with {@code =} or {@code IN} noted, with
     * the number of the marker it is compared to. Null when the text is outside what it can read (several
     * lexical readings, dollar tags).
     */
    static final class TopLevel {
        final java.util.Set<String> compared = new java.util.HashSet<>();
        final java.util.Map<String, java.util.Set<Integer>> markerOf = new java.util.HashMap<>();

        private static final Pattern NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_$]*");
        private static final Pattern TAIL = Pattern.compile(
                "\\b(group|having|order|limit|offset|fetch|for|union|intersect|except|returning|window|into|lock)\\b|;");

        static TopLevel of(String sql) {
            if (sql.contains("\\") || sql.contains("#") || sql.contains("//") || sql.contains("$")
                    || sql.matches("(?s).*[eE]'.*")) {
                return null;
            }
            char[] m = sql.toLowerCase(Locale.ROOT).toCharArray();
            for (int i = 0; i < m.length; i++) {
                char c = m[i];
                int end = -1;
                if (c == '\'' || c == '"' || c == '`') {
                    end = i + 1;
                    while (end < m.length && (m[end] != c || end + 1 < m.length && m[end + 1] == c)) {
                        end += m[end] == c ? 2 : 1;
                    }
                    if (end >= m.length) {
                        return null;
                    }
                    if (c == '\'') {
                        if (i > 0 && wordChar(sql.charAt(i - 1)) || end + 1 < m.length && wordChar(sql.charAt(end + 1))) {
                            return null; // 'a'where: masking would glue the literal to the keyword next to it
                        }
                        java.util.Arrays.fill(m, i, end + 1, 'S');
                    } else {
                        for (int k = i + 1; k < end; k++) {
                            if (!Character.isLetterOrDigit(m[k]) && m[k] != '_') {
                                return null; // a quoted name only the real readers need to read
                            }
                        }
                        m[i] = ' ';
                        m[end] = ' ';
                    }
                    i = end;
                } else if (c == '-' && i + 1 < m.length && m[i + 1] == '-') {
                    end = sql.indexOf('\n', i);
                    end = end < 0 ? m.length : end;
                    java.util.Arrays.fill(m, i, end, ' ');
                    i = end;
                } else if (c == '/' && i + 1 < m.length && m[i + 1] == '*') {
                    end = sql.indexOf("*/", i + 2);
                    if (end < 0 || sql.indexOf("/*", i + 2) >= 0 && sql.indexOf("/*", i + 2) < end) {
                        return null;
                    }
                    java.util.Arrays.fill(m, i, end + 2, ' ');
                    i = end + 1;
                }
            }
            String masked = new String(m);
            List<Integer> markers = new ArrayList<>();
            for (int i = 0; i < m.length; i++) {
                if (m[i] == '?') {
                    markers.add(i);
                }
            }
            TopLevel out = new TopLevel();
            Matcher where = Pattern.compile("\\bwhere\\b").matcher(masked);
            while (where.find()) {
                if (depth(masked, where.start()) != 0) {
                    continue;
                }
                int start = where.end();
                int end = masked.length();
                Matcher tail = TAIL.matcher(masked);
                tail.region(start, masked.length());
                while (tail.find()) {
                    if (depth(masked, tail.start()) == depth(masked, start)) {
                        end = tail.start();
                        break;
                    }
                }
                out.read(masked, start, end, markers);
            }
            return out;
        }

        private static boolean wordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }

        private static int depth(String s, int at) {
            int depth = 0;
            for (int i = 0; i < at; i++) {
                if (s.charAt(i) == '(') {
                    depth++;
                } else if (s.charAt(i) == ')') {
                    depth--;
                }
            }
            return depth;
        }

        /** Splits [start, end) on top-level AND and notes the columns each conjunct compares. */
        private void read(String s, int start, int end, List<Integer> markers) {
            int depth = 0;
            int cases = 0;
            boolean between = false;
            int from = start;
            for (int i = start; i <= end; i++) {
                if (i == end) {
                    conjunct(s, from, end, markers);
                    break;
                }
                char c = s.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                } else if (depth == 0 && word(s, i, "case")) {
                    cases++;
                } else if (depth == 0 && word(s, i, "end")) {
                    cases--;
                } else if (depth == 0 && cases == 0 && word(s, i, "between")) {
                    between = true;
                } else if (depth == 0 && cases == 0 && word(s, i, "and")) {
                    if (between) {
                        between = false;
                    } else {
                        conjunct(s, from, i, markers);
                        from = i + 3;
                    }
                }
            }
        }

        /** Whether the "(" at 0 closes at the last character. */
        private static boolean wrapped(String c) {
            int depth = 0;
            for (int i = 0; i < c.length(); i++) {
                if (c.charAt(i) == '(') {
                    depth++;
                } else if (c.charAt(i) == ')' && --depth == 0) {
                    return i == c.length() - 1;
                }
            }
            return false;
        }

        private static boolean word(String s, int i, String w) {
            return s.startsWith(w, i) && (i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1)) && s.charAt(i - 1) != '_')
                    && (i + w.length() >= s.length() || !Character.isLetterOrDigit(s.charAt(i + w.length()))
                    && s.charAt(i + w.length()) != '_');
        }

        private void conjunct(String s, int from, int to, List<Integer> markers) {
            String c = s.substring(from, to).trim();
            int offset = s.indexOf(c, from);
            if (c.startsWith("(") && wrapped(c)) {
                // (a = 1 and b = 2): the inside is a conjunction of its own
                read(s, offset + 1, offset + c.length() - 1, markers);
                return;
            }
            Matcher lead = Pattern.compile("^((?:[\\p{L}_][\\p{L}\\p{N}_$]*\\s*\\.\\s*)*)([\\p{L}_][\\p{L}\\p{N}_$]*)\\s*(=|in\\b)")
                    .matcher(c);
            if (lead.find()) {
                note(lead.group(2), c, offset, lead.end(), markers);
            }
            Matcher trail = Pattern.compile("=\\s*((?:[\\p{L}_][\\p{L}\\p{N}_$]*\\s*\\.\\s*)*)([\\p{L}_][\\p{L}\\p{N}_$]*)$").matcher(c);
            if (trail.find()) {
                String before = c.substring(0, trail.start()).trim();
                compared.add(trail.group(2));
                if (before.equals("?")) {
                    markerOf.computeIfAbsent(trail.group(2), k -> new java.util.HashSet<>())
                            .add(markers.indexOf(offset) + 1);
                }
            }
            Matcher row = Pattern.compile("^\\(([^()]*)\\)\\s*(=|in\\b)").matcher(c);
            if (row.find()) {
                for (String part : row.group(1).split(",")) {
                    Matcher n = NAME.matcher(part.trim().replaceAll("(?s).*\\.\\s*", ""));
                    if (n.matches()) {
                        compared.add(n.group());
                    }
                }
            }
        }

        private void note(String column, String c, int offset, int after, List<Integer> markers) {
            compared.add(column);
            String rest = c.substring(after).trim();
            if (rest.equals("?") || rest.startsWith("(") && rest.endsWith(")")
                    && rest.indexOf('(', 1) < 0 && rest.indexOf(')') == rest.length() - 1) {
                // col = ? or col IN (?, ?, …): the markers it is compared to
                int base = offset + c.length() - rest.length();
                for (int i = 0; i < rest.length(); i++) {
                    if (rest.charAt(i) == '?') {
                        markerOf.computeIfAbsent(column, k -> new java.util.HashSet<>())
                                .add(markers.indexOf(base + i) + 1);
                    }
                }
            }
        }
    }
}
