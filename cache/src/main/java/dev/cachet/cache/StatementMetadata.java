package dev.cachet.cache;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metadata snapshot last captured for each statement text, with its profile's codecs, reused by a
 * later fill of the same text when the real metadata reports exactly the same facts for every column.
 * For profiles whose drivers answer every metadata call from memory (the built-in ones, MariaDB
 * Connector/J's): comparing costs the same calls as capturing, but allocates nothing, the codecs need not
 * be chosen again, and the snapshot is held once per statement, not once per cached result
 * ({@link ResultMetadata#share}). A profile keeps one instance and answers
 * {@link ValueProfile#metadata(String, java.sql.ResultSetMetaData)} with {@link #metadata}.
 * Thread-safe; bounded (it forgets everything when full, and simply captures again).
 */
public final class StatementMetadata {

    private static final int MAX_STATEMENTS = 1024;

    private final ValueProfile profile;
    private final ConcurrentHashMap<String, ResultMetadata> byStatement = new ConcurrentHashMap<>();

    /** Shapes whose codecs {@code profile} chooses. */
    public StatementMetadata(ValueProfile profile) {
        this.profile = Objects.requireNonNull(profile, "profile");
    }

    /** The shared snapshot of {@code statementKey} when it matches {@code real}, else a new capture. */
    public ResultMetadata metadata(String statementKey, ResultSetMetaData real) throws SQLException {
        if (statementKey == null) {
            return ResultMetadata.capture(real);
        }
        ResultMetadata shared = byStatement.get(statementKey);
        if (shared != null && shared.matches(real)) {
            return shared;
        }
        ResultMetadata captured = ResultMetadata.capture(real);
        captured.share(profile);
        if (byStatement.size() >= MAX_STATEMENTS) {
            byStatement.clear();
        }
        byStatement.put(statementKey, captured);
        return captured;
    }
}
