package dev.cachet.parser;

/**
 * Why a statement's result is not cached. The first group is decided from the text by
 * {@link SqlAnalyzer}; the second is decided by the driver at run time and listed here so that every
 * explanation Cachet gives uses one vocabulary.
 */
public enum NotCacheableReason {
    // --- decided from the text ---
    /** The statement is not a query (a write, DDL, a call, a session or transaction statement, …). */
    NOT_A_QUERY("the statement is not a query"),
    /** The query takes row locks (FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE, …). */
    LOCKING_READ("the query takes row locks (FOR UPDATE / FOR SHARE)"),
    /** The query calls a function whose result changes between calls (now(), random(), …). */
    VOLATILE_FUNCTION("the query calls a volatile or side-effecting function"),
    /** The query calls a function on no built-in list, which may write. */
    UNKNOWN_FUNCTION("the query calls a function Cachet does not know (it may write)"),
    /** The query reads a system catalog (pg_catalog, information_schema, mysql, …). */
    SYSTEM_CATALOG("the query reads a system catalog"),
    /** {@code SELECT … INTO}: a write disguised as a query. */
    SELECT_INTO("SELECT … INTO writes its target"),
    /** The statement carries the {@code /*cachet:nocache*}{@code /} hint. */
    NOCACHE_HINT("the statement carries the cachet:nocache hint"),
    /** The text could not be parsed. */
    UNPARSEABLE("the statement could not be parsed"),
    /** Parsing took longer than the analyzer's budget. */
    PARSE_TIMEOUT("parsing took longer than the parse budget"),
    /** The text holds more than one statement. */
    MULTIPLE_STATEMENTS("the text holds more than one statement"),
    /**
     * The query reads no table ({@code SELECT 1}, {@code SELECT version()}, {@code VALUES (1)}). Caching
     * it would save no table work, and such statements are the validation queries pools and health
     * checks send to prove a connection works, which a cached answer would defeat. It may still run on
     * a replica. The weakest reason: any other reason found is reported instead.
     */
    NO_TABLES("the query reads no table"),

    // --- decided by the driver at run time ---
    /** Caching is switched off ({@code cachet.enabled=false}). */
    CACHE_DISABLED("caching is disabled"),
    /** The query reads a temporary table this connection created. */
    TEMPORARY_TABLE("the query reads a temporary table"),
    /** The query reads a table whose {@code cachet.ttl.<table>} is 0. */
    TABLE_TTL_ZERO("the query reads a table whose TTL is 0"),
    /** The result set was asked for with CONCUR_UPDATABLE. */
    UPDATABLE_RESULT_SET("the result set is updatable"),
    /** A parameter is a stream or a LOB. */
    STREAM_PARAMETER("a parameter is a stream or a LOB"),
    /** The current transaction has written a table the query reads. */
    TABLE_WRITTEN_IN_TRANSACTION("the current transaction wrote a table the query reads"),
    /** Another open transaction has written a table the query reads. */
    TABLE_BLOCKED_BY_OPEN_TRANSACTION("an open transaction wrote a table the query reads"),
    /** The transaction runs at REPEATABLE READ or SERIALIZABLE. */
    ISOLATION_LEVEL("the transaction isolation level bypasses the cache"),
    /** The connection changed session state Cachet does not model. */
    UNMODELLED_SESSION_STATE("the connection changed session state Cachet does not model"),
    /** The query calls a function configured in {@code cachet.readOnlyFunctions}. */
    READ_ONLY_FUNCTION("the query calls a function configured as read-only but not deterministic"),
    /** Decided by the driver: another execution of the same query is filling the cache right now. */
    FILL_IN_FLIGHT("another execution of the same query is filling the cache; this one runs on the database"),
    /**
     * Decided by the driver: the query reads a table whose cached results were mostly invalidated before anyone
     * read them, so caching it cost more than it saved; Cachet tries it again later ({@code cachet.adaptive}).
     */
    WRITE_HOT("the query reads a table written too often for caching to pay; Cachet retries it later");

    private final String description;

    NotCacheableReason(String description) {
        this.description = description;
    }

    /** A short sentence a user can read, e.g. in an explain output. */
    public String description() {
        return description;
    }
}
