package dev.cachet.parser;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The analyzer's answer for one (dialect, SQL text): what the statement is, which tables it reads and
 * writes, whether its result may be cached (and if not, why), and whether it must run on the primary.
 * Immutable and shared: one instance answers every execution of the same text.
 *
 * <p>Every answer errs on the safe side. When the text cannot be understood the answer is
 * {@link StatementKind#UNKNOWN}: not cacheable, primary, and a write to every table. A statement that
 * calls a function on no built-in list is treated the same way for writes and routing (it may be a
 * user-defined function that writes), until the cluster's settings say otherwise through
 * {@link #withFunctionSettings(Set, Set)}.
 *
 * <p>Table names are canonical (DESIGN §4): unqualified, unquoted, lower-case. Function names are
 * lower-case and unqualified.
 */
public final class StatementInfo {

    private final String sql;
    private final StatementKind kind;
    private final Set<String> tablesRead;
    private final Set<String> tablesWritten;
    private final Set<String> functions;
    private final Set<String> unknownFunctions;
    private final Set<String> temporaryTablesCreated;
    private final Set<String> tablesDropped;
    private final SessionEffect sessionEffect;
    private final Hints hints;
    private final boolean lockingRead;
    private final RowPins baseRowPins;
    private final int parameterMarkers;

    // facts that do not depend on unknown functions, kept so withFunctionSettings can re-derive
    private final boolean baseWritesAllTables;
    private final boolean baseRequiresPrimary;
    private final NotCacheableReason baseReason;
    private final String baseDetail;

    // derived
    private final boolean writesAllTables;
    private final boolean requiresPrimary;
    private final NotCacheableReason reason;
    private final String detail;

    private StatementInfo(Builder b, Set<String> unknownFunctions, Set<String> readOnlyUsed) {
        this.sql = b.sql;
        this.kind = b.kind;
        this.tablesRead = freeze(b.tablesRead);
        this.tablesWritten = freeze(b.tablesWritten);
        this.functions = freeze(b.functions);
        this.unknownFunctions = freeze(unknownFunctions);
        this.temporaryTablesCreated = freeze(b.temporaryTablesCreated);
        this.tablesDropped = freeze(b.tablesDropped);
        this.sessionEffect = b.sessionEffect;
        this.hints = b.hints == null ? Hints.NONE : b.hints;
        this.lockingRead = b.lockingRead;
        this.baseRowPins = b.rowPins;
        this.parameterMarkers = b.parameterMarkers;
        this.baseWritesAllTables = b.writesAllTables || b.kind == StatementKind.UNKNOWN;
        this.baseRequiresPrimary = b.requiresPrimary || b.kind == StatementKind.UNKNOWN
                || this.hints.primary() || b.lockingRead;
        NotCacheableReason r = b.reason;
        String d = b.detail;
        if (r == null && b.kind != StatementKind.QUERY) {
            r = NotCacheableReason.NOT_A_QUERY;
            d = withArticle(b.kind.name().toLowerCase(Locale.ROOT).replace('_', ' ')) + " statement is not cached";
        }
        if (r == null && this.hints.noCache()) {
            r = NotCacheableReason.NOCACHE_HINT;
            d = "the statement carries the cachet:nocache hint";
        }
        this.baseReason = r;
        this.baseDetail = d;

        boolean unknown = !this.unknownFunctions.isEmpty();
        this.writesAllTables = baseWritesAllTables || unknown;
        this.requiresPrimary = baseRequiresPrimary || unknown;
        // "reads no table" is the weakest reason: a more telling one replaces it
        if ((r == null || r == NotCacheableReason.NO_TABLES) && unknown) {
            r = NotCacheableReason.UNKNOWN_FUNCTION;
            d = "calls " + describe(this.unknownFunctions)
                    + ", on no built-in list (declare them in cachet.deterministicFunctions or cachet.readOnlyFunctions)";
        }
        if ((r == null || r == NotCacheableReason.NO_TABLES) && readOnlyUsed != null && !readOnlyUsed.isEmpty()) {
            r = NotCacheableReason.READ_ONLY_FUNCTION;
            d = "calls " + describe(readOnlyUsed) + ", configured in cachet.readOnlyFunctions (read-only, not cacheable)";
        }
        this.reason = r;
        this.detail = r == null ? null : (d == null ? r.description() : d);
    }

    private static String describe(Set<String> names) {
        StringBuilder b = new StringBuilder(names.size() == 1 ? "function " : "functions ");
        boolean first = true;
        for (String n : names) {
            if (!first) {
                b.append(", ");
            }
            b.append(n).append("()");
            first = false;
        }
        return b.toString();
    }

    private static Set<String> freeze(Set<String> s) {
        if (s == null || s.isEmpty()) {
            return Collections.emptySet();
        }
        if (s.size() == 1) {
            return Collections.singleton(s.iterator().next());
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(s));
    }

    /**
     * The conservative answer for text Cachet cannot understand: kind {@link StatementKind#UNKNOWN},
     * not cacheable for {@code reason}, primary, a write to every table.
     */
    public static StatementInfo unknown(String sql, NotCacheableReason reason, String detail) {
        Builder b = new Builder(sql, StatementKind.UNKNOWN);
        b.hints = Hints.parse(sql);
        b.reason(reason, detail);
        return b.build();
    }

    /** What the statement is. */
    public StatementKind kind() {
        return kind;
    }

    /** The tables the statement reads (canonical names); for a query, the tables its cached result depends on. */
    public Set<String> tablesRead() {
        return tablesRead;
    }

    /** The tables the statement writes, creates, alters, drops or truncates (canonical names). */
    public Set<String> tablesWritten() {
        return tablesWritten;
    }

    /**
     * {@code true} when the statement must count as a write to every table: unknown statements, calls,
     * unknown functions, DDL whose reach Cachet cannot see.
     */
    public boolean writesAllTables() {
        return writesAllTables;
    }

    /** Lower-case names of the called functions that are on no built-in list (user-defined ones, above all). */
    public Set<String> unknownFunctions() {
        return unknownFunctions;
    }

    /** Lower-case names of every function the statement calls, known or not (for explanations). */
    public Set<String> functions() {
        return functions;
    }

    /**
     * Whether the text allows caching the result (DESIGN §5, the part decidable from text). The driver
     * still applies its run-time conditions (temporary tables, TTL 0, transactions, …).
     */
    public boolean cacheable() {
        return reason == null;
    }

    /** Why the result is not cacheable; {@code null} when {@link #cacheable()}. */
    public NotCacheableReason notCacheableReason() {
        return reason;
    }

    /** A sentence a user can read, e.g. "calls volatile function now()"; {@code null} when cacheable. */
    public String notCacheableDetail() {
        return detail;
    }

    /**
     * Whether the statement must run on the primary (DESIGN §9): writes, DDL, calls, locking reads,
     * side-effecting, session-bound or unknown functions, unknown statements, transaction-control and
     * session statements, {@code /*cachet:primary*}{@code /}.
     */
    public boolean requiresPrimary() {
        return requiresPrimary;
    }

    /** {@code true} for SELECT … FOR UPDATE / FOR SHARE / FOR NO KEY UPDATE / FOR KEY SHARE / LOCK IN SHARE MODE. */
    public boolean lockingRead() {
        return lockingRead;
    }

    /**
     * Which rows of one table the statement reads or writes, as far as its text pins them by equality
     * (see {@link RowPins}); {@code null} when it is not a plain single-table statement, when the text
     * cannot be read precisely, or when the statement {@link #writesAllTables() writes every table} (an
     * unknown function may write anything; {@link #withFunctionSettings(Set, Set)} can lift that). Part of
     * the memoized, text-only answer.
     */
    public RowPins rowPins() {
        return writesAllTables ? null : baseRowPins;
    }

    /**
     * The number of JDBC parameter markers ({@code ?}) in the text, when two readings agree on it — the syntax
     * tree's parameters are exactly the markers a lexer finds outside literals, quoted names and comments, before
     * and after JDBC escapes are translated — and the text is a query; -1 otherwise. A driver prepares the text
     * with this many parameters, so a setter for index 1 to this number binds a parameter that exists.
     */
    public int parameterMarkers() {
        return parameterMarkers;
    }

    /** The temporary tables the statement creates (CREATE TEMP / TEMPORARY / LOCAL TEMPORARY TABLE x → {"x"}). */
    public Set<String> temporaryTablesCreated() {
        return temporaryTablesCreated;
    }

    /** The tables a DROP TABLE removes (so the driver can forget its temporary tables). */
    public Set<String> tablesDropped() {
        return tablesDropped;
    }

    /** {@code sessionEffect() != null}. */
    public boolean changesSession() {
        return sessionEffect != null;
    }

    /** What the statement does to the session or transaction; {@code null} when nothing. */
    public SessionEffect sessionEffect() {
        return sessionEffect;
    }

    /** The Cachet hints found in the text's comments. */
    public Hints hints() {
        return hints;
    }

    /**
     * {@code true} when the statement writes: kind INSERT, UPDATE, DELETE, MERGE, DDL, TRUNCATE, CALL or
     * UNKNOWN, or {@link #writesAllTables()}, or any table written.
     */
    public boolean isWrite() {
        switch (kind) {
            case INSERT: case UPDATE: case DELETE: case MERGE: case DDL: case TRUNCATE: case CALL: case UNKNOWN:
                return true;
            default:
                return writesAllTables || !tablesWritten.isEmpty();
        }
    }

    /** The original text, as given to the analyzer. */
    public String sql() {
        return sql;
    }

    /**
     * Applies the cluster's function settings after the memoized look-up (DESIGN §4). Returns
     * {@code this} when {@link #unknownFunctions()} is empty or no setting names one of them, so the
     * hot path does not allocate. An unknown function named in {@code deterministic} stops counting
     * (the statement may become cacheable); one named in {@code readOnly} stops making the statement a
     * write to every table and stops forcing the primary, but keeps it uncacheable
     * ({@link NotCacheableReason#READ_ONLY_FUNCTION}); the others stay unknown. Names are compared
     * case-insensitively; the sets may be null. The result is not memoized: a caller on a hot path
     * keeps it per statement.
     */
    public StatementInfo withFunctionSettings(Set<String> deterministic, Set<String> readOnly) {
        if (unknownFunctions.isEmpty()) {
            return this;
        }
        boolean anyDet = deterministic != null && !deterministic.isEmpty();
        boolean anyRo = readOnly != null && !readOnly.isEmpty();
        if (!anyDet && !anyRo) {
            return this;
        }
        Set<String> remaining = new LinkedHashSet<>();
        Set<String> readOnlyUsed = new LinkedHashSet<>();
        for (String f : unknownFunctions) {
            if (anyDet && containsIgnoreCase(deterministic, f)) {
                continue;
            }
            if (anyRo && containsIgnoreCase(readOnly, f)) {
                readOnlyUsed.add(f);
                continue;
            }
            remaining.add(f);
        }
        if (remaining.size() == unknownFunctions.size()) {
            return this;
        }
        return new StatementInfo(toBuilder(), remaining, readOnlyUsed);
    }

    private static boolean containsIgnoreCase(Set<String> names, String lowerName) {
        if (names.contains(lowerName)) {
            return true;
        }
        for (String n : names) {
            if (n != null && n.equalsIgnoreCase(lowerName)) {
                return true;
            }
        }
        return false;
    }

    private Builder toBuilder() {
        Builder b = new Builder(sql, kind);
        b.tablesRead.addAll(tablesRead);
        b.tablesWritten.addAll(tablesWritten);
        b.functions.addAll(functions);
        b.temporaryTablesCreated.addAll(temporaryTablesCreated);
        b.tablesDropped.addAll(tablesDropped);
        b.sessionEffect = sessionEffect;
        b.hints = hints;
        b.lockingRead = lockingRead;
        b.rowPins = baseRowPins;
        b.parameterMarkers = parameterMarkers;
        b.writesAllTables = baseWritesAllTables;
        b.requiresPrimary = baseRequiresPrimary;
        b.reason = baseReason;
        b.detail = baseDetail;
        return b;
    }

    /** This answer for another text (EXPLAIN ANALYZE x is x), with that text's hints. */
    StatementInfo withSql(String otherSql, Hints otherHints) {
        Builder b = toBuilder();
        Builder c = new Builder(otherSql, kind);
        c.tablesRead.addAll(b.tablesRead);
        c.tablesWritten.addAll(b.tablesWritten);
        c.functions.addAll(b.functions);
        c.unknownFunctions.addAll(unknownFunctions);
        c.temporaryTablesCreated.addAll(b.temporaryTablesCreated);
        c.tablesDropped.addAll(b.tablesDropped);
        c.sessionEffect = b.sessionEffect;
        c.hints = otherHints;
        c.lockingRead = b.lockingRead;
        c.writesAllTables = b.writesAllTables;
        c.requiresPrimary = b.requiresPrimary;
        if (b.reason != NotCacheableReason.NOCACHE_HINT) {
            c.reason = b.reason;
            c.detail = b.detail;
        }
        c.reason(NotCacheableReason.NOT_A_QUERY, "EXPLAIN output is not cached");
        return c.build();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("StatementInfo[").append(kind);
        b.append(", read=").append(tablesRead).append(", written=").append(tablesWritten);
        if (writesAllTables) {
            b.append(", writesAllTables");
        }
        b.append(reason == null ? ", cacheable" : ", not cacheable: " + reason);
        b.append(requiresPrimary ? ", primary" : ", any");
        if (!functions.isEmpty()) {
            b.append(", functions=").append(functions);
        }
        if (!unknownFunctions.isEmpty()) {
            b.append(", unknown=").append(unknownFunctions);
        }
        if (sessionEffect != null) {
            b.append(", effect=").append(sessionEffect);
        }
        if (!temporaryTablesCreated.isEmpty()) {
            b.append(", temp=").append(temporaryTablesCreated);
        }
        if (hints != Hints.NONE) {
            b.append(", ").append(hints);
        }
        if (rowPins() != null) {
            b.append(", pins=[").append(rowPins()).append(']');
        }
        return b.append(']').toString();
    }

    /** Collects the facts of one analysis; {@link #build()} derives the rest. Not thread-safe. */
    static final class Builder {
        final String sql;
        StatementKind kind;
        final Set<String> tablesRead = new LinkedHashSet<>();
        final Set<String> tablesWritten = new LinkedHashSet<>();
        final Set<String> functions = new LinkedHashSet<>();
        final Set<String> unknownFunctions = new LinkedHashSet<>();
        final Set<String> temporaryTablesCreated = new LinkedHashSet<>();
        final Set<String> tablesDropped = new LinkedHashSet<>();
        SessionEffect sessionEffect;
        Hints hints;
        boolean lockingRead;
        RowPins rowPins;
        int parameterMarkers = -1;
        boolean writesAllTables;
        boolean requiresPrimary;
        NotCacheableReason reason;
        String detail;

        Builder(String sql, StatementKind kind) {
            this.sql = sql;
            this.kind = kind;
        }

        /** Records a reason unless one is already recorded (the first one found is reported). */
        Builder reason(NotCacheableReason r, String d) {
            if (reason == null) {
                reason = r;
                detail = d;
            }
            return this;
        }

        StatementInfo build() {
            // every path that found a name must hand out the canonical form (DESIGN §4): a quoted "Orders" kept
            // in its case would miss the cached reads of orders when it is invalidated
            canonicalize(tablesRead);
            canonicalize(tablesWritten);
            canonicalize(temporaryTablesCreated);
            canonicalize(tablesDropped);
            return new StatementInfo(this, unknownFunctions, null);
        }

        private static void canonicalize(Set<String> names) {
            // an empty quoted name ("") names nothing a database could hold
            names.remove("");
            for (String name : names) {
                if (!name.equals(name.toLowerCase(Locale.ROOT))) {
                    Set<String> lower = new LinkedHashSet<>();
                    for (String n : names) {
                        lower.add(n.toLowerCase(Locale.ROOT));
                    }
                    names.clear();
                    names.addAll(lower);
                    return;
                }
            }
        }
    }

    /** "an insert", "an update", "a query": the indefinite article English wants before {@code noun}. */
    static String withArticle(String noun) {
        return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }
}
