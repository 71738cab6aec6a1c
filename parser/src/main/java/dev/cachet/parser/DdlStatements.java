package dev.cachet.parser;

import dev.cachet.parser.Tokens.Token;
import java.util.List;

/**
 * Schema statements recognized by their leading keywords, without JSqlParser (which rejects several of
 * them): triggers, rules, partitions, routines, materialized views, sequences, types, domains,
 * extensions, schemas and views. Each is DDL: not cacheable, run on the primary. The tables it names are
 * written; when the statement can change the result of queries on tables it does not name — a routine,
 * a type or a cast may be called by any query — it counts as a write to every table.
 */
final class DdlStatements {

    private DdlStatements() {
    }

    /** The answer for {@code tokens}, or null when the statement is none of these shapes. */
    static StatementInfo recognize(String sql, List<Token> t, Hints hints) {
        Token first = t.get(0);
        if (first.is("CREATE")) {
            return create(sql, t, hints);
        }
        if (first.is("DROP")) {
            return drop(sql, t, hints);
        }
        if (first.is("ALTER")) {
            return alter(sql, t, hints);
        }
        if (first.is("REFRESH") && t.size() > 2 && t.get(1).is("MATERIALIZED") && t.get(2).is("VIEW")) {
            // REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]
            int i = 3;
            if (i < t.size() && t.get(i).is("CONCURRENTLY")) {
                i++;
            }
            return named(sql, hints, t, i);
        }
        return null;
    }

    private static StatementInfo create(String sql, List<Token> t, Hints hints) {
        int i = 1;
        if (i + 1 < t.size() && t.get(i).is("OR") && t.get(i + 1).is("REPLACE")) {
            i += 2;
        }
        if (i < t.size() && t.get(i).is("CONSTRAINT")) {
            i++; // CREATE CONSTRAINT TRIGGER
        }
        if (i >= t.size()) {
            return null;
        }
        Token what = t.get(i);
        if (what.is("TRIGGER")) {
            // CREATE TRIGGER name {BEFORE | AFTER | INSTEAD OF} events ON table …
            return onTable(sql, hints, t, i + 1, "ON");
        }
        if (what.is("RULE")) {
            // CREATE RULE name AS ON event TO table …
            return onTable(sql, hints, t, i + 1, "TO");
        }
        if (what.is("MATERIALIZED") && i + 1 < t.size() && t.get(i + 1).is("VIEW")) {
            return named(sql, hints, t, skipIfNotExists(t, i + 2));
        }
        if (what.is("SEQUENCE")) {
            return ddl(sql, hints, false); // no cached result reads a sequence (nextval is never cached)
        }
        if (changesAnyQuery(what)) {
            return ddl(sql, hints, true);
        }
        if (what.is("TABLE") || what.is("UNLOGGED")) {
            // CREATE [UNLOGGED] TABLE [IF NOT EXISTS] name PARTITION OF parent …
            int n = what.is("UNLOGGED") ? i + 1 : i;
            if (n >= t.size() || !t.get(n).is("TABLE")) {
                return null;
            }
            int[] next = new int[1];
            int at = skipIfNotExists(t, n + 1);
            String name = qualifiedName(t, at, next);
            if (name == null || next[0] + 1 >= t.size() || !t.get(next[0]).is("PARTITION")
                    || !t.get(next[0] + 1).is("OF")) {
                return null;
            }
            String parent = qualifiedName(t, next[0] + 2, next);
            StatementInfo.Builder b = builder(sql, hints);
            b.tablesWritten.add(name);
            if (parent == null) {
                b.writesAllTables = true;
            } else {
                b.tablesWritten.add(parent);
            }
            return b.build();
        }
        return null;
    }

    private static StatementInfo drop(String sql, List<Token> t, Hints hints) {
        if (t.size() < 2) {
            return null;
        }
        Token what = t.get(1);
        if (what.is("TRIGGER")) {
            // PostgreSQL: DROP TRIGGER [IF EXISTS] name ON table; MySQL: DROP TRIGGER [IF EXISTS] [s.]name
            return onTable(sql, hints, t, 2, "ON");
        }
        if (what.is("RULE")) {
            return onTable(sql, hints, t, 2, "ON");
        }
        if (what.is("SEQUENCE")) {
            return ddl(sql, hints, false);
        }
        if (changesAnyQuery(what)) {
            return ddl(sql, hints, true);
        }
        return null;
    }

    private static StatementInfo alter(String sql, List<Token> t, Hints hints) {
        if (t.size() < 2) {
            return null;
        }
        Token what = t.get(1);
        if (changesAnyQuery(what)) {
            return ddl(sql, hints, true);
        }
        int i;
        boolean table;
        if (what.is("VIEW")) {
            i = 2;
            table = false;
        } else if (what.is("MATERIALIZED") && t.size() > 2 && t.get(2).is("VIEW")) {
            i = 3;
            table = false;
        } else if (what.is("TABLE")) {
            i = 2;
            table = true;
        } else {
            return null;
        }
        if (i + 1 < t.size() && t.get(i).is("IF") && t.get(i + 1).is("EXISTS")) {
            i += 2;
        }
        if (i < t.size() && t.get(i).is("ONLY")) {
            i++;
        }
        int[] next = new int[1];
        String name = qualifiedName(t, i, next);
        if (name == null) {
            return table ? null : ddl(sql, hints, true);
        }
        i = next[0];
        if (table) {
            // only ALTER TABLE name {ATTACH | DETACH} PARTITION p …; the rest goes to the parser
            if (i + 1 >= t.size() || !(t.get(i).is("ATTACH") || t.get(i).is("DETACH"))
                    || !t.get(i + 1).is("PARTITION")) {
                return null;
            }
            String partition = qualifiedName(t, i + 2, next);
            StatementInfo.Builder b = builder(sql, hints);
            b.tablesWritten.add(name);
            if (partition == null) {
                b.writesAllTables = true;
            } else {
                b.tablesWritten.add(partition);
            }
            return b.build();
        }
        StatementInfo.Builder b = builder(sql, hints);
        b.tablesWritten.add(name);
        for (int k = i; k < t.size(); k++) {
            if (t.get(k).is("RENAME")) {
                b.writesAllTables = true; // the new name is not modelled
            }
        }
        b.writesAllTables |= t.size() >= Analysis.MAX_TOKENS; // the rest of the text was not looked at
        return b.build();
    }

    /**
     * Objects whose creation, change or removal may change the answer of a query on any table: a
     * routine or an operator any query may call, a type or a cast it may convert through, an extension
     * that installs them, a schema that holds tables (DROP SCHEMA … CASCADE drops them).
     */
    private static boolean changesAnyQuery(Token what) {
        return what.is("FUNCTION") || what.is("PROCEDURE") || what.is("ROUTINE") || what.is("TYPE")
                || what.is("DOMAIN") || what.is("EXTENSION") || what.is("SCHEMA") || what.is("CAST")
                || what.is("OPERATOR") || what.is("AGGREGATE") || what.is("LANGUAGE");
    }

    /** Finds {@code keyword} after the object name and answers a write to the table after it. */
    private static StatementInfo onTable(String sql, Hints hints, List<Token> t, int from, String keyword) {
        for (int i = from; i < t.size(); i++) {
            if (t.get(i).is(keyword)) {
                int at = i + 1;
                if (at < t.size() && t.get(at).is("ONLY")) {
                    at++;
                }
                return named(sql, hints, t, at);
            }
        }
        return ddl(sql, hints, true); // the table is not named here: count it as a write to every table
    }

    /** DDL writing the (possibly qualified) name at {@code i}, or every table when there is none. */
    private static StatementInfo named(String sql, Hints hints, List<Token> t, int i) {
        int[] next = new int[1];
        String name = qualifiedName(t, i, next);
        StatementInfo.Builder b = builder(sql, hints);
        if (name == null) {
            b.writesAllTables = true;
        } else {
            b.tablesWritten.add(name);
        }
        return b.build();
    }

    private static StatementInfo ddl(String sql, Hints hints, boolean writesAll) {
        StatementInfo.Builder b = builder(sql, hints);
        b.writesAllTables = writesAll;
        return b.build();
    }

    private static StatementInfo.Builder builder(String sql, Hints hints) {
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.DDL);
        b.hints = hints;
        b.requiresPrimary = true;
        return b;
    }

    private static int skipIfNotExists(List<Token> t, int i) {
        if (i + 2 < t.size() && t.get(i).is("IF") && t.get(i + 1).is("NOT") && t.get(i + 2).is("EXISTS")) {
            return i + 3;
        }
        return i;
    }

    /** The canonical last part of a possibly qualified name at i; next[0] receives the index after it. */
    static String qualifiedName(List<Token> t, int i, int[] next) {
        if (i >= t.size() || (t.get(i).type != Tokens.Type.WORD && t.get(i).type != Tokens.Type.QUOTED)) {
            return null;
        }
        String name = t.get(i).value();
        i++;
        while (i + 1 < t.size() && t.get(i).isSymbol(".")
                && (t.get(i + 1).type == Tokens.Type.WORD || t.get(i + 1).type == Tokens.Type.QUOTED)) {
            name = t.get(i + 1).value();
            i += 2;
        }
        next[0] = i;
        return name.toLowerCase(java.util.Locale.ROOT);
    }
}
