package dev.cachet.parser;

/**
 * What a statement is, as decided from its text.
 *
 * <p>{@link #UNKNOWN} is the conservative answer for anything Cachet cannot understand (unparseable,
 * over the parse budget, several statements in one string): it is never cacheable, runs on the
 * primary and counts as a write to every table.
 */
public enum StatementKind {
    /** SELECT, {@code WITH … SELECT}, VALUES, set operations, EXPLAIN of a query, TABLE t. */
    QUERY,
    /** INSERT (also INSERT … SELECT; an upsert is {@link #MERGE}). */
    INSERT,
    /** UPDATE. */
    UPDATE,
    /** DELETE. */
    DELETE,
    /** MERGE and every upsert: INSERT … ON CONFLICT, INSERT … ON DUPLICATE KEY UPDATE, REPLACE, H2 MERGE INTO … KEY. */
    MERGE,
    /** CREATE / ALTER / DROP / RENAME / COMMENT ON / GRANT / REVOKE and other schema changes. */
    DDL,
    /** TRUNCATE. */
    TRUNCATE,
    /** CALL, EXECUTE, {@code {call …}}, {@code {?= call …}}: a procedure may write anything. */
    CALL,
    /** BEGIN, START TRANSACTION, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, SET TRANSACTION …. */
    TRANSACTION_CONTROL,
    /** SET, RESET, USE, SET ROLE, SET search_path, DISCARD and other session statements. */
    SESSION,
    /** Understood, but none of the above: LOCK TABLE, VACUUM, ANALYZE, CHECKPOINT, …. Runs on the primary. */
    OTHER,
    /** Not understood: the conservative answer. */
    UNKNOWN
}
