package dev.cachet.parser;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Classifies SQL text for a dialect and memoizes the answer. Thread-safe.
 *
 * <p>{@link #analyze(String, Dialect)} never throws on any non-null input: text it cannot understand
 * (unparseable, several statements, over the parse budget) comes back as the conservative
 * {@link StatementKind#UNKNOWN} answer. A repeated (dialect, text) pair costs one hash look-up in a
 * bounded Caffeine cache; only the text decides the answer, so it is safe to share across clusters —
 * cluster settings are applied afterwards with {@link StatementInfo#withFunctionSettings(Set, Set)}.
 */
public final class SqlAnalyzer {

    /** Default memo size (distinct statement texts per dialect). */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** Default parse budget: how long a caller waits for a parse. */
    public static final Duration DEFAULT_PARSE_BUDGET = Duration.ofMillis(250);
    /**
     * Default parse limit: how long a parse past its budget may go on in the background so that its
     * real answer is memoized for the next execution.
     */
    public static final Duration DEFAULT_PARSE_LIMIT = Duration.ofSeconds(2);

    private static final class Shared {
        static final SqlAnalyzer INSTANCE = new SqlAnalyzer();
    }

    private final Cache<Key, StatementInfo> memo;
    private final Cache<Key, StatementInfo> recentTimeouts;
    private final Duration parseBudget;
    private final Duration parseLimit;
    private final ParseBudget unmemoized;

    /**
     * An analyzer with the defaults: {@value #DEFAULT_MAX_ENTRIES} entries, a 250 ms parse budget and a
     * 2 s parse limit.
     */
    public SqlAnalyzer() {
        this(DEFAULT_MAX_ENTRIES, DEFAULT_PARSE_BUDGET);
    }

    /**
     * An analyzer memoizing at most {@code maxEntries} answers (0 disables memoization) and giving each
     * parse at most {@code parseBudget}, with the default parse limit ({@link #DEFAULT_PARSE_LIMIT}, or the
     * budget when that is longer).
     */
    public SqlAnalyzer(int maxEntries, Duration parseBudget) {
        this(maxEntries, parseBudget, parseBudget == null || parseBudget.compareTo(DEFAULT_PARSE_LIMIT) < 0
                ? DEFAULT_PARSE_LIMIT : parseBudget);
    }

    /**
     * An analyzer memoizing at most {@code maxEntries} answers (0 disables memoization). A caller waits at
     * most {@code parseBudget} for a parse and then gets the conservative answer
     * ({@link NotCacheableReason#PARSE_TIMEOUT}); the parse goes on in the background until
     * {@code parseLimit} from its start and, if it finishes by then, its real answer is memoized, so only
     * the first execution of a slow statement pays the conservative answer. A parse still running at the
     * limit is stopped. A limit no longer than the budget stops every parse at the budget.
     */
    public SqlAnalyzer(int maxEntries, Duration parseBudget, Duration parseLimit) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be >= 0: " + maxEntries);
        }
        this.parseBudget = Objects.requireNonNull(parseBudget, "parseBudget");
        this.parseLimit = Objects.requireNonNull(parseLimit, "parseLimit");
        if (parseBudget.isNegative()) {
            throw new IllegalArgumentException("parseBudget must not be negative: " + parseBudget);
        }
        this.unmemoized = new ParseBudget(parseBudget, parseLimit, null);
        this.memo = maxEntries == 0 ? null : Caffeine.newBuilder().maximumSize(maxEntries).build();
        this.recentTimeouts = Caffeine.newBuilder().maximumSize(Math.min(maxEntries, 1_000))
                .expireAfterWrite(Duration.ofSeconds(10)).build();
    }

    /** The JVM-wide analyzer with the defaults. */
    public static SqlAnalyzer shared() {
        return Shared.INSTANCE;
    }

    /** The parse budget this analyzer gives one statement. */
    public Duration parseBudget() {
        return parseBudget;
    }

    /** How long a parse past its budget may go on in the background for a memoized late answer. */
    public Duration parseLimit() {
        return parseLimit;
    }

    /**
     * The answer for {@code sql} in {@code dialect}; memoized. Never throws for a non-null {@code sql};
     * a null {@code dialect} means {@link Dialect#GENERIC}.
     */
    public StatementInfo analyze(String sql, Dialect dialect) {
        Objects.requireNonNull(sql, "sql");
        Dialect d = dialect == null ? Dialect.GENERIC : dialect;
        Key key = new Key(d, sql);
        if (memo == null) {
            return analyzeUncached(sql, d);
        }
        StatementInfo cached = memo.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        StatementInfo recent = recentTimeouts.getIfPresent(key);
        if (recent != null) {
            return recent;
        }
        StatementInfo info = analyze(sql, d, new ParseBudget(parseBudget, parseLimit, late -> {
            memo.put(key, late);
            recentTimeouts.invalidate(key);
        }));
        if (info.notCacheableReason() == NotCacheableReason.PARSE_TIMEOUT) {
            // a timeout may be the machine's fault (GC, load), not the text's: remember it briefly only
            if (!Thread.currentThread().isInterrupted()) {
                recentTimeouts.put(key, info);
            }
        } else {
            memo.put(key, info);
        }
        return info;
    }

    /** Analyzes without consulting or filling the memo (benchmarks, tests). Never throws. */
    public StatementInfo analyzeUncached(String sql, Dialect dialect) {
        Objects.requireNonNull(sql, "sql");
        return analyze(sql, dialect == null ? Dialect.GENERIC : dialect, unmemoized);
    }

    private static StatementInfo analyze(String sql, Dialect d, ParseBudget budget) {
        try {
            return Analysis.analyze(sql, d, budget);
        } catch (RuntimeException | StackOverflowError e) {
            return conservative(sql, Hints.NONE, NotCacheableReason.UNPARSEABLE,
                    "the statement could not be analyzed (" + e.getClass().getSimpleName() + ")",
                    java.util.Collections.emptySet());
        }
    }

    /**
     * The conservative answer, with what little the text still tells (hints, temporary tables created):
     * kind UNKNOWN, not cacheable, primary, a write to every table.
     */
    static StatementInfo conservative(String sql, Hints hints, NotCacheableReason reason, String detail,
            Set<String> temporaryTables) {
        StatementInfo.Builder b = new StatementInfo.Builder(sql, StatementKind.UNKNOWN);
        b.hints = hints;
        b.temporaryTablesCreated.addAll(temporaryTables);
        b.reason(reason, detail);
        return b.build();
    }

    /** Memo key: the dialect and the exact text. */
    private static final class Key {
        final Dialect dialect;
        final String sql;
        final int hash;

        Key(Dialect dialect, String sql) {
            this.dialect = dialect;
            this.sql = sql;
            this.hash = sql.hashCode() * 31 + dialect.ordinal();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key k = (Key) o;
            return dialect == k.dialect && sql.equals(k.sql);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
