package dev.cachet.parser;

import dev.cachet.parser.Tokens.Token;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.TokenMgrException;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.statement.Statement;

/**
 * One analysis, from raw text to {@link StatementInfo}: hints, JDBC escapes, the multi-statement
 * check, the statements recognized without JSqlParser, then a parse under the time budget.
 *
 * <p><b>The parse budget.</b> JSqlParser 5.3 offers no time limit of its own beyond a cooperative flag:
 * its {@code CCJSqlParserUtil.parse(String)} runs every parse on a new thread and waits for it, and the
 * generated parser polls a public {@code interrupted} field in its expensive look-ahead paths. Cachet
 * keeps the shape and drops the per-call thread: the parse (and the walk over its tree) runs as a task
 * on a small shared pool of daemon threads named {@code cachet-parser-N}, and the caller waits for at
 * most the budget. Past it the caller gets the conservative answer
 * ({@link NotCacheableReason#PARSE_TIMEOUT}) at once, whatever the parser is doing. When the budget
 * allows a late answer, the parse goes on until the budget's limit and hands its real answer over for
 * memoizing; otherwise, or at the limit, the parser's {@code interrupted} flag is raised so the worker
 * gives up at its next poll. No input can therefore hold the calling thread longer than the budget. The hand-off costs a few microseconds on a cold
 * parse only; a memoized answer never reaches this class.
 */
final class Analysis {

    static final int MAX_TOKENS = 64;

    /** Statements that load the parser's and the classifier's classes for the common shapes. */
    private static final String[] WARM_UP = {
        "SELECT a, count(*), coalesce(b, 0) FROM t JOIN u ON u.id = t.id WHERE t.x IN (SELECT x FROM v) "
                + "AND b = ? GROUP BY a HAVING max(c) > 1 ORDER BY a LIMIT 10",
        "WITH w AS (SELECT * FROM t) SELECT * FROM w WHERE EXISTS (SELECT 1 FROM u) FOR UPDATE",
        "INSERT INTO t (a, b) VALUES (?, ?)",
        "UPDATE t SET a = ? WHERE id = ?",
        "DELETE FROM t WHERE id = ?"};

    private static final CountDownLatch WARMED_UP = new CountDownLatch(1);
    private static final long WARM_UP_WAIT_MILLIS = 10_000;

    private static final ThreadPoolExecutor PARSERS;

    static {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        PARSERS = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "cachet-parser-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        PARSERS.allowCoreThreadTimeOut(true);
        // Loading and initializing JSqlParser's generated parser takes tens to hundreds of
        // milliseconds; that is the JVM's start-up cost, not the statement's, so the first callers
        // wait for it (bounded) before their own budget starts.
        PARSERS.execute(() -> {
            try {
                for (String sql : WARM_UP) {
                    Statement st = new CCJSqlParser(new StringProvider(sql)).withAllowComplexParsing(true).Statement();
                    StatementClassifier.classify(sql, sql, st, Dialect.GENERIC, Hints.NONE, false,
                            Collections.emptySet());
                }
            } catch (Exception | Error e) {
                // warm-up only: a failure here changes nothing for real statements
            } finally {
                WARMED_UP.countDown();
            }
        });
    }

    private static void awaitWarmUp() {
        if (WARMED_UP.getCount() == 0) {
            return;
        }
        try {
            WARMED_UP.await(WARM_UP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Analysis() {
    }

    static StatementInfo analyze(String sql, Dialect dialect, ParseBudget budget) {
        Hints hints = Hints.parse(sql);
        Set<String> none = Collections.emptySet();
        if (sql.contains("/*!") || sql.contains("/*M!")) {
            // MySQL / MariaDB run the inside of these comments as SQL
            return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.UNPARSEABLE,
                    "executable comments (/*! … */) are not analyzed", none);
        }
        String text = JdbcEscapes.translate(sql);
        String single = SqlText.singleStatement(text);
        if (single == null) {
            return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.MULTIPLE_STATEMENTS,
                    "the text holds more than one statement", none);
        }
        List<Token> tokens = Tokens.of(single, MAX_TOKENS);
        if (tokens.isEmpty()) {
            return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.UNPARSEABLE, "no statement", none);
        }
        StatementInfo session = SessionStatements.recognize(sql, single, dialect, hints);
        if (session != null) {
            return session;
        }
        String first = tokens.get(0).upper();
        if (first.equals("EXPLAIN") || first.equals("DESCRIBE") || first.equals("DESC")) {
            return explain(sql, single, tokens, dialect, hints, budget, false);
        }
        if ((first.equals("ANALYZE") || first.equals("ANALYSE")) && analyzesStatement(tokens)) {
            return explain(sql, single, tokens, dialect, hints, budget, true);
        }
        if (first.equals("SHOW")) {
            StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.OTHER);
            b.hints = hints;
            b.reason(NotCacheableReason.NOT_A_QUERY, "SHOW results are not cached");
            return b.build();
        }
        if (first.equals("MERGE")) {
            StatementInfo merge = h2Merge(sql, single, tokens, dialect, hints, budget);
            if (merge != null) {
                return merge;
            }
        }
        if (first.equals("TRUNCATE")) {
            StatementInfo truncate = truncate(sql, tokens, hints);
            if (truncate != null) {
                return truncate;
            }
        }
        if (first.equals("REVOKE")) {
            // privileges change what users may read: count it as a write to every table
            StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.DDL);
            b.hints = hints;
            b.requiresPrimary = true;
            b.writesAllTables = true;
            return b.build();
        }
        if (first.equals("CREATE") || first.equals("DROP") || first.equals("ALTER") || first.equals("REFRESH")) {
            StatementInfo ddl = DdlStatements.recognize(sql, tokens, hints);
            if (ddl != null) {
                return ddl;
            }
        }
        if (first.equals("CREATE")) {
            StatementInfo index = createIndex(sql, tokens, hints);
            if (index != null) {
                return index;
            }
        }
        if (first.equals("DROP")) {
            StatementInfo drop = dropList(sql, tokens, hints);
            if (drop != null) {
                return drop;
            }
        }
        Set<String> temporary = new LinkedHashSet<>();
        String parseText = temporaryTable(single, tokens, temporary);
        boolean lockInShareMode = false;
        int lockAt = lockInShareMode(single);
        if (lockAt >= 0) {
            lockInShareMode = true;
            parseText = single.substring(0, lockAt);
        }
        return parse(sql, parseText, dialect, hints, lockInShareMode, temporary, budget);
    }

    /**
     * Runs JSqlParser and the classification on the parser pool, waiting at most the budget. Past it,
     * when the budget allows a late answer and few late parses are running, the parse goes on until the
     * budget's limit and hands its answer to the late-answer consumer; otherwise (or at the limit) the
     * parser's flag is raised so it stops at its next poll.
     */
    private static StatementInfo parse(String sql, String text, Dialect dialect, Hints hints, boolean locking,
            Set<String> temporary, ParseBudget budget) {
        AtomicReference<CCJSqlParser> current = new AtomicReference<>();
        // WAITING -> DONE (the task finished first), or WAITING -> LATE | STOPPED (the caller gave up
        // first); LATE -> DELIVERED (the task finished in time) or LATE -> STOPPED (the limit passed)
        AtomicInteger state = new AtomicInteger(WAITING);
        awaitWarmUp();
        long started = System.nanoTime();
        Future<StatementInfo> future;
        try {
            future = PARSERS.submit(() -> {
                StatementInfo info = parseAndClassify(sql, text, dialect, hints, locking, temporary, current);
                if (!state.compareAndSet(WAITING, DONE) && info != null && state.compareAndSet(LATE, DELIVERED)) {
                    LATE_PARSES.decrementAndGet();
                    budget.lateAnswer().accept(info);
                }
                return info;
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.PARSE_TIMEOUT,
                    "the parser pool refused the statement", temporary);
        }
        try {
            StatementInfo info = future.get(Math.max(0, budget.budget().toNanos()), TimeUnit.NANOSECONDS);
            return info != null ? info : SqlAnalyzer.conservative(sql, hints, NotCacheableReason.PARSE_TIMEOUT,
                    "the parse was stopped", temporary);
        } catch (TimeoutException e) {
            if (budget.allowsLateAnswer() && LATE_PARSES.incrementAndGet() <= MAX_LATE_PARSES) {
                if (state.compareAndSet(WAITING, LATE)) {
                    long remaining = budget.limit().toNanos() - (System.nanoTime() - started);
                    WATCHDOG.schedule(() -> {
                        if (state.compareAndSet(LATE, STOPPED)) {
                            LATE_PARSES.decrementAndGet();
                            interrupt(current);
                            future.cancel(true);
                        }
                    }, Math.max(0, remaining), TimeUnit.NANOSECONDS);
                } else {
                    LATE_PARSES.decrementAndGet();
                }
            } else {
                if (budget.allowsLateAnswer()) {
                    LATE_PARSES.decrementAndGet();
                }
                state.compareAndSet(WAITING, STOPPED);
            }
            if (state.get() == DONE) {
                // finished between the wait's end and the state change: the answer is there
                return answerOf(future, sql, hints, temporary);
            }
            if (state.get() == STOPPED) {
                interrupt(current);
                future.cancel(true);
            }
            return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.PARSE_TIMEOUT,
                    "parsing took longer than " + budget.budget().toMillis() + " ms", temporary);
        } catch (InterruptedException e) {
            state.set(STOPPED);
            interrupt(current);
            future.cancel(true);
            Thread.currentThread().interrupt();
            return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.PARSE_TIMEOUT,
                    "interrupted while parsing", temporary);
        } catch (ExecutionException e) {
            return unparseable(sql, hints, temporary, e.getCause());
        }
    }

    private static final int WAITING = 0;
    private static final int DONE = 1;
    private static final int LATE = 2;
    private static final int DELIVERED = 3;
    private static final int STOPPED = 4;

    /** Late parses allowed at once: never more than half the pool, so fresh statements still find a thread. */
    private static final int MAX_LATE_PARSES = Math.max(1, PARSERS.getMaximumPoolSize() / 2);
    private static final AtomicInteger LATE_PARSES = new AtomicInteger();

    /** Stops late parses at their limit. */
    private static final java.util.concurrent.ScheduledThreadPoolExecutor WATCHDOG;

    static {
        WATCHDOG = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "cachet-parser-watchdog");
            t.setDaemon(true);
            return t;
        });
        WATCHDOG.setKeepAliveTime(30, TimeUnit.SECONDS);
        WATCHDOG.allowCoreThreadTimeOut(true);
        WATCHDOG.setRemoveOnCancelPolicy(true);
    }

    /** The finished task's answer. */
    private static StatementInfo answerOf(Future<StatementInfo> future, String sql, Hints hints,
            Set<String> temporary) {
        try {
            StatementInfo info = future.get();
            return info != null ? info : SqlAnalyzer.conservative(sql, hints, NotCacheableReason.PARSE_TIMEOUT,
                    "the parse was stopped", temporary);
        } catch (ExecutionException e) {
            return unparseable(sql, hints, temporary, e.getCause());
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.PARSE_TIMEOUT,
                    "interrupted while parsing", temporary);
        }
    }

    private static StatementInfo unparseable(String sql, Hints hints, Set<String> temporary, Throwable cause) {
        String message = cause == null || cause.getMessage() == null ? String.valueOf(cause)
                : cause.getMessage().split("\n", 2)[0];
        return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.UNPARSEABLE,
                "the statement could not be parsed: " + message, temporary);
    }

    /**
     * The parse and the classification, on a parser thread: the answer, the conservative UNPARSEABLE
     * answer when the text does not parse, or null when the parse was stopped.
     */
    private static StatementInfo parseAndClassify(String sql, String text, Dialect dialect, Hints hints,
            boolean locking, Set<String> temporary, AtomicReference<CCJSqlParser> current) {
        // JSqlParser's "complex parsing" look-ahead costs about twice as much; like its own
        // utility, try without it first and fall back to it only when that fails
        CCJSqlParser parser = newParser(text, dialect, false);
        current.set(parser);
        Statement st;
        try {
            try {
                st = parser.Statement();
            } catch (ParseException | TokenMgrException e) {
                if (parser.interrupted || Thread.currentThread().isInterrupted()) {
                    return null;
                }
                parser = newParser(text, dialect, true);
                current.set(parser);
                st = parser.Statement();
            }
        } catch (ParseException | TokenMgrException e) {
            if (parser.interrupted || Thread.currentThread().isInterrupted()) {
                return null;
            }
            return unparseable(sql, hints, temporary, e);
        }
        if (parser.interrupted) {
            return null;
        }
        int next = parser.getToken(1).kind;
        if (next != CCJSqlParserConstants.EOF) {
            return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.MULTIPLE_STATEMENTS,
                    "the text continues after the first statement", temporary);
        }
        return StatementClassifier.classify(sql, text, st, dialect, hints, locking, temporary);
    }

    private static CCJSqlParser newParser(String text, Dialect dialect, boolean complex) {
        CCJSqlParser parser = new CCJSqlParser(new StringProvider(text));
        parser.withAllowComplexParsing(complex);
        if (dialect == Dialect.MYSQL) {
            parser.withBackslashEscapeCharacter(true);
        }
        return parser;
    }

    private static void interrupt(AtomicReference<CCJSqlParser> current) {
        CCJSqlParser parser = current.get();
        if (parser != null) {
            parser.interrupted = true;
        }
    }

    /**
     * EXPLAIN / DESCRIBE. {@code EXPLAIN ANALYZE stmt} runs the statement, so it is that statement;
     * a plain EXPLAIN only reads (the plan of a write touches no row) and is not cached — a plan moves
     * with statistics no table version tracks.
     */
    private static StatementInfo explain(String sql, String text, List<Token> t, Dialect dialect, Hints hints,
            ParseBudget budget, boolean executes) {
        int i = 1;
        boolean analyze = executes;
        while (i < t.size()) {
            Token tok = t.get(i);
            if (tok.is("ANALYZE") || tok.is("ANALYSE")) {
                analyze = true;
                i++;
            } else if (tok.is("VERBOSE") || tok.is("EXTENDED") || tok.is("PARTITIONS")) {
                i++;
            } else if (tok.is("FORMAT") && i + 2 < t.size() && t.get(i + 1).isSymbol("=")) {
                i += 3;
            } else if (tok.is("PLAN") && i + 1 < t.size() && t.get(i + 1).is("FOR")) {
                i += 2;
            } else if (tok.isSymbol("(")) {
                // PostgreSQL option list: ANALYZE [boolean] marks execution
                int depth = 0;
                while (i < t.size()) {
                    Token o = t.get(i);
                    if (o.isSymbol("(")) {
                        depth++;
                    } else if (o.isSymbol(")")) {
                        depth--;
                        if (depth == 0) {
                            i++;
                            break;
                        }
                    } else if ((o.is("ANALYZE") || o.is("ANALYSE")) && !(i + 1 < t.size()
                            && (t.get(i + 1).is("FALSE") || t.get(i + 1).is("OFF") || t.get(i + 1).text.equals("0")))) {
                        analyze = true;
                    }
                    i++;
                }
            } else {
                break;
            }
        }
        if (i >= t.size()) {
            return SqlAnalyzer.conservative(sql, hints, NotCacheableReason.UNPARSEABLE, "EXPLAIN of nothing",
                    Collections.emptySet());
        }
        String inner = text.substring(t.get(i).start);
        if (!isStatementHead(t.get(i))) {
            // EXPLAIN t / DESCRIBE t: a look at a table's columns
            StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.OTHER);
            b.hints = hints;
            b.reason(NotCacheableReason.NOT_A_QUERY, "DESCRIBE results are not cached");
            return b.build();
        }
        StatementInfo in = analyze(inner, dialect, budget.withoutLateAnswer());
        if (analyze || in.kind() == StatementKind.UNKNOWN) {
            // the statement runs, so it is that statement; its output is a plan, never cached
            return in.withSql(sql, hints);
        }
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.OTHER);
        b.hints = hints;
        b.tablesRead.addAll(in.tablesRead());
        b.tablesRead.addAll(in.tablesWritten());
        b.functions.addAll(in.functions());
        b.reason(NotCacheableReason.NOT_A_QUERY, "EXPLAIN results are not cached");
        return b.build();
    }

    /** Whether {@code head} starts a statement EXPLAIN can show (rather than a table name). */
    private static boolean isStatementHead(Token head) {
        return head.is("SELECT") || head.is("WITH") || head.is("INSERT") || head.is("UPDATE")
                || head.is("DELETE") || head.is("MERGE") || head.is("REPLACE") || head.is("VALUES")
                || head.is("TABLE") || head.isSymbol("(") || head.is("UPSERT") || head.is("EXECUTE")
                || head.is("CREATE") || head.is("DECLARE");
    }

    /**
     * Whether {@code ANALYZE …} is MariaDB's {@code ANALYZE [FORMAT=…] statement}, which runs the
     * statement (PostgreSQL's and MySQL's {@code ANALYZE [TABLE] t} only gather statistics).
     */
    static boolean analyzesStatement(List<Token> t) {
        int i = 1;
        if (i + 2 < t.size() && t.get(i).is("FORMAT") && t.get(i + 1).isSymbol("=")) {
            i += 3;
        }
        if (i + 1 < t.size() && t.get(i).isSymbol("(")) {
            // PostgreSQL's option list, ANALYZE (VERBOSE) t, against a parenthesized query
            Token inner = t.get(i + 1);
            return inner.is("SELECT") || inner.is("WITH") || inner.is("VALUES") || inner.isSymbol("(");
        }
        return i < t.size() && !t.get(i).is("TABLE") && isStatementHead(t.get(i));
    }

    /** DROP [TEMPORARY] TABLE / [MATERIALIZED] VIEW [IF EXISTS] a, b [CASCADE | RESTRICT] (JSqlParser 5.3 rejects lists). */
    private static StatementInfo dropList(String sql, List<Token> t, Hints hints) {
        int i = 1;
        if (i < t.size() && t.get(i).is("TEMPORARY")) {
            i++;
        }
        boolean table;
        if (i < t.size() && t.get(i).is("TABLE")) {
            table = true;
            i++;
        } else if (i < t.size() && t.get(i).is("VIEW")) {
            table = false;
            i++;
        } else if (i + 1 < t.size() && t.get(i).is("MATERIALIZED") && t.get(i + 1).is("VIEW")) {
            table = false;
            i += 2;
        } else {
            return null;
        }
        if (i + 1 < t.size() && t.get(i).is("IF") && t.get(i + 1).is("EXISTS")) {
            i += 2;
        }
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.DDL);
        b.hints = hints;
        b.requiresPrimary = true;
        boolean expectName = true;
        while (i < t.size()) {
            Token tok = t.get(i);
            if (expectName) {
                if (tok.type != Tokens.Type.WORD && tok.type != Tokens.Type.QUOTED) {
                    return null;
                }
                String name = tok.value();
                i++;
                while (i + 1 < t.size() && t.get(i).isSymbol(".")
                        && (t.get(i + 1).type == Tokens.Type.WORD || t.get(i + 1).type == Tokens.Type.QUOTED)) {
                    name = t.get(i + 1).value();
                    i += 2;
                }
                b.tablesWritten.add(name);
                if (table) {
                    b.tablesDropped.add(name);
                }
                expectName = false;
            } else if (tok.isSymbol(",")) {
                expectName = true;
                i++;
            } else if ((tok.is("CASCADE") || tok.is("RESTRICT") || tok.is("PURGE")) && i == t.size() - 1) {
                i++;
            } else {
                return null;
            }
        }
        if (expectName || t.size() >= MAX_TOKENS) {
            return null;
        }
        return b.build();
    }

    /**
     * H2's {@code MERGE INTO t [(columns)] [KEY (columns)] {VALUES … | SELECT … | WITH …}} — an upsert
     * JSqlParser 5.3 rejects. It writes {@code t}; its source is analyzed alone for the tables it reads
     * and the functions it calls, and a source that is not a query counts as a write to every table.
     */
    private static StatementInfo h2Merge(String sql, String text, List<Token> t, Dialect dialect, Hints hints,
            ParseBudget budget) {
        if (t.size() < 3 || !t.get(1).is("INTO")) {
            return null;
        }
        int[] next = new int[1];
        String table = qualifiedName(t, 2, next);
        if (table == null) {
            return null;
        }
        int i = next[0];
        int columnsClose = -1;
        if (i < t.size() && t.get(i).isSymbol("(")) {
            i = closingParenthesis(t, i);
            if (i < 0) {
                return null;
            }
            columnsClose = i;
            i++;
        }
        boolean key = false;
        int keyOpen = -1;
        if (i + 1 < t.size() && t.get(i).is("KEY") && t.get(i + 1).isSymbol("(")) {
            keyOpen = i + 1;
            i = closingParenthesis(t, i + 1);
            if (i < 0) {
                return null;
            }
            i++;
            key = true;
        }
        if (i >= t.size()) {
            return null;
        }
        Token head = t.get(i);
        if (!(head.is("VALUES") || head.is("SELECT") || head.is("WITH") || head.isSymbol("(")
                || head.is("TABLE"))) {
            return null; // MERGE INTO t USING …: the standard statement, for the parser
        }
        if (!key && !head.is("VALUES") && !head.is("SELECT")) {
            return null;
        }
        StatementInfo source = analyze(text.substring(head.start), dialect, budget.withoutLateAnswer());
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.MERGE);
        b.hints = hints;
        b.requiresPrimary = true;
        b.tablesWritten.add(table.toLowerCase(Locale.ROOT));
        if (source.kind() != StatementKind.QUERY || source.writesAllTables() || !source.tablesWritten().isEmpty()) {
            b.writesAllTables = true; // the source could not be read as a query
        }
        b.tablesRead.addAll(source.tablesRead());
        b.functions.addAll(source.functions());
        b.unknownFunctions.addAll(source.unknownFunctions());
        if (head.is("VALUES") && columnsClose > 0 && !b.writesAllTables) {
            b.rowPins = h2MergePins(sql, text, t, 2, columnsClose, keyOpen, head, dialect, budget);
        }
        return b.build();
    }

    /**
     * The pins of H2's {@code MERGE INTO t (columns) [KEY (k)] VALUES …}: its rows read as those of
     * {@code INSERT INTO t (columns) VALUES …} (the same text without MERGE and KEY, so the same
     * parameters), an upsert whose conflict target is the KEY columns (none named: the primary key) and
     * which assigns the other columns of a matched row.
     */
    private static RowPins h2MergePins(String sql, String text, List<Token> t, int tableAt, int columnsClose,
            int keyOpen, Token head, Dialect dialect, ParseBudget budget) {
        String insert = "INSERT INTO " + text.substring(t.get(tableAt).start, t.get(columnsClose).start + 1) + " "
                + text.substring(head.start);
        List<PinTokens.Tok> original = PinTokens.read(sql, dialect);
        List<PinTokens.Tok> rewritten = PinTokens.read(insert, dialect);
        if (original == null || rewritten == null
                || PinTokens.parameters(original) != PinTokens.parameters(rewritten)) {
            return null;
        }
        RowPins rows = analyze(insert, dialect, budget.withoutLateAnswer()).rowPins();
        if (rows == null || rows.isUpsert() || !rows.assignedColumns().isEmpty()) {
            return null;
        }
        List<String> keyColumns = new ArrayList<>();
        if (keyOpen > 0) {
            int close = closingParenthesis(t, keyOpen);
            for (int k = keyOpen + 1; k < close; k += 2) {
                Token name = t.get(k);
                if (name.type != Tokens.Type.WORD && name.type != Tokens.Type.QUOTED
                        || !(t.get(k + 1).isSymbol(",") || k + 1 == close)) {
                    return null;
                }
                keyColumns.add(name.value().toLowerCase(Locale.ROOT));
            }
            if (keyColumns.isEmpty() || !rows.insertedColumns().containsAll(keyColumns)) {
                return null;
            }
        }
        RowPins.Builder b = RowPins.Builder.of(rows);
        b.onConflict = RowPins.OnConflict.DO_UPDATE;
        b.conflictColumns.addAll(keyColumns);
        boolean one = rows.insertedRows().size() == 1;
        for (String column : rows.insertedColumns()) {
            if (!keyColumns.contains(column)) {
                b.assign(column, one ? rows.insertedRows().get(0).get(column) : null);
            }
        }
        return b.build();
    }

    /** The index of the ")" closing the "(" at {@code open}, or -1 when it is not among the tokens. */
    private static int closingParenthesis(List<Token> t, int open) {
        int depth = 0;
        for (int i = open; i < t.size(); i++) {
            if (t.get(i).isSymbol("(")) {
                depth++;
            } else if (t.get(i).isSymbol(")") && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** TRUNCATE [TABLE] [ONLY] a [*] [, b …] [RESTART | CONTINUE IDENTITY] [CASCADE | RESTRICT]. */
    private static StatementInfo truncate(String sql, List<Token> t, Hints hints) {
        int i = 1;
        if (i < t.size() && t.get(i).is("TABLE")) {
            i++;
        }
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.TRUNCATE);
        b.hints = hints;
        b.requiresPrimary = true;
        boolean expectName = true;
        while (i < t.size()) {
            Token tok = t.get(i);
            if (expectName && tok.is("ONLY")) {
                i++;
            } else if (expectName) {
                int[] next = new int[1];
                String name = qualifiedName(t, i, next);
                if (name == null) {
                    return null;
                }
                b.tablesWritten.add(name);
                i = next[0];
                if (i < t.size() && t.get(i).isSymbol("*")) {
                    i++;
                }
                expectName = false;
            } else if (tok.isSymbol(",")) {
                expectName = true;
                i++;
            } else if ((tok.is("RESTART") || tok.is("CONTINUE")) && i + 1 < t.size() && t.get(i + 1).is("IDENTITY")) {
                i += 2;
            } else if ((tok.is("CASCADE") || tok.is("RESTRICT")) && i == t.size() - 1) {
                // CASCADE also empties every table whose foreign keys reference these, whatever the
                // keys' ON DELETE action — edges a catalog of cascading keys does not hold
                b.writesAllTables |= tok.is("CASCADE");
                i++;
            } else {
                return null;
            }
        }
        return expectName || t.size() >= MAX_TOKENS ? null : b.build();
    }

    /** CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON [ONLY] table …: a change to that table. */
    private static StatementInfo createIndex(String sql, List<Token> t, Hints hints) {
        int i = 1;
        if (i < t.size() && t.get(i).is("UNIQUE")) {
            i++;
        }
        if (i >= t.size() || !t.get(i).is("INDEX")) {
            return null;
        }
        while (i < t.size() && !t.get(i).is("ON")) {
            i++;
        }
        i++;
        if (i < t.size() && t.get(i).is("ONLY")) {
            i++;
        }
        int[] next = new int[1];
        String name = i < t.size() ? qualifiedName(t, i, next) : null;
        if (name == null) {
            return null;
        }
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.DDL);
        b.hints = hints;
        b.requiresPrimary = true;
        b.tablesWritten.add(name);
        return b.build();
    }

    /** The canonical last part of a possibly qualified name at i; next[0] receives the index after it. */
    private static String qualifiedName(List<Token> t, int i, int[] next) {
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
        return name;
    }

    /**
     * Finds CREATE [GLOBAL | LOCAL] [CACHED | MEMORY] TEMP[ORARY] TABLE name, records the name (even
     * if the rest fails to parse, the driver must know the table is session-local), and returns the
     * text with the variants JSqlParser does not accept rewritten to CREATE TEMPORARY TABLE.
     */
    private static String temporaryTable(String text, List<Token> t, Set<String> temporary) {
        if ((t.get(0).is("SELECT") || t.get(0).is("WITH") || t.get(0).isSymbol("("))
                && text.toLowerCase(Locale.ROOT).contains("temp")) {
            // PostgreSQL: SELECT … INTO TEMP [TABLE] name
            List<Token> all = Tokens.of(text, Integer.MAX_VALUE);
            for (int i = 0; i + 2 < all.size(); i++) {
                if (all.get(i).is("INTO") && (all.get(i + 1).is("TEMP") || all.get(i + 1).is("TEMPORARY"))) {
                    int n = all.get(i + 2).is("TABLE") ? i + 3 : i + 2;
                    if (n < all.size() && (all.get(n).type == Tokens.Type.WORD || all.get(n).type == Tokens.Type.QUOTED)) {
                        temporary.add(all.get(n).value());
                    }
                }
            }
            return text;
        }
        if (!t.get(0).is("CREATE")) {
            return text;
        }
        int i = 1;
        if (i + 1 < t.size() && t.get(i).is("OR") && t.get(i + 1).is("REPLACE")) {
            i += 2;
        }
        int modifiers = i;
        while (i < t.size() && (t.get(i).is("GLOBAL") || t.get(i).is("LOCAL") || t.get(i).is("CACHED")
                || t.get(i).is("MEMORY"))) {
            i++;
        }
        if (i >= t.size() || !(t.get(i).is("TEMP") || t.get(i).is("TEMPORARY"))) {
            return text;
        }
        int tempAt = i;
        i++;
        if (i >= t.size() || !t.get(i).is("TABLE")) {
            return text;
        }
        int tableAt = i;
        i++;
        if (i + 2 < t.size() && t.get(i).is("IF") && t.get(i + 1).is("NOT") && t.get(i + 2).is("EXISTS")) {
            i += 3;
        }
        if (i < t.size() && (t.get(i).type == Tokens.Type.WORD || t.get(i).type == Tokens.Type.QUOTED)) {
            String name = t.get(i).value();
            while (i + 2 < t.size() && t.get(i + 1).isSymbol(".")) {
                name = t.get(i + 2).value();
                i += 2;
            }
            temporary.add(name);
        }
        if (tempAt == modifiers && t.get(tempAt).text.toUpperCase(Locale.ROOT).startsWith("TEMP")) {
            return text;
        }
        return "CREATE TEMPORARY TABLE" + text.substring(t.get(tableAt).start + 5);
    }

    /** The index where a trailing MySQL "LOCK IN SHARE MODE" starts, or -1. */
    private static int lockInShareMode(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        int at = upper.lastIndexOf("LOCK");
        if (at < 0) {
            return -1;
        }
        List<Token> tail = Tokens.of(text.substring(at), 6);
        if (tail.size() == 4 && tail.get(0).is("LOCK") && tail.get(1).is("IN") && tail.get(2).is("SHARE")
                && tail.get(3).is("MODE")) {
            return at;
        }
        return -1;
    }
}
