package dev.cachet.parser;

import dev.cachet.parser.PinTokens.Tok;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.ConflictActionType;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictAction;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;
import net.sf.jsqlparser.statement.upsert.UpsertType;

/**
 * Reads the key pins of a statement from JSqlParser's syntax tree, and checks the tree's parameters
 * against the text's. The shape rules live here: one table, no join, no CTE, no subquery in a query,
 * no clause this class does not know (every node is checked field by field against what a plain
 * statement may set, so a clause added to JSqlParser later is refused, not ignored). Its answer counts
 * only when {@link TextPins} reads the same pins from the tokens: JSqlParser 5.3 builds, for example,
 * {@code id IN (1, 2) AND b = 3} as {@code id IN ((1, 2) AND b = 3)}, which is repaired here and would
 * be caught there. Not thread-safe; one instance per reading.
 */
final class TreePins {

    private static final Set<String> SELECT_FIELDS = fields("distinct", "selectItems", "fromItem", "where",
            "groupBy", "having", "qualify", "windowDefinitions", "orderByElements", "limit", "offset", "fetch", "top",
            "skip", "first", "mySqlSqlCalcFoundRows", "mySqlCacheFlag", "oracleHint", "mySqlHintStraightJoin");
    private static final Set<String> UPDATE_FIELDS = fields("table", "where", "updateSets", "orderByElements",
            "limit", "returningClause", "oracleHint");
    private static final Set<String> DELETE_FIELDS = fields("table", "where", "orderByElements", "limit",
            "returningClause", "oracleHint", "hasFrom");
    private static final Set<String> INSERT_FIELDS = fields("table", "columns", "select", "duplicateUpdateSets",
            "returningClause", "setUpdateSets", "conflictTarget", "conflictAction", "oracleHint");
    private static final Set<String> UPSERT_FIELDS = fields("table", "columns", "select", "updateSets",
            "upsertType", "isUsingInto");
    private static final Set<String> TABLE_FIELDS = fields("partItems", "partDelimiters", "alias");
    private static final Set<String> ALIAS_FIELDS = fields("name", "useAs");
    private static final Set<String> VALUES_FIELDS = fields("expressions");

    private final Dialect dialect;
    private List<String> tableName;
    private String alias;

    private TreePins(Dialect dialect) {
        this.dialect = dialect;
    }

    private static Set<String> fields(String... names) {
        return new HashSet<>(Arrays.asList(names));
    }

    /**
     * The pins of {@code st} as its tree shows them, or null. {@code facts} is the walk over the whole
     * statement. The parameter indexes are JSqlParser's: they count only once
     * {@link #parametersMatch(AstFacts, List)} has checked them against the text's markers.
     */
    static RowPins read(Statement st, Dialect dialect, AstFacts facts) {
        TreePins r = new TreePins(dialect);
        if (st.getClass() == PlainSelect.class) {
            return r.query((PlainSelect) st, facts);
        }
        if (st instanceof Update) {
            return r.update((Update) st, facts);
        }
        if (st instanceof Delete) {
            return r.delete((Delete) st, facts);
        }
        if (st instanceof Insert) {
            return r.insert((Insert) st, facts);
        }
        if (st instanceof Upsert) {
            return r.replace((Upsert) st, facts);
        }
        return null;
    }

    /**
     * Whether the tree's parameters are exactly the text's markers: as many, each plain ({@code ?}, not
     * {@code ?1}, {@code $1} or {@code :name}), numbered 1…n by JSqlParser in the order it read them, and —
     * where the node kept its token — the parameter at the marker of the same number.
     */
    static boolean parametersMatch(AstFacts facts, List<Tok> tokens) {
        if (facts.otherParameters) {
            return false;
        }
        List<Tok> markers = new ArrayList<>();
        for (Tok t : tokens) {
            if (t.type == PinTokens.Type.PARAMETER) {
                markers.add(t);
            }
        }
        if (facts.parameters.size() != markers.size()) {
            return false;
        }
        boolean[] seen = new boolean[markers.size() + 1];
        for (JdbcParameter p : facts.parameters) {
            Integer index = p.getIndex();
            if (p.isUseFixedIndex() || !"?".equals(p.getParameterCharacter()) || index == null || index < 1
                    || index > markers.size() || seen[index]) {
                return false;
            }
            seen[index] = true;
            if (p.getASTNode() != null) {
                Token token = p.getASTNode().jjtGetFirstToken();
                // JSqlParser's absolute positions count from 1
                if (token != null && token.absoluteBegin > 0
                        && token.absoluteBegin - 1 != markers.get(index - 1).start) {
                    return false;
                }
            }
        }
        return true;
    }

    // --- statements ---

    private RowPins query(PlainSelect s, AstFacts f) {
        if (!onlySet(s, SELECT_FIELDS) || f.selects != 1 || f.selectInto || f.lockingRead || !f.written.isEmpty()
                || !(s.getFromItem() instanceof Table) || s.getWhere() == null || !target((Table) s.getFromItem())
                || f.read.size() != 1 || !f.read.contains(last(tableName))) {
            return null;
        }
        RowPins.Builder b = new RowPins.Builder(last(tableName));
        return where(s.getWhere(), b) ? b.build() : null;
    }

    private RowPins update(Update u, AstFacts f) {
        if (!onlySet(u, UPDATE_FIELDS) || u.getWhere() == null || !target(u.getTable()) || !writesOnlyTarget(f)
                || !plainReturning(u.getReturningClause())) {
            return null;
        }
        RowPins.Builder b = new RowPins.Builder(last(tableName));
        if (!assignments(u.getUpdateSets(), b, null)) {
            return null;
        }
        return where(u.getWhere(), b) ? b.build() : null;
    }

    private RowPins delete(Delete d, AstFacts f) {
        if (!onlySet(d, DELETE_FIELDS) || !d.isHasFrom() || d.getWhere() == null || !target(d.getTable())
                || !writesOnlyTarget(f) || !plainReturning(d.getReturningClause())) {
            return null;
        }
        RowPins.Builder b = new RowPins.Builder(last(tableName));
        return where(d.getWhere(), b) ? b.build() : null;
    }

    private RowPins insert(Insert i, AstFacts f) {
        if (!onlySet(i, INSERT_FIELDS) || !target(i.getTable()) || !writesOnlyTarget(f)
                || !plainReturning(i.getReturningClause())) {
            return null;
        }
        RowPins.Builder b = new RowPins.Builder(last(tableName));
        if (i.getSetUpdateSets() != null && !i.getSetUpdateSets().isEmpty()) {
            if (i.getColumns() != null || i.getSelect() != null || !oneRowFromAssignments(i.getSetUpdateSets(), b)) {
                return null;
            }
        } else if (!rows(i.getColumns(), i.getSelect(), b)) {
            return null;
        }
        boolean duplicate = i.getDuplicateUpdateSets() != null && !i.getDuplicateUpdateSets().isEmpty();
        InsertConflictAction action = i.getConflictAction();
        InsertConflictTarget conflict = i.getConflictTarget();
        if (duplicate) {
            if (action != null || conflict != null) {
                return null;
            }
            b.onConflict = RowPins.OnConflict.DO_UPDATE;
            if (!assignments(i.getDuplicateUpdateSets(), b, b)) {
                return null;
            }
        } else if (action != null) {
            if (conflict != null) {
                if (conflict.getIndexExpression() != null || conflict.getIndexColumnNames() == null) {
                    return null;
                }
                for (String name : conflict.getIndexColumnNames()) {
                    String column = name(name);
                    if (column == null) {
                        return null;
                    }
                    b.conflictColumns.add(column);
                }
                if (!b.conflictColumns.isEmpty() && conflict.getConstraintName() != null) {
                    return null;
                }
            }
            if (action.getConflictActionType() == ConflictActionType.DO_NOTHING) {
                b.onConflict = RowPins.OnConflict.DO_NOTHING;
                if (action.getUpdateSets() != null && !action.getUpdateSets().isEmpty()) {
                    return null;
                }
            } else if (action.getConflictActionType() == ConflictActionType.DO_UPDATE) {
                b.onConflict = RowPins.OnConflict.DO_UPDATE;
                if (!assignments(action.getUpdateSets(), b, b)) {
                    return null;
                }
            } else {
                return null;
            }
        } else if (conflict != null) {
            return null;
        }
        return b.build();
    }

    private RowPins replace(Upsert u, AstFacts f) {
        UpsertType type = u.getUpsertType();
        if (!onlySet(u, UPSERT_FIELDS) || !u.isUsingInto()
                || type != UpsertType.REPLACE && type != UpsertType.REPLACE_SET || !target(u.getTable())
                || !writesOnlyTarget(f)) {
            return null;
        }
        RowPins.Builder b = new RowPins.Builder(last(tableName));
        b.onConflict = RowPins.OnConflict.REPLACE;
        if (u.getUpdateSets() != null && !u.getUpdateSets().isEmpty()) {
            if (u.getColumns() != null || u.getSelect() != null || !oneRowFromAssignments(u.getUpdateSets(), b)) {
                return null;
            }
        } else if (!rows(u.getColumns(), u.getSelect(), b)) {
            return null;
        }
        return b.build();
    }

    // --- parts ---

    private boolean writesOnlyTarget(AstFacts f) {
        return f.written.size() == 1 && f.written.contains(last(tableName)) && f.nestedWriteKind != null;
    }

    /** A RETURNING clause without subqueries (or none). */
    private boolean plainReturning(Object returning) {
        if (returning == null) {
            return true;
        }
        AstFacts f = new AstFacts(dialect);
        f.walk(returning);
        return f.selects == 0;
    }

    /** Reads the statement's table; false when it is not a plain, possibly aliased, name. */
    private boolean target(Table t) {
        if (t == null || !onlySet(t, TABLE_FIELDS)) {
            return false;
        }
        List<String> parts = parts(t);
        if (parts == null || parts.isEmpty() || parts.size() > 3) {
            return false;
        }
        tableName = parts;
        alias = null;
        Alias a = t.getAlias();
        if (a != null) {
            if (!onlySet(a, ALIAS_FIELDS)) {
                return false;
            }
            alias = name(a.getName());
            if (alias == null) {
                return false;
            }
        }
        return true;
    }

    /** The canonical name parts of {@code t}, outermost first, or null when one is not a plain name. */
    private List<String> parts(Table t) {
        List<String> raw = t.getNameParts();
        if (raw == null) {
            return null;
        }
        List<String> out = new ArrayList<>(raw.size());
        for (int k = raw.size() - 1; k >= 0; k--) {
            String n = name(raw.get(k));
            if (n == null) {
                return null;
            }
            out.add(n);
        }
        return out;
    }

    /**
     * The canonical form of a name as written: an unquoted identifier (lower-cased), or a quoted one in
     * backticks, or in double quotes where the dialect reads them as names; null for anything else.
     */
    String name(String written) {
        if (written == null || written.isEmpty()) {
            return null;
        }
        char f = written.charAt(0);
        if (f == '`' || f == '"') {
            if (f == '"' && dialect != Dialect.POSTGRESQL && dialect != Dialect.H2 || written.length() < 3
                    || written.charAt(written.length() - 1) != f) {
                return null;
            }
            return AstFacts.canonical(written);
        }
        if (!(Character.isLetter(f) || f == '_')) {
            return null;
        }
        for (int k = 1; k < written.length(); k++) {
            char c = written.charAt(k);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$')) {
                return null;
            }
        }
        return written.toLowerCase(Locale.ROOT);
    }

    private static boolean qualified(Column c) {
        return c.getTable() != null && c.getTable().getName() != null;
    }

    private static String last(List<String> parts) {
        return parts.get(parts.size() - 1);
    }

    /** The column {@code e} names when it is a plain column of the statement's table; else null. */
    private String column(Expression e) {
        if (e == null || e.getClass() != Column.class) {
            return null;
        }
        Column c = (Column) e;
        if (c.getArrayConstructor() != null) {
            return null;
        }
        String written = c.getColumnName();
        String column = name(written);
        if (column == null || written.charAt(0) != '"' && written.charAt(0) != '`'
                && TextPins.NOT_COLUMNS.contains(column)) {
            return null;
        }
        List<String> qualifier = Collections.emptyList();
        Table t = c.getTable();
        if (t != null && t.getName() != null) {
            qualifier = parts(t);
            if (qualifier == null || qualifier.size() > 3) {
                return null;
            }
        }
        return TextPins.qualifies(qualifier, tableName, alias) ? column : null;
    }

    /** The value {@code e} is when it is a parameter, an integer or a plain string; else null. */
    private static PinnedValue value(Expression e) {
        if (e == null) {
            return null;
        }
        if (e.getClass() == JdbcParameter.class) {
            return PinnedValue.parameter(((JdbcParameter) e).getIndex());
        }
        if (e.getClass() == LongValue.class) {
            String digits = ((LongValue) e).getStringValue();
            return PinnedValue.isDigits(digits) ? PinnedValue.number(digits) : null;
        }
        if (e.getClass() == SignedExpression.class) {
            SignedExpression s = (SignedExpression) e;
            if ((s.getSign() == '-' || s.getSign() == '+') && s.getExpression() != null
                    && s.getExpression().getClass() == LongValue.class) {
                String digits = ((LongValue) s.getExpression()).getStringValue();
                return PinnedValue.isDigits(digits) ? PinnedValue.number(s.getSign() + digits) : null;
            }
            return null;
        }
        if (e.getClass() == StringValue.class) {
            StringValue s = (StringValue) e;
            String raw = s.getValue();
            if (s.getPrefix() != null || raw == null || raw.indexOf('\\') >= 0 || !s.toString().startsWith("'")) {
                return null;
            }
            return PinnedValue.string(raw.replace("''", "'"));
        }
        return null;
    }

    /**
     * Reads the VALUES rows of an insert with a column list; false when the shape is not plain (no
     * column list, INSERT … SELECT, a row of the wrong width).
     */
    private boolean rows(ExpressionList<?> columns, Select select, RowPins.Builder b) {
        if (columns == null || columns.isEmpty() || select == null || select.getClass() != Values.class
                || !onlySet(select, VALUES_FIELDS)) {
            return false;
        }
        for (Object o : columns) {
            if (!(o instanceof Column) || qualified((Column) o)) {
                return false;
            }
            String column = name(((Column) o).getColumnName());
            if (column == null || b.insertedColumns.contains(column)) {
                return false;
            }
            b.insertedColumns.add(column);
        }
        ExpressionList<?> expressions = ((Values) select).getExpressions();
        if (expressions == null || expressions.isEmpty()) {
            return false;
        }
        List<ExpressionList<?>> rows = new ArrayList<>();
        if (expressions instanceof ParenthesedExpressionList) {
            rows.add(expressions); // VALUES (a, b): one row
        } else {
            for (Object row : expressions) {
                if (!(row instanceof ParenthesedExpressionList)) {
                    return false;
                }
                rows.add((ExpressionList<?>) row);
            }
        }
        for (ExpressionList<?> row : rows) {
            if (row.size() != b.insertedColumns.size()) {
                return false;
            }
            Map<String, PinnedValue> values = new LinkedHashMap<>();
            for (int k = 0; k < row.size(); k++) {
                PinnedValue v = value((Expression) row.get(k));
                if (v != null) {
                    values.put(b.insertedColumns.get(k), v);
                }
            }
            b.insertedRows.add(values);
        }
        return true;
    }

    /** MySQL's INSERT / REPLACE … SET a = 1, b = ?: one row. */
    private boolean oneRowFromAssignments(List<UpdateSet> sets, RowPins.Builder b) {
        RowPins.Builder row = new RowPins.Builder(b.table);
        if (!assignments(sets, row, null)) {
            return false;
        }
        Map<String, PinnedValue> values = new LinkedHashMap<>();
        for (Map.Entry<String, PinnedValue> e : row.assigned.entrySet()) {
            b.insertedColumns.add(e.getKey());
            if (e.getValue() != null) {
                values.put(e.getKey(), e.getValue());
            }
        }
        b.insertedRows.add(values);
        return true;
    }

    /**
     * Reads SET assignments into {@code b.assigned}; {@code upsert}, when not null, is the statement whose
     * single inserted row gives {@code excluded.c} and {@code VALUES(c)} their value.
     */
    private boolean assignments(List<UpdateSet> sets, RowPins.Builder b, RowPins.Builder upsert) {
        if (sets == null || sets.isEmpty()) {
            return false;
        }
        for (UpdateSet set : sets) {
            ExpressionList<?> columns = set.getColumns();
            ExpressionList<?> values = set.getValues();
            if (columns == null || columns.isEmpty() || values == null) {
                return false;
            }
            boolean row = columns instanceof ParenthesedExpressionList;
            if (!row && columns.size() != 1) {
                return false;
            }
            List<PinnedValue> assigned = new ArrayList<>();
            if (row) {
                if (values instanceof ParenthesedExpressionList && values.size() == columns.size()) {
                    for (Object v : values) {
                        assigned.add(v instanceof Select ? null : assignedValue((Expression) v, upsert));
                    }
                }
            } else if (values.size() == 1 && values.getClass() == ExpressionList.class) {
                assigned.add(assignedValue((Expression) values.get(0), upsert));
            }
            for (int k = 0; k < columns.size(); k++) {
                String column = column((Expression) columns.get(k));
                if (column == null || !b.assign(column, assigned.size() == columns.size() ? assigned.get(k) : null)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A value, or for an upsert of one row {@code excluded.c} / {@code VALUES(c)}: that row's value. */
    private PinnedValue assignedValue(Expression e, RowPins.Builder upsert) {
        PinnedValue v = value(e);
        if (v != null || upsert == null || upsert.insertedRows.size() != 1) {
            return v;
        }
        String column = null;
        if (e != null && e.getClass() == Column.class) {
            Column c = (Column) e;
            Table t = c.getTable();
            if (t != null && t.getName() != null && t.getNameParts().size() == 1
                    && t.getName().equalsIgnoreCase("excluded") && c.getArrayConstructor() == null) {
                column = name(c.getColumnName());
            }
        } else if (e != null && e.getClass() == Function.class) {
            Function f = (Function) e;
            ExpressionList<?> p = f.getParameters();
            boolean plainName = f.getMultipartName() == null || f.getMultipartName().size() == 1;
            if ("values".equalsIgnoreCase(f.getName()) && plainName && p != null && p.size() == 1
                    && p.get(0) instanceof Column && !qualified((Column) p.get(0))) {
                column = name(((Column) p.get(0)).getColumnName());
            }
        }
        return column == null ? null : upsert.insertedRows.get(0).get(column);
    }

    // --- WHERE ---

    /** Reads the WHERE clause as a conjunction into {@code b}; false when it pins nothing. */
    private boolean where(Expression where, RowPins.Builder b) {
        List<Expression> conjuncts = new ArrayList<>();
        if (!conjuncts(where, conjuncts)) {
            return false; // an OR at the top level
        }
        read(conjuncts, b);
        return !b.where.isEmpty();
    }

    private void read(List<Expression> conjuncts, RowPins.Builder b) {
        for (Expression c : conjuncts) {
            Expression inner = parenthesized(c);
            if (inner != null) {
                List<Expression> nested = new ArrayList<>();
                if (conjuncts(inner, nested)) {
                    read(nested, b);
                } else {
                    b.partial = true; // (a OR b): one filter
                }
                continue;
            }
            RowPins.Group g = pin(c);
            if (g == null) {
                b.partial = true;
            } else {
                b.where.add(g);
            }
        }
    }

    /** The expression inside parentheses when {@code e} is one parenthesized expression; else null. */
    private static Expression parenthesized(Expression e) {
        if (e instanceof ParenthesedExpressionList && ((ParenthesedExpressionList<?>) e).size() == 1) {
            Object inner = ((ParenthesedExpressionList<?>) e).get(0);
            return inner instanceof Expression ? (Expression) inner : null;
        }
        if (e instanceof Parenthesis) {
            return ((Parenthesis) e).getExpression();
        }
        return null;
    }

    /**
     * Flattens the AND tree {@code e} into its conjuncts, in the order written; false when an OR or XOR
     * joins them. Repairs JSqlParser 5.3's reading of {@code x IN (list) AND rest} as
     * {@code x IN ((list) AND rest)}.
     */
    private static boolean conjuncts(Expression e, List<Expression> out) {
        if (e instanceof AndExpression && !((AndExpression) e).isUseOperator()) {
            AndExpression a = (AndExpression) e;
            return conjuncts(a.getLeftExpression(), out) && conjuncts(a.getRightExpression(), out);
        }
        if (e instanceof OrExpression || e instanceof XorExpression) {
            return false;
        }
        if (e instanceof InExpression && isConnective(((InExpression) e).getRightExpression())) {
            InExpression in = (InExpression) e;
            List<Expression> rights = new ArrayList<>();
            Expression r = in.getRightExpression();
            while (isConnective(r)) {
                if (!(r instanceof AndExpression) || ((AndExpression) r).isUseOperator()) {
                    return false; // the IN's level holds an OR: not a conjunction
                }
                rights.add(0, ((AndExpression) r).getRightExpression());
                r = ((AndExpression) r).getLeftExpression();
            }
            InExpression repaired = new InExpression(in.getLeftExpression(), r);
            repaired.setNot(in.isNot());
            repaired.setGlobal(in.isGlobal());
            repaired.setOldOracleJoinSyntax(in.getOldOracleJoinSyntax());
            out.add(repaired);
            for (Expression right : rights) {
                if (!conjuncts(right, out)) {
                    return false;
                }
            }
            return true;
        }
        out.add(e);
        return true;
    }

    private static boolean isConnective(Expression e) {
        return e instanceof AndExpression || e instanceof OrExpression || e instanceof XorExpression;
    }

    /** The pin of one conjunct, or null when it is any other condition. */
    private RowPins.Group pin(Expression e) {
        if (e.getClass() == EqualsTo.class) {
            EqualsTo eq = (EqualsTo) e;
            if (eq.getOldOracleJoinSyntax() != 0 || eq.getOraclePriorPosition() != 0) {
                return null;
            }
            Expression l = eq.getLeftExpression();
            Expression r = eq.getRightExpression();
            if (l instanceof ParenthesedExpressionList && r instanceof ParenthesedExpressionList) {
                List<String> columns = columns((ExpressionList<?>) l);
                List<PinnedValue> row = row(r, columns == null ? -1 : columns.size());
                return row == null ? null : new RowPins.Group(columns, List.of(row));
            }
            String column = column(l);
            PinnedValue v = value(r);
            if (column == null || v == null) {
                column = column(r);
                v = value(l);
            }
            return column == null || v == null ? null : new RowPins.Group(List.of(column), List.of(List.of(v)));
        }
        if (e.getClass() == InExpression.class) {
            InExpression in = (InExpression) e;
            if (in.isNot() || in.isGlobal() || in.getOldOracleJoinSyntax() != 0
                    || !(in.getRightExpression() instanceof ParenthesedExpressionList)) {
                return null;
            }
            ExpressionList<?> list = (ExpressionList<?>) in.getRightExpression();
            if (list.isEmpty()) {
                return null;
            }
            List<List<PinnedValue>> alternatives = new ArrayList<>();
            if (in.getLeftExpression() instanceof ParenthesedExpressionList) {
                List<String> columns = columns((ExpressionList<?>) in.getLeftExpression());
                if (columns == null) {
                    return null;
                }
                for (Object item : list) {
                    List<PinnedValue> row = row(item, columns.size());
                    if (row == null) {
                        return null;
                    }
                    alternatives.add(row);
                }
                return new RowPins.Group(columns, alternatives);
            }
            String column = column(in.getLeftExpression());
            if (column == null) {
                return null;
            }
            for (Object item : list) {
                PinnedValue v = item instanceof Expression ? value((Expression) item) : null;
                if (v == null) {
                    return null;
                }
                alternatives.add(List.of(v));
            }
            return new RowPins.Group(List.of(column), alternatives);
        }
        return null;
    }

    /** The columns of a parenthesized list, or null when one is not a plain column of the table. */
    private List<String> columns(ExpressionList<?> list) {
        if (list.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            String c = o instanceof Expression ? column((Expression) o) : null;
            if (c == null) {
                return null;
            }
            out.add(c);
        }
        return out;
    }

    /** The values of a parenthesized row of {@code n} values, or null. */
    private static List<PinnedValue> row(Object o, int n) {
        if (!(o instanceof ParenthesedExpressionList) || ((ExpressionList<?>) o).size() != n || n < 1) {
            return null;
        }
        List<PinnedValue> out = new ArrayList<>(n);
        for (Object item : (ExpressionList<?>) o) {
            PinnedValue v = item instanceof Expression ? value((Expression) item) : null;
            if (v == null) {
                return null;
            }
            out.add(v);
        }
        return out;
    }

    // --- shape ---

    /**
     * Whether {@code node} sets no field but {@code allowed} (in its JSqlParser class and superclasses;
     * the parser's own bookkeeping aside): null, false, zero and empty count as not set.
     */
    static boolean onlySet(Object node, Set<String> allowed) {
        for (Class<?> c = node.getClass(); c != null && c.getName().startsWith(AstFacts.JSQLPARSER);
                c = c.getSuperclass()) {
            if (c.getName().startsWith(AstFacts.PARSER_PACKAGE)) {
                continue; // ASTNodeAccessImpl: the node's position
            }
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())
                        || allowed.contains(f.getName())) {
                    continue;
                }
                Object v;
                try {
                    f.setAccessible(true);
                    v = f.get(node);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return false;
                }
                if (v == null || Boolean.FALSE.equals(v) || v instanceof Number && ((Number) v).longValue() == 0
                        || v instanceof Character && (Character) v == 0
                        || v instanceof Collection && ((Collection<?>) v).isEmpty()) {
                    continue;
                }
                return false;
            }
        }
        return true;
    }
}
