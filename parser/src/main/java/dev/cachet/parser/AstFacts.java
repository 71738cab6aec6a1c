package dev.cachet.parser;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.expression.NumericBind;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.expression.UserVariable;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Collects, from a JSqlParser syntax tree, every table read and written, every function called and
 * the facts that make a query uncacheable (locking clause, SELECT … INTO, user variables).
 *
 * <p>It walks the whole object tree reflectively rather than through JSqlParser's visitors, so that
 * no place a table can hide (subqueries in SET, WHERE, HAVING, select lists, lateral joins, CTEs,
 * RETURNING, ON CONFLICT, …) is missed by a visitor method someone forgot: missing a table read would
 * serve stale data. Context comes from the node types that give tables a role — DML targets are
 * written, CTE names in scope are not tables, column qualifiers and aliases are not tables. Not
 * thread-safe; one instance per analysis.
 */
final class AstFacts {

    // taken from classes rather than written out, so that a relocated (shaded) copy still matches
    static final String JSQLPARSER = Table.class.getName().substring(0,
            Table.class.getName().length() - "schema.Table".length());
    static final String PARSER_PACKAGE = Column.class.getName().substring(0,
            Column.class.getName().length() - "schema.Column".length()) + "parser.";
    private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != null && c.getName().startsWith(JSQLPARSER); c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()
                            || f.getType() == String.class || f.getType().isEnum()
                            || f.getType().getName().startsWith(PARSER_PACKAGE)) {
                        continue;
                    }
                    // Fails when JSqlParser is a named module on the module path that does not open
                    // its packages to Cachet: the analysis then fails, and its answer is the
                    // conservative one — never a table missed.
                    f.setAccessible(true);
                    fields.add(f);
                }
            }
            return fields.toArray(new Field[0]);
        }
    };

    private final Dialect dialect;
    final Set<String> read = new LinkedHashSet<>();
    final Set<String> written = new LinkedHashSet<>();
    final Set<String> functions = new LinkedHashSet<>();
    final Set<String> unknownFunctions = new LinkedHashSet<>();
    final Set<String> systemCatalogs = new LinkedHashSet<>();
    String firstVolatile;
    String firstSessionBound;
    String userVariable;
    boolean lockingRead;
    boolean selectInto;
    boolean setConfig;
    StatementKind nestedWriteKind;
    /** Every JDBC parameter node, in the order walked (not the text's). */
    final List<JdbcParameter> parameters = new ArrayList<>();
    /** Whether a named ({@code :name}) or numbered ({@code :1}) bind variable was seen. */
    boolean otherParameters;
    /** How many query nodes (SELECT, VALUES, set operations, parenthesized queries) were seen. */
    int selects;

    private final Map<Object, Boolean> visited = new IdentityHashMap<>();
    private final Map<Table, Boolean> targets = new IdentityHashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final List<Table> aliasTargets = new ArrayList<>();

    AstFacts(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Walks {@code root}: a whole statement or any part of it. */
    void walk(Object root) {
        walk(root, Collections.emptySet());
        for (Table t : aliasTargets) {
            String name = canonical(t.getName());
            if (name == null) {
                continue;
            }
            String real = t.getSchemaName() == null ? aliases.get(name) : null;
            written.add(real == null ? name : real);
        }
        aliasTargets.clear();
    }

    /** Records {@code t} as written and keeps the walk from counting it as read. */
    void target(Table t) {
        if (t != null) {
            targets.put(t, Boolean.TRUE);
            String name = canonical(t.getName());
            if (name != null) {
                written.add(name);
            }
        }
    }

    private void walk(Object node, Set<String> ctes) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection) {
            for (Object o : new ArrayList<>((Collection<?>) node)) {
                walk(o, ctes);
            }
            return;
        }
        if (node instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) node;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getKey(), ctes);
                walk(e.getValue(), ctes);
            }
            return;
        }
        if (node instanceof Object[]) {
            for (Object o : (Object[]) node) {
                walk(o, ctes);
            }
            return;
        }
        Class<?> type = node.getClass();
        if (!type.getName().startsWith(JSQLPARSER) || type.isEnum() || type.getName().startsWith(PARSER_PACKAGE)) {
            return; // not a syntax-tree node (tokens, parser state)
        }
        if (visited.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Table) {
            table((Table) node, ctes);
            return;
        }
        if (node instanceof Column) {
            Column c = (Column) node;
            if (c.getTable() == null || c.getTable().getName() == null) {
                String n = c.getColumnName() == null ? "" : c.getColumnName().toLowerCase(Locale.ROOT);
                if (Functions.VOLATILE_KEYWORDS.contains(n)) {
                    function(n);
                }
            }
            return;
        }
        if (node instanceof AllTableColumns) {
            return;
        }
        if (node instanceof JdbcParameter) {
            parameters.add((JdbcParameter) node);
            return;
        }
        if (node instanceof JdbcNamedParameter || node instanceof NumericBind) {
            otherParameters = true;
            return;
        }
        if (node instanceof TimeKeyExpression) {
            String n = ((TimeKeyExpression) node).getStringValue();
            n = n == null ? "current_timestamp" : n.toLowerCase(Locale.ROOT).replace("()", "").trim();
            functions.add(n);
            if (Functions.categorize(n, dialect) == Functions.Category.DETERMINISTIC) {
                return;
            }
            if (firstVolatile == null) {
                firstVolatile = n;
            }
            return;
        }
        if (node instanceof NextValExpression) {
            function("nextval");
            return;
        }
        if (node instanceof UserVariable) {
            if (userVariable == null) {
                userVariable = "@" + ((UserVariable) node).getName();
            }
            return;
        }
        if (node instanceof CastExpression && dialect != Dialect.MYSQL) {
            // MySQL has no user-defined types; elsewhere a cast to one may run user code
            CastExpression cast = (CastExpression) node;
            String target = cast.getColDataType() == null ? null : cast.getColDataType().getDataType();
            if (!BuiltinTypes.isBuiltin(target)) {
                String name = canonical(target.replaceAll("\\(.*", "").replace("[]", ""));
                int dot = name.lastIndexOf('.');
                name = name.substring(dot + 1).trim();
                functions.add(name);
                unknownFunctions.add(name);
            }
        }
        if (node instanceof Function) {
            Function f = (Function) node;
            List<String> parts = f.getMultipartName();
            String name = parts == null || parts.isEmpty() ? f.getName() : parts.get(parts.size() - 1);
            function(name);
        } else if (node instanceof AnalyticExpression) {
            function(((AnalyticExpression) node).getName());
        }

        Set<String> scope = ctes;
        List<WithItem<?>> withItems = null;
        if (node instanceof Select) {
            selects++;
            Select s = (Select) node;
            withItems = s.getWithItemsList();
            if (s.getForMode() != null) {
                lockingRead = true;
            }
            if (s.getForUpdateTable() != null) {
                visited.put(s.getForUpdateTable(), Boolean.TRUE);
            }
            if (node instanceof PlainSelect) {
                PlainSelect p = (PlainSelect) node;
                if (p.getMySqlSqlCalcFoundRows() && firstSessionBound == null) {
                    firstSessionBound = "sql_calc_found_rows"; // feeds the session's next found_rows()
                }
                if (p.getIntoTables() != null && !p.getIntoTables().isEmpty()) {
                    selectInto = true;
                    for (Table t : p.getIntoTables()) {
                        String n = t.getName();
                        if (n != null && n.startsWith("@")) {
                            if (userVariable == null) {
                                userVariable = n;
                            }
                            visited.put(t, Boolean.TRUE);
                        } else {
                            target(t);
                        }
                    }
                }
            }
        } else if (node instanceof Insert) {
            Insert i = (Insert) node;
            withItems = i.getWithItemsList();
            target(i.getTable());
            nested(i.getConflictAction() != null || i.isUseDuplicate() ? StatementKind.MERGE : StatementKind.INSERT);
        } else if (node instanceof Update) {
            Update u = (Update) node;
            withItems = u.getWithItemsList();
            target(u.getTable());
            if (u.getStartJoins() != null) {
                // MySQL multi-table UPDATE: any joined table may be assigned
                for (Join j : u.getStartJoins()) {
                    if (j.getRightItem() instanceof Table) {
                        Table t = (Table) j.getRightItem();
                        String n = canonical(t.getName());
                        if (n != null) {
                            written.add(n);
                        }
                    }
                }
            }
            nested(StatementKind.UPDATE);
        } else if (node instanceof Delete) {
            Delete d = (Delete) node;
            withItems = d.getWithItemsList();
            if (d.getTables() != null && !d.getTables().isEmpty()) {
                // MySQL DELETE a, b FROM …: the targets may be aliases, resolved after the walk
                for (Table t : d.getTables()) {
                    visited.put(t, Boolean.TRUE);
                    aliasTargets.add(t);
                }
            } else {
                target(d.getTable());
            }
            nested(StatementKind.DELETE);
        } else if (node instanceof Merge) {
            Merge m = (Merge) node;
            withItems = m.getWithItemsList();
            target(m.getTable());
            nested(StatementKind.MERGE);
        } else if (node instanceof Upsert) {
            target(((Upsert) node).getTable());
            nested(StatementKind.MERGE);
        }

        if (withItems != null && !withItems.isEmpty()) {
            visited.put(withItems, Boolean.TRUE);
            Set<String> names = new HashSet<>(ctes);
            for (WithItem<?> w : withItems) {
                String name = w.getAlias() == null ? null : canonical(w.getAlias().getName());
                Set<String> bodyScope = names;
                if (w.isRecursive() && name != null) {
                    bodyScope = new HashSet<>(names);
                    bodyScope.add(name);
                }
                walk(w, bodyScope);
                if (name != null) {
                    names = new HashSet<>(names);
                    names.add(name);
                }
            }
            scope = names;
        }

        for (Field f : FIELDS.get(type)) {
            Object value;
            try {
                value = f.get(node);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + f, e);
            }
            if (value == withItems && withItems != null) {
                continue;
            }
            walk(value, scope);
        }
    }

    private void nested(StatementKind kind) {
        if (nestedWriteKind == null) {
            nestedWriteKind = kind;
        }
    }

    private void table(Table t, Set<String> ctes) {
        if (targets.containsKey(t)) {
            return;
        }
        String name = canonical(t.getName());
        if (name == null || name.isEmpty()) {
            return;
        }
        String schema = canonical(t.getSchemaName());
        if (schema == null && ctes.contains(name)) {
            return; // a reference to a CTE in scope, not a table
        }
        if (schema == null && name.equals("dual")) {
            return;
        }
        if (isSystemCatalog(schema, name)) {
            systemCatalogs.add(schema == null ? name : schema + "." + name);
        }
        read.add(name);
        if (t.getAlias() != null && t.getAlias().getName() != null) {
            aliases.put(canonical(t.getAlias().getName()), name);
        }
        // a table may carry expressions (pivot, sample clause): walk them too
        if (t.getPivot() != null) {
            walk(t.getPivot(), ctes);
        }
        if (t.getUnPivot() != null) {
            walk(t.getUnPivot(), ctes);
        }
    }

    private boolean isSystemCatalog(String schema, String name) {
        if (schema != null) {
            switch (schema) {
                case "pg_catalog": case "information_schema": case "mysql": case "performance_schema": case "sys":
                    return true;
                default:
                    return false;
            }
        }
        return dialect != Dialect.MYSQL && dialect != Dialect.H2 && name.startsWith("pg_");
    }

    private void function(String raw) {
        if (raw == null) {
            return;
        }
        String name = canonical(raw);
        int dot = name.lastIndexOf('.');
        if (dot >= 0) {
            name = name.substring(dot + 1);
        }
        functions.add(name);
        switch (Functions.categorize(name, dialect)) {
            case DETERMINISTIC:
                break;
            case VOLATILE:
                if (firstVolatile == null) {
                    firstVolatile = name;
                }
                break;
            case SESSION_BOUND:
                if (firstSessionBound == null) {
                    firstSessionBound = name;
                }
                if (name.equals("set_config")) {
                    setConfig = true;
                }
                break;
            default:
                unknownFunctions.add(name);
        }
    }

    /** Unqualified-part canonical form: quotes ("", ``, []) removed, lower-case; null stays null. */
    static String canonical(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim();
        if (n.length() >= 2) {
            char f = n.charAt(0);
            char l = n.charAt(n.length() - 1);
            if ((f == '"' && l == '"') || (f == '`' && l == '`')) {
                String q = String.valueOf(f);
                n = n.substring(1, n.length() - 1).replace(q + q, q);
            } else if (f == '[' && l == ']') {
                n = n.substring(1, n.length() - 1);
            }
        }
        return n.toLowerCase(Locale.ROOT);
    }
}
