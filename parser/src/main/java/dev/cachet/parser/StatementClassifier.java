package dev.cachet.parser;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.CreateFunctionalStatement;
import net.sf.jsqlparser.statement.DescribeStatement;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.ShowColumnsStatement;
import net.sf.jsqlparser.statement.ShowStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterSystemStatement;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.alter.sequence.AlterSequence;
import net.sf.jsqlparser.statement.analyze.Analyze;
import net.sf.jsqlparser.statement.comment.Comment;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.schema.CreateSchema;
import net.sf.jsqlparser.statement.create.sequence.CreateSequence;
import net.sf.jsqlparser.statement.create.synonym.CreateSynonym;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.AlterView;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.execute.Execute;
import net.sf.jsqlparser.statement.grant.Grant;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.refresh.RefreshMaterializedViewStatement;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.show.ShowIndexStatement;
import net.sf.jsqlparser.statement.show.ShowTablesStatement;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Turns one parsed JSqlParser statement into a {@link StatementInfo}: the kind from the statement's
 * type, the tables and functions from {@link AstFacts}, then the text-decidable rules of DESIGN §5
 * (locking reads, SELECT … INTO, volatile and session-bound functions, user variables, system
 * catalogs). Statement types it does not know are the conservative UNKNOWN answer.
 */
final class StatementClassifier {

    private StatementClassifier() {
    }

    static StatementInfo classify(String sql, String text, Statement st, Dialect dialect, Hints hints,
            boolean lockingRead, Set<String> temporaryTables) {
        AstFacts f = new AstFacts(dialect);
        StatementKind kind;
        boolean writesAll = false;
        boolean readOnlyOther = false;
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.UNKNOWN);
        if (st instanceof Select) {
            kind = StatementKind.QUERY;
            f.walk(st);
        } else if (st instanceof Insert || st instanceof Update || st instanceof Delete || st instanceof Merge
                || st instanceof Upsert) {
            f.walk(st);
            kind = f.nestedWriteKind == null ? StatementKind.UNKNOWN : f.nestedWriteKind;
        } else if (st instanceof CreateTable) {
            kind = StatementKind.DDL;
            CreateTable ct = (CreateTable) st;
            f.target(ct.getTable());
            if (isTemporary(ct)) {
                String n = AstFacts.canonical(ct.getTable().getName());
                if (n != null) {
                    b.temporaryTablesCreated.add(n);
                }
            }
            f.walk(ct.getSelect());
            f.walk(ct.getLikeTable());
            // foreign keys, defaults and checks may name other tables or call functions: walk the rest
            f.walk(ct.getColumnDefinitions());
            f.walk(ct.getIndexes());
        } else if (st instanceof CreateIndex) {
            kind = StatementKind.DDL;
            f.target(((CreateIndex) st).getTable());
        } else if (st instanceof CreateView) {
            kind = StatementKind.DDL;
            f.target(((CreateView) st).getView());
        } else if (st instanceof AlterView) {
            kind = StatementKind.DDL;
            f.target(((AlterView) st).getView());
        } else if (st instanceof Alter) {
            kind = StatementKind.DDL;
            f.target(((Alter) st).getTable());
            f.walk(((Alter) st).getAlterExpressions());
            if (renames(st)) {
                writesAll = true; // the new name is not modelled: invalidate everything
            }
        } else if (st instanceof Drop) {
            kind = StatementKind.DDL;
            Drop d = (Drop) st;
            String type = d.getType() == null ? "" : d.getType().toUpperCase(Locale.ROOT);
            String name = d.getName() == null ? null : AstFacts.canonical(d.getName().getName());
            switch (type) {
                case "TABLE":
                    if (name != null) {
                        b.tablesWritten.add(name);
                        b.tablesDropped.add(name);
                    }
                    break;
                case "VIEW":
                case "MATERIALIZED VIEW":
                    if (name != null) {
                        b.tablesWritten.add(name);
                    }
                    break;
                case "INDEX":
                case "SEQUENCE":
                    break; // no cached result changes when an index or a sequence goes away
                default:
                    writesAll = true;
            }
        } else if (st instanceof Truncate) {
            kind = StatementKind.TRUNCATE;
            Truncate t = (Truncate) st;
            // CASCADE empties every referencing table, whatever its foreign keys' actions
            writesAll |= t.getCascade();
            if (t.getTables() != null && !t.getTables().isEmpty()) {
                for (Table tb : t.getTables()) {
                    f.target(tb);
                }
            } else {
                f.target(t.getTable());
            }
        } else if (st instanceof Execute) {
            kind = StatementKind.CALL;
            writesAll = true;
            f.walk(((Execute) st).getExprList());
        } else if (st instanceof RenameTableStatement) {
            kind = StatementKind.DDL;
            for (Map.Entry<Table, Table> e : ((RenameTableStatement) st).getTableNames()) {
                f.target(e.getKey());
                f.target(e.getValue());
            }
        } else if (st instanceof Comment) {
            kind = StatementKind.DDL; // metadata only: no cached result changes
        } else if (st instanceof Grant) {
            kind = StatementKind.DDL;
            writesAll = true; // privileges change what users may read
        } else if (st instanceof CreateSequence || st instanceof AlterSequence) {
            kind = StatementKind.DDL;
        } else if (st instanceof CreateSchema || st instanceof CreateFunctionalStatement
                || st instanceof CreateSynonym || st instanceof AlterSystemStatement) {
            kind = StatementKind.DDL;
            writesAll = true;
        } else if (st instanceof RefreshMaterializedViewStatement) {
            kind = StatementKind.OTHER;
            f.target(((RefreshMaterializedViewStatement) st).getView());
        } else if (st instanceof Analyze) {
            kind = StatementKind.OTHER;
        } else if (st instanceof ShowStatement || st instanceof ShowTablesStatement
                || st instanceof ShowColumnsStatement || st instanceof ShowIndexStatement
                || st instanceof DescribeStatement || st instanceof ExplainStatement) {
            kind = StatementKind.OTHER;
            readOnlyOther = true;
        } else {
            return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.UNPARSEABLE,
                    "statement type " + st.getClass().getSimpleName() + " is not analyzed", temporaryTables);
        }

        if (kind == StatementKind.QUERY && !f.written.isEmpty() && !f.selectInto && f.nestedWriteKind != null) {
            kind = f.nestedWriteKind; // a data-modifying CTE makes the whole statement a write
        }
        if (kind == StatementKind.UNKNOWN) {
            return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.UNPARSEABLE,
                    "statement shape is not analyzed", temporaryTables);
        }
        b.kind = kind;
        b.hints = hints;
        b.tablesRead.addAll(f.read);
        b.tablesWritten.addAll(f.written);
        b.functions.addAll(f.functions);
        b.unknownFunctions.addAll(f.unknownFunctions);
        b.temporaryTablesCreated.addAll(temporaryTables);
        b.writesAllTables = writesAll;
        b.lockingRead = lockingRead || f.lockingRead;
        b.requiresPrimary = !(kind == StatementKind.QUERY || readOnlyOther);
        java.util.List<PinTokens.Tok> queryTokens = null;
        if (kind == StatementKind.QUERY) {
            queryTokens = markerTokens(sql, text, dialect, f);
            b.parameterMarkers = queryTokens == null ? -1 : PinTokens.parameters(queryTokens);
        }
        if (!b.lockingRead && (kind == StatementKind.QUERY || kind == StatementKind.UPDATE
                || kind == StatementKind.DELETE || kind == StatementKind.INSERT || kind == StatementKind.MERGE)) {
            b.rowPins = rowPins(sql, text, st, dialect, f, kind == StatementKind.QUERY, queryTokens);
        }
        if (f.setConfig) {
            b.sessionEffect = SessionEffect.of(SessionEffect.Type.UNMODELLED, null);
        }
        if (f.selectInto) {
            b.requiresPrimary = true;
            b.reason(NotCacheableReason.SELECT_INTO, f.written.isEmpty()
                    ? "SELECT … INTO assigns variables" : "SELECT … INTO writes " + String.join(", ", f.written));
        }
        if (b.lockingRead) {
            b.requiresPrimary = true;
            b.reason(NotCacheableReason.LOCKING_READ, "the query takes row locks (FOR UPDATE / FOR SHARE)");
        }
        if (f.firstSessionBound != null) {
            b.requiresPrimary = true;
            b.reason(NotCacheableReason.VOLATILE_FUNCTION,
                    "calls side-effecting or session-bound function " + f.firstSessionBound + "()");
        }
        if (f.userVariable != null) {
            b.requiresPrimary = true;
            b.reason(NotCacheableReason.VOLATILE_FUNCTION, "uses session variable " + f.userVariable);
        }
        if (f.firstVolatile != null) {
            b.reason(NotCacheableReason.VOLATILE_FUNCTION, "calls volatile function " + f.firstVolatile + "()");
        }
        if (kind == StatementKind.QUERY && samplesTable(sql)) {
            b.reason(NotCacheableReason.VOLATILE_FUNCTION, "TABLESAMPLE returns a random sample");
        }
        if (!f.systemCatalogs.isEmpty()) {
            b.reason(NotCacheableReason.SYSTEM_CATALOG, "reads system catalog " + f.systemCatalogs.iterator().next());
        }
        if (kind == StatementKind.QUERY && f.read.isEmpty()) {
            // SELECT 1, SELECT version(), VALUES (…): the database does no table work to save, and
            // such texts are connection validation queries that must reach the database
            b.reason(NotCacheableReason.NO_TABLES, "the query reads no table; there is nothing to save by caching it");
        }
        if (readOnlyOther) {
            b.reason(NotCacheableReason.NOT_A_QUERY, "EXPLAIN, SHOW and DESCRIBE results are not cached");
        }
        return b.build();
    }

    /**
     * The statement's key pins when two independent readings agree on them — the syntax tree's
     * ({@link TreePins}) and the tokens' ({@link TextPins}) — the tree's parameters are exactly the text's
     * markers, and the markers are the same before and after JDBC escapes were translated; otherwise null.
     * {@code tokenized}: the caller has read the tokens already ({@link #markerTokens}; null: they do not match).
     */
    private static RowPins rowPins(String sql, String text, Statement st, Dialect dialect, AstFacts f,
            boolean tokenized, java.util.List<PinTokens.Tok> tokens) {
        RowPins tree = TreePins.read(st, dialect, f);
        if (tree == null) {
            return null; // the common case of a write (no WHERE pins): no tokenizing
        }
        java.util.List<PinTokens.Tok> markers = tokenized ? tokens : markerTokens(sql, text, dialect, f);
        return markers != null && tree.equals(TextPins.read(markers)) ? tree : null;
    }

    /**
     * The tokens of {@code text} when the tree's parameters are exactly its markers and the original {@code sql}
     * (before JDBC escapes were translated) has as many; otherwise null.
     */
    private static java.util.List<PinTokens.Tok> markerTokens(String sql, String text, Dialect dialect, AstFacts f) {
        java.util.List<PinTokens.Tok> tokens = PinTokens.read(text, dialect);
        if (tokens == null || !TreePins.parametersMatch(f, tokens)) {
            return null;
        }
        if (!sql.equals(text)) {
            java.util.List<PinTokens.Tok> original = PinTokens.read(sql, dialect);
            if (original == null || PinTokens.parameters(original) != PinTokens.parameters(tokens)) {
                return null;
            }
        }
        return tokens;
    }

    private static boolean isTemporary(CreateTable ct) {
        if (ct.getCreateOptionsStrings() == null) {
            return false;
        }
        for (String o : ct.getCreateOptionsStrings()) {
            String u = o.toUpperCase(Locale.ROOT);
            if (u.equals("TEMP") || u.equals("TEMPORARY")) {
                return true;
            }
        }
        return false;
    }

    private static boolean renames(Statement st) {
        String text = st.toString().toUpperCase(Locale.ROOT);
        return text.contains(" RENAME TO ") || text.contains(" RENAME ") && !text.contains(" RENAME COLUMN ");
    }

    /** Whether the text has a TABLESAMPLE clause (a word outside literals, quotes and comments). */
    private static boolean samplesTable(String sql) {
        if (sql.toUpperCase(Locale.ROOT).indexOf("TABLESAMPLE") < 0) {
            return false;
        }
        for (Tokens.Token t : Tokens.of(sql, Integer.MAX_VALUE)) {
            if (t.is("TABLESAMPLE")) {
                return true;
            }
        }
        return false;
    }
}
