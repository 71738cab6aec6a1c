package dev.cachet.parser;

import dev.cachet.parser.SessionEffect.Type;
import dev.cachet.parser.Tokens.Token;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recognizes, without JSqlParser, the statements it cannot parse or that Cachet must understand
 * exactly: transaction control (BEGIN, START TRANSACTION, COMMIT, ROLLBACK, SAVEPOINT, RELEASE),
 * session statements (SET …, RESET, USE, DISCARD), and LOCK, UNLOCK, VACUUM, ANALYZE and friends.
 * Anything it starts to recognize but cannot follow is the conservative UNKNOWN answer.
 */
final class SessionStatements {

    private SessionStatements() {
    }

    /** Settings that never change what a query returns. */
    private static final Set<String> HARMLESS = new HashSet<>(List.of((
            "application_name statement_timeout lock_timeout idle_in_transaction_session_timeout"
            + " idle_session_timeout client_min_messages log_min_messages log_statement log_min_duration_statement"
            + " work_mem maintenance_work_mem temp_buffers jit random_page_cost seq_page_cost effective_cache_size"
            + " synchronous_commit max_parallel_workers_per_gather parallel_setup_cost parallel_tuple_cost"
            + " geqo enable_seqscan enable_indexscan enable_bitmapscan enable_hashjoin enable_mergejoin"
            + " enable_nestloop enable_sort enable_hashagg enable_material enable_partitionwise_join"
            + " plan_cache_mode tcp_keepalives_idle tcp_keepalives_interval tcp_keepalives_count"
            + " client_encoding names character_set_client character_set_results character_set_connection"
            + " collation_connection net_write_timeout net_read_timeout wait_timeout interactive_timeout"
            + " max_execution_time innodb_lock_wait_timeout lock_wait_timeout sql_safe_updates"
            + " foreign_key_checks unique_checks profiling optimizer_switch session_track_schema"
            + " session_track_state_change session_track_system_variables session_track_transaction_info"
            + " sql_log_bin sql_notes query_timeout trace_level_system_out trace_level_file throttle"
            + " default_lock_timeout log query_cache_type").split(" ")));

    private static final Set<String> ISOLATION_VARIABLES_TX = Set.of("transaction_isolation");
    private static final Set<String> ISOLATION_VARIABLES_SESSION = Set.of("default_transaction_isolation",
            "tx_isolation", "session_transaction_isolation");
    private static final Set<String> READ_ONLY_VARIABLES_TX = Set.of("transaction_read_only");
    private static final Set<String> READ_ONLY_VARIABLES_SESSION = Set.of("default_transaction_read_only",
            "tx_read_only");

    /**
     * The answer for {@code text} when its first word makes it a statement this class handles;
     * {@code null} to let the parser decide.
     */
    static StatementInfo recognize(String sql, String text, Dialect dialect, Hints hints) {
        List<Token> t = Tokens.of(text, 200);
        if (t.isEmpty()) {
            return null;
        }
        String first = t.get(0).upper();
        switch (first) {
            case "BEGIN":
                return begin(sql, t, 1, dialect, hints);
            case "START":
                if (t.size() > 1 && t.get(1).is("TRANSACTION")) {
                    return begin(sql, t, 2, dialect, hints);
                }
                return unknown(sql, hints, "unrecognized START statement");
            case "COMMIT":
            case "END":
                return endTransaction(sql, t, Type.COMMIT, hints);
            case "ROLLBACK":
            case "ABORT":
                return rollback(sql, t, hints);
            case "SAVEPOINT":
                if (t.size() == 2 && isName(t.get(1))) {
                    return tx(sql, SessionEffect.of(Type.SAVEPOINT, t.get(1).value()), hints);
                }
                return unknown(sql, hints, "unrecognized SAVEPOINT statement");
            case "RELEASE": {
                int i = 1;
                if (i < t.size() && t.get(i).is("SAVEPOINT")) {
                    i++;
                }
                if (i == t.size() - 1 && isName(t.get(i))) {
                    return tx(sql, SessionEffect.of(Type.RELEASE_SAVEPOINT, t.get(i).value()), hints);
                }
                return unknown(sql, hints, "unrecognized RELEASE statement");
            }
            case "SET":
                return set(sql, t, dialect, hints);
            case "RESET":
                return reset(sql, t, hints);
            case "DISCARD":
                if (t.size() == 2 && t.get(1).is("ALL")) {
                    return session(sql, SessionEffect.of(Type.DISCARD_ALL, null), hints);
                }
                if (t.size() == 2 && (t.get(1).is("PLANS") || t.get(1).is("SEQUENCES") || t.get(1).is("TEMP")
                        || t.get(1).is("TEMPORARY"))) {
                    return session(sql, SessionEffect.of(Type.HARMLESS, null), hints);
                }
                return unknown(sql, hints, "unrecognized DISCARD statement");
            case "USE":
                if (t.size() == 2 && isName(t.get(1))) {
                    return session(sql, SessionEffect.of(Type.USE_CATALOG, t.get(1).value()), hints);
                }
                return unknown(sql, hints, "unrecognized USE statement");
            case "LOCK":
                return lock(sql, t, hints);
            case "UNLOCK":
                return other(sql, hints, new HashSet<>());
            case "VACUUM":
            case "CHECKPOINT":
            case "CLUSTER":
            case "REINDEX":
            case "OPTIMIZE":
            case "CHECK":
            case "REPAIR":
            case "FLUSH":
            case "LISTEN":
            case "UNLISTEN":
            case "NOTIFY":
            case "DEALLOCATE":
                return other(sql, hints, new HashSet<>());
            case "LOAD":
                return load(sql, t, hints);
            case "ANALYZE":
            case "ANALYSE":
                if (Analysis.analyzesStatement(t)) {
                    // MariaDB: ANALYZE <statement> runs the statement; the analysis treats it as one
                    return null;
                }
                return other(sql, hints, new HashSet<>());
            default:
                return null;
        }
    }

    // ---- transaction control ----

    private static StatementInfo begin(String sql, List<Token> t, int i, Dialect dialect, Hints hints) {
        if (i < t.size() && (t.get(i).is("WORK") || t.get(i).is("TRANSACTION"))) {
            i++;
        }
        String isolation = null;
        Boolean readOnly = null;
        while (i < t.size()) {
            Token tok = t.get(i);
            if (tok.isSymbol(",")) {
                i++;
            } else if (tok.is("ISOLATION") && i + 2 < t.size() && t.get(i + 1).is("LEVEL")) {
                int[] next = new int[1];
                isolation = isolationLevel(t, i + 2, next);
                if (isolation == null) {
                    return unknown(sql, hints, "unrecognized isolation level");
                }
                i = next[0];
            } else if (tok.is("READ") && i + 1 < t.size() && t.get(i + 1).is("ONLY")) {
                readOnly = Boolean.TRUE;
                i += 2;
            } else if (tok.is("READ") && i + 1 < t.size() && t.get(i + 1).is("WRITE")) {
                readOnly = Boolean.FALSE;
                i += 2;
            } else if (tok.is("DEFERRABLE")) {
                i++;
            } else if (tok.is("NOT") && i + 1 < t.size() && t.get(i + 1).is("DEFERRABLE")) {
                i += 2;
            } else if (tok.is("WITH") && i + 2 < t.size() && t.get(i + 1).is("CONSISTENT")
                    && t.get(i + 2).is("SNAPSHOT")) {
                i += 3;
            } else {
                return unknown(sql, hints, "unrecognized transaction mode '" + tok.text + "'");
            }
        }
        Type type = Boolean.TRUE.equals(readOnly) ? Type.BEGIN_READ_ONLY : Type.BEGIN;
        return tx(sql, SessionEffect.of(type, isolation, isolation, readOnly), hints);
    }

    private static StatementInfo endTransaction(String sql, List<Token> t, Type type, Hints hints) {
        int i = 1;
        if (i < t.size() && (t.get(i).is("WORK") || t.get(i).is("TRANSACTION"))) {
            i++;
        }
        // AND NO CHAIN / NO RELEASE are the defaults; AND CHAIN / RELEASE change the connection
        // in ways Cachet does not model
        while (i < t.size()) {
            if (t.get(i).is("AND") && i + 2 < t.size() && t.get(i + 1).is("NO") && t.get(i + 2).is("CHAIN")) {
                i += 3;
            } else if (t.get(i).is("NO") && i + 1 < t.size() && t.get(i + 1).is("RELEASE")) {
                i += 2;
            } else {
                return unknown(sql, hints, "unrecognized " + t.get(0).upper() + " option '" + t.get(i).text + "'");
            }
        }
        return tx(sql, SessionEffect.of(type, null), hints);
    }

    private static StatementInfo rollback(String sql, List<Token> t, Hints hints) {
        int i = 1;
        if (i < t.size() && (t.get(i).is("WORK") || t.get(i).is("TRANSACTION"))) {
            i++;
        }
        if (i < t.size() && t.get(i).is("TO")) {
            i++;
            if (i < t.size() && t.get(i).is("SAVEPOINT")) {
                i++;
            }
            if (i == t.size() - 1 && isName(t.get(i))) {
                return tx(sql, SessionEffect.of(Type.ROLLBACK_TO_SAVEPOINT, t.get(i).value()), hints);
            }
            return unknown(sql, hints, "unrecognized ROLLBACK TO statement");
        }
        return endTransaction(sql, t, Type.ROLLBACK, hints);
    }

    /** Reads an isolation level starting at i; next[0] receives the index after it. */
    private static String isolationLevel(List<Token> t, int i, int[] next) {
        if (i < t.size() && t.get(i).is("SERIALIZABLE")) {
            next[0] = i + 1;
            return "SERIALIZABLE";
        }
        if (i + 1 < t.size() && t.get(i).is("REPEATABLE") && t.get(i + 1).is("READ")) {
            next[0] = i + 2;
            return "REPEATABLE READ";
        }
        if (i + 1 < t.size() && t.get(i).is("READ") && t.get(i + 1).is("COMMITTED")) {
            next[0] = i + 2;
            return "READ COMMITTED";
        }
        if (i + 1 < t.size() && t.get(i).is("READ") && t.get(i + 1).is("UNCOMMITTED")) {
            next[0] = i + 2;
            return "READ UNCOMMITTED";
        }
        if (i < t.size() && t.get(i).is("SNAPSHOT")) {
            next[0] = i + 1;
            return "SERIALIZABLE";
        }
        return null;
    }

    /** 'read-committed', "REPEATABLE READ", serializable … as a normalized level; null if unreadable. */
    private static String isolationValue(String raw) {
        String v = raw.trim().toUpperCase(Locale.ROOT).replace('-', ' ').replace('_', ' ');
        switch (v) {
            case "READ UNCOMMITTED": case "READ COMMITTED": case "REPEATABLE READ": case "SERIALIZABLE":
                return v;
            default:
                return null;
        }
    }

    private static String booleanValue(String raw) {
        switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "1": case "on": case "true": case "yes":
                return "true";
            case "0": case "off": case "false": case "no":
                return "false";
            default:
                return null;
        }
    }

    // ---- SET ----

    private static StatementInfo set(String sql, List<Token> t, Dialect dialect, Hints hints) {
        int i = 1;
        String scope = "SESSION";
        if (i < t.size() && (t.get(i).is("SESSION") || t.get(i).is("LOCAL") || t.get(i).is("GLOBAL")
                || t.get(i).is("PERSIST") || t.get(i).is("PERSIST_ONLY"))) {
            // "SET SESSION AUTHORIZATION" and "SET SESSION CHARACTERISTICS" keep SESSION as a keyword
            if (!(t.get(i).is("SESSION") && i + 1 < t.size()
                    && (t.get(i + 1).is("AUTHORIZATION") || t.get(i + 1).is("CHARACTERISTICS")))) {
                scope = t.get(i).upper();
                i++;
            }
        }
        if (scope.equals("GLOBAL") || scope.startsWith("PERSIST")) {
            // changes the server for later sessions, not this one: a write to the server's state
            return other(sql, hints, new HashSet<>());
        }
        if (i >= t.size()) {
            return unknown(sql, hints, "empty SET statement");
        }
        Token w = t.get(i);
        if (w.is("TRANSACTION")) {
            boolean session = scope.equals("SESSION") && t.get(1).is("SESSION");
            return transactionCharacteristics(sql, t, i + 1, session, hints);
        }
        if (w.is("SESSION") && i + 4 < t.size() && t.get(i + 1).is("CHARACTERISTICS") && t.get(i + 2).is("AS")
                && t.get(i + 3).is("TRANSACTION")) {
            return transactionCharacteristics(sql, t, i + 4, true, hints);
        }
        if (w.is("SESSION") && i + 1 < t.size() && t.get(i + 1).is("AUTHORIZATION")) {
            if (i + 3 == t.size() && (isName(t.get(i + 2)) || t.get(i + 2).type == Tokens.Type.STRING)) {
                String v = t.get(i + 2).is("DEFAULT") ? null : t.get(i + 2).value();
                return session(sql, SessionEffect.of(Type.SET_SESSION_AUTHORIZATION, v), hints);
            }
            return unknown(sql, hints, "unrecognized SET SESSION AUTHORIZATION");
        }
        boolean local = scope.equals("LOCAL");
        if (w.is("ROLE")) {
            if (i + 2 == t.size() && (isName(t.get(i + 1)) || t.get(i + 1).type == Tokens.Type.STRING)) {
                Token r = t.get(i + 1);
                SessionEffect e = r.is("NONE") ? SessionEffect.of(Type.RESET_ROLE, null)
                        : SessionEffect.of(Type.SET_ROLE, r.type == Tokens.Type.WORD ? r.text.toLowerCase(Locale.ROOT)
                                : r.value());
                return session(sql, local ? unmodelled() : e, hints);
            }
            return session(sql, unmodelled(), hints);
        }
        if (w.is("TIME") && i + 1 < t.size() && t.get(i + 1).is("ZONE")) {
            String zone = joinValue(t, i + 2, t.size());
            if (zone == null) {
                return session(sql, unmodelled(), hints);
            }
            String v = zone.equalsIgnoreCase("local") || zone.equalsIgnoreCase("default") ? null : zone;
            return session(sql, local ? unmodelled() : SessionEffect.of(Type.SET_TIME_ZONE, v), hints);
        }
        if (w.is("SCHEMA") && i + 1 < t.size() && !t.get(i + 1).isSymbol("=")) {
            String schema = joinValue(t, i + 1, t.size());
            if (schema == null) {
                return session(sql, unmodelled(), hints);
            }
            return session(sql, local ? unmodelled() : SessionEffect.of(Type.SET_SCHEMA, schema), hints);
        }
        if (w.is("NAMES") || (w.is("CHARACTER") && i + 1 < t.size() && t.get(i + 1).is("SET")) || w.is("CHARSET")) {
            return session(sql, SessionEffect.of(Type.HARMLESS, null), hints);
        }
        if (w.is("CONSTRAINTS")) {
            return session(sql, SessionEffect.of(Type.HARMLESS, null), hints);
        }
        return assignments(sql, t, i, dialect, local, hints);
    }

    private static StatementInfo transactionCharacteristics(String sql, List<Token> t, int i, boolean session,
            Hints hints) {
        String isolation = null;
        Boolean readOnly = null;
        while (i < t.size()) {
            Token tok = t.get(i);
            if (tok.isSymbol(",")) {
                i++;
            } else if (tok.is("ISOLATION") && i + 2 < t.size() && t.get(i + 1).is("LEVEL")) {
                int[] next = new int[1];
                isolation = isolationLevel(t, i + 2, next);
                if (isolation == null) {
                    return unknown(sql, hints, "unrecognized isolation level");
                }
                i = next[0];
            } else if (tok.is("READ") && i + 1 < t.size() && (t.get(i + 1).is("ONLY") || t.get(i + 1).is("WRITE"))) {
                readOnly = t.get(i + 1).is("ONLY");
                i += 2;
            } else if (tok.is("DEFERRABLE")) {
                i++;
            } else if (tok.is("NOT") && i + 1 < t.size() && t.get(i + 1).is("DEFERRABLE")) {
                i += 2;
            } else if (tok.is("SNAPSHOT")) {
                return tx(sql, unmodelled(), hints);
            } else {
                return unknown(sql, hints, "unrecognized transaction characteristic '" + tok.text + "'");
            }
        }
        if (isolation == null && readOnly == null) {
            return unknown(sql, hints, "SET TRANSACTION without characteristics");
        }
        Type type;
        String value;
        if (isolation != null) {
            type = session ? Type.SET_SESSION_ISOLATION : Type.SET_TRANSACTION_ISOLATION;
            value = isolation;
        } else {
            type = session ? Type.SET_SESSION_READ_ONLY : Type.SET_TRANSACTION_READ_ONLY;
            value = readOnly.toString();
        }
        SessionEffect e = SessionEffect.of(type, value, isolation, readOnly);
        return session ? session(sql, e, hints) : tx(sql, e, hints);
    }

    /** name {=|TO|:=} value [, name = value …]; PostgreSQL value lists (search_path) are one assignment. */
    private static StatementInfo assignments(String sql, List<Token> t, int i, Dialect dialect, boolean local,
            Hints hints) {
        List<SessionEffect> effects = new ArrayList<>();
        while (i < t.size()) {
            // variable name: [@@[session.|local.]]name[.name] or @user_var
            boolean userVariable = false;
            boolean systemVariable = false;
            if (t.get(i).isSymbol("@@")) {
                systemVariable = true;
                i++;
                if (i + 1 < t.size() && (t.get(i).is("SESSION") || t.get(i).is("LOCAL")) && t.get(i + 1).isSymbol(".")) {
                    i += 2;
                } else if (i + 1 < t.size() && (t.get(i).is("GLOBAL") || t.get(i).is("PERSIST"))
                        && t.get(i + 1).isSymbol(".")) {
                    return other(sql, hints, new HashSet<>());
                }
            } else if (t.get(i).isSymbol("@")) {
                userVariable = true;
                i++;
            }
            if (i >= t.size() || !isName(t.get(i))) {
                return unknown(sql, hints, "unrecognized SET statement");
            }
            StringBuilder name = new StringBuilder(t.get(i).value());
            i++;
            while (i + 1 < t.size() && t.get(i).isSymbol(".") && isName(t.get(i + 1))) {
                name.append('.').append(t.get(i + 1).value());
                i += 2;
            }
            if (i >= t.size() || !(t.get(i).isSymbol("=") || t.get(i).is("TO") || t.get(i).isSymbol(":="))) {
                // H2: SET AUTOCOMMIT TRUE, SET SCHEMA_SEARCH_PATH a, b, SET LOCK_TIMEOUT 1000
                if (dialect != Dialect.H2 && dialect != Dialect.GENERIC || userVariable) {
                    return unknown(sql, hints, "unrecognized SET statement");
                }
            } else {
                i++;
            }
            // value: up to the next comma that starts another "name =" (MySQL lists)
            int start = i;
            int depth = 0;
            while (i < t.size()) {
                Token tok = t.get(i);
                if (tok.isSymbol("(")) {
                    depth++;
                } else if (tok.isSymbol(")")) {
                    depth--;
                } else if (depth == 0 && tok.isSymbol(",") && startsAssignment(t, i + 1)) {
                    break;
                }
                i++;
            }
            int end = i;
            if (i < t.size()) {
                i++; // the comma
            }
            if (userVariable) {
                effects.add(unmodelled());
                continue;
            }
            effects.add(variable(name.toString(), t, start, end, dialect, local, systemVariable));
        }
        if (effects.isEmpty()) {
            return unknown(sql, hints, "unrecognized SET statement");
        }
        return session(sql, combine(effects), hints);
    }

    private static boolean startsAssignment(List<Token> t, int i) {
        if (i < t.size() && (t.get(i).isSymbol("@") || t.get(i).isSymbol("@@"))) {
            return true;
        }
        int j = i;
        if (j < t.size() && (t.get(j).is("SESSION") || t.get(j).is("LOCAL") || t.get(j).is("GLOBAL"))) {
            j++;
        }
        while (j < t.size() && isName(t.get(j))) {
            j++;
            if (j < t.size() && t.get(j).isSymbol(".")) {
                j++;
            } else {
                break;
            }
        }
        return j > i && j < t.size() && (t.get(j).isSymbol("=") || t.get(j).isSymbol(":="));
    }

    private static SessionEffect variable(String name, List<Token> t, int start, int end, Dialect dialect,
            boolean local, boolean systemVariable) {
        String value = joinValue(t, start, end);
        String key = name.startsWith("session.") ? name.substring(8) : name;
        boolean isDefault = value != null && value.equalsIgnoreCase("default");
        SessionEffect e;
        switch (key) {
            case "search_path":
            case "schema_search_path":
            case "schema":
                e = SessionEffect.of(Type.SET_SCHEMA, isDefault ? null : value);
                break;
            case "timezone":
            case "time_zone":
            case "time zone":
                e = SessionEffect.of(Type.SET_TIME_ZONE, isDefault || "local".equalsIgnoreCase(value) ? null : value);
                break;
            case "role":
                e = value == null ? null : "none".equalsIgnoreCase(value)
                        ? SessionEffect.of(Type.RESET_ROLE, null) : SessionEffect.of(Type.SET_ROLE, value);
                break;
            case "session_authorization":
                e = SessionEffect.of(Type.SET_SESSION_AUTHORIZATION, isDefault ? null : value);
                break;
            case "autocommit": {
                String b = value == null ? null : booleanValue(value);
                e = b == null ? null : SessionEffect.of(Type.SET_AUTOCOMMIT, b);
                break;
            }
            default:
                e = null;
        }
        if (e == null) {
            String iso = value == null ? null : isolationValue(value);
            String ro = value == null ? null : booleanValue(value);
            boolean mysql = dialect == Dialect.MYSQL;
            if (ISOLATION_VARIABLES_SESSION.contains(key) || (mysql && ISOLATION_VARIABLES_TX.contains(key))) {
                e = iso == null ? null : SessionEffect.of(Type.SET_SESSION_ISOLATION, iso, iso, null);
            } else if (ISOLATION_VARIABLES_TX.contains(key)) {
                e = iso == null ? null : SessionEffect.of(Type.SET_TRANSACTION_ISOLATION, iso, iso, null);
            } else if (READ_ONLY_VARIABLES_SESSION.contains(key) || (mysql && READ_ONLY_VARIABLES_TX.contains(key))) {
                e = ro == null ? null : SessionEffect.of(Type.SET_SESSION_READ_ONLY, ro, null, Boolean.valueOf(ro));
            } else if (READ_ONLY_VARIABLES_TX.contains(key)) {
                e = ro == null ? null : SessionEffect.of(Type.SET_TRANSACTION_READ_ONLY, ro, null, Boolean.valueOf(ro));
            } else if (HARMLESS.contains(key)) {
                e = SessionEffect.of(Type.HARMLESS, null);
            }
        }
        if (e == null) {
            return unmodelled();
        }
        if (local && e.type() != Type.HARMLESS) {
            return unmodelled(); // transaction-scoped changes are not modelled
        }
        return e;
    }

    /** Several assignments in one SET: harmless ones drop out; two modelled ones are not modelled together. */
    private static SessionEffect combine(List<SessionEffect> effects) {
        SessionEffect chosen = null;
        for (SessionEffect e : effects) {
            if (e.type() == Type.UNMODELLED) {
                return e;
            }
            if (e.type() == Type.HARMLESS) {
                continue;
            }
            if (chosen != null) {
                return unmodelled();
            }
            chosen = e;
        }
        return chosen == null ? SessionEffect.of(Type.HARMLESS, null) : chosen;
    }

    /** The tokens [from, to) as one normalized value: quotes removed, names lower-cased, lists joined by ','. */
    private static String joinValue(List<Token> t, int from, int to) {
        if (from >= to) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            Token tok = t.get(i);
            if (tok.isSymbol(",")) {
                b.append(',');
            } else if (tok.type == Tokens.Type.STRING && tok.text.startsWith("'")) {
                // a quoted list element such as 'app, public' keeps its inner text trimmed
                b.append(tok.value().trim());
            } else if (tok.type == Tokens.Type.SYMBOL && (tok.isSymbol("+") || tok.isSymbol("-") || tok.isSymbol(":")
                    || tok.isSymbol("/") || tok.isSymbol("."))) {
                b.append(tok.text);
            } else if (tok.type == Tokens.Type.WORD || tok.type == Tokens.Type.QUOTED || tok.type == Tokens.Type.NUMBER
                    || tok.type == Tokens.Type.STRING) {
                if (b.length() > 0 && Character.isLetterOrDigit(b.charAt(b.length() - 1))
                        && tok.type == Tokens.Type.WORD) {
                    b.append(' ');
                }
                b.append(tok.type == Tokens.Type.NUMBER ? tok.text : tok.value());
            } else {
                return null;
            }
        }
        return b.toString();
    }

    // ---- RESET ----

    private static StatementInfo reset(String sql, List<Token> t, Hints hints) {
        if (t.size() == 2 && t.get(1).is("ALL")) {
            return session(sql, SessionEffect.of(Type.RESET_ALL, null), hints);
        }
        if (t.size() == 2 && t.get(1).is("ROLE")) {
            return session(sql, SessionEffect.of(Type.RESET_ROLE, null), hints);
        }
        if (t.size() == 3 && t.get(1).is("SESSION") && t.get(2).is("AUTHORIZATION")) {
            return session(sql, SessionEffect.of(Type.SET_SESSION_AUTHORIZATION, null), hints);
        }
        if (t.size() == 3 && t.get(1).is("TIME") && t.get(2).is("ZONE")) {
            return session(sql, SessionEffect.of(Type.SET_TIME_ZONE, null), hints);
        }
        if (t.size() == 2 && isName(t.get(1))) {
            String v = t.get(1).value();
            switch (v) {
                case "search_path":
                    return session(sql, SessionEffect.of(Type.SET_SCHEMA, null), hints);
                case "timezone":
                    return session(sql, SessionEffect.of(Type.SET_TIME_ZONE, null), hints);
                case "role":
                    return session(sql, SessionEffect.of(Type.RESET_ROLE, null), hints);
                case "session_authorization":
                    return session(sql, SessionEffect.of(Type.SET_SESSION_AUTHORIZATION, null), hints);
                default:
                    return session(sql, HARMLESS.contains(v) ? SessionEffect.of(Type.HARMLESS, null) : unmodelled(),
                            hints);
            }
        }
        return session(sql, unmodelled(), hints);
    }

    // ---- LOCK ----

    private static StatementInfo lock(String sql, List<Token> t, Hints hints) {
        int i = 1;
        if (i < t.size() && (t.get(i).is("TABLE") || t.get(i).is("TABLES"))) {
            i++;
        }
        Set<String> tables = new HashSet<>();
        while (i < t.size()) {
            Token tok = t.get(i);
            if (tok.is("ONLY") || tok.isSymbol(",") || tok.isSymbol("*")) {
                i++;
                continue;
            }
            if (tok.is("IN") || tok.is("NOWAIT")) {
                break;
            }
            if (!isName(tok)) {
                return unknown(sql, hints, "unrecognized LOCK statement");
            }
            String name = tok.value();
            i++;
            while (i + 1 < t.size() && t.get(i).isSymbol(".") && isName(t.get(i + 1))) {
                name = t.get(i + 1).value();
                i += 2;
            }
            tables.add(name);
            // MySQL: [[AS] alias] {READ [LOCAL] | [LOW_PRIORITY] WRITE}
            while (i < t.size() && !t.get(i).isSymbol(",") && !t.get(i).is("IN") && !t.get(i).is("NOWAIT")) {
                i++;
            }
        }
        if (tables.isEmpty()) {
            return unknown(sql, hints, "LOCK without a table");
        }
        return other(sql, hints, tables);
    }

    // ---- helpers ----

    private static boolean isName(Token t) {
        return t.type == Tokens.Type.WORD || t.type == Tokens.Type.QUOTED;
    }

    private static SessionEffect unmodelled() {
        return SessionEffect.of(Type.UNMODELLED, null);
    }

    private static StatementInfo tx(String sql, SessionEffect effect, Hints hints) {
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.TRANSACTION_CONTROL);
        b.sessionEffect = effect;
        b.hints = hints;
        b.requiresPrimary = true;
        return b.build();
    }

    private static StatementInfo session(String sql, SessionEffect effect, Hints hints) {
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.SESSION);
        b.sessionEffect = effect;
        b.hints = hints;
        b.requiresPrimary = true;
        return b.build();
    }

    /** LOCK, VACUUM, ANALYZE, …: runs on the primary; locked tables count as written. */
    /**
     * MySQL / MariaDB {@code LOAD DATA | XML … INTO TABLE name …} writes that table; PostgreSQL's
     * {@code LOAD 'library'} writes nothing.
     */
    private static StatementInfo load(String sql, List<Token> t, Hints hints) {
        if (t.size() > 1 && (t.get(1).is("DATA") || t.get(1).is("XML"))) {
            for (int i = 2; i + 1 < t.size(); i++) {
                if (t.get(i).is("INTO") && t.get(i + 1).is("TABLE") && i + 2 < t.size() && isName(t.get(i + 2))) {
                    int j = i + 2;
                    String name = t.get(j).value();
                    while (j + 2 < t.size() && t.get(j + 1).isSymbol(".") && isName(t.get(j + 2))) {
                        j += 2;
                        name = t.get(j).value();
                    }
                    Set<String> written = new HashSet<>();
                    written.add(name);
                    return other(sql, hints, written);
                }
            }
            return unknown(sql, hints, "unrecognized LOAD statement");
        }
        return other(sql, hints, new HashSet<>());
    }

    private static StatementInfo other(String sql, Hints hints, Set<String> written) {
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.OTHER);
        b.tablesWritten.addAll(written);
        b.hints = hints;
        b.requiresPrimary = true;
        return b.build();
    }

    static StatementInfo unknown(String sql, Hints hints, String detail) {
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.UNKNOWN);
        b.hints = hints;
        b.reason(NotCacheableReason.UNPARSEABLE, detail);
        return b.build();
    }
}
