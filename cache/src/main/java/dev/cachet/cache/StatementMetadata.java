package dev.cachet.cache;

import java.lang.ref.WeakReference;
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
 * ({@link ResultMetadata#share}). Where the driver hands every result of one compiled statement the same object
 * (H2's expression array: {@link ShapeIdentity}), a result bearing an identity already seen is not compared at all:
 * the metadata work of a miss is then once per statement and connection. A profile keeps one instance and answers
 * {@link ValueProfile#metadata(String, java.sql.ResultSetMetaData)} with {@link #metadata}.
 * Thread-safe; bounded (it forgets everything when full, and simply captures again).
 */
public final class StatementMetadata {

    private static final int MAX_STATEMENTS = 1024;
    /** Identities remembered per statement: one per connection that runs it, about. */
    private static final int MAX_IDENTITIES = 16;
    private static final WeakReference<?>[] NO_IDENTITIES = {};

    /**
     * What identifies a result's column set without a metadata call: an object the driver hands to every result of
     * one compiled statement and never to a result of other columns while it lives, or null when there is none.
     */
    @FunctionalInterface
    public interface ShapeIdentity {
        Object of(ResultSetMetaData real);
    }

    /**
     * A statement's snapshot and the identities already seen to report exactly it, held weakly: a closed
     * connection's compiled statements are not kept alive, and an identity collected can never be matched again.
     */
    private record Shape(ResultMetadata metadata, WeakReference<?>[] identities) {
        boolean knows(Object identity) {
            for (WeakReference<?> known : identities) {
                if (known.get() == identity) {
                    return true;
                }
            }
            return false;
        }

        Shape with(Object identity) {
            WeakReference<?>[] more = identities.length < MAX_IDENTITIES
                    ? java.util.Arrays.copyOf(identities, identities.length + 1) : new WeakReference<?>[1];
            more[more.length - 1] = new WeakReference<>(identity);
            return new Shape(metadata, more);
        }
    }

    private final ValueProfile profile;
    private final ShapeIdentity identity;
    private final ConcurrentHashMap<String, Shape> byStatement = new ConcurrentHashMap<>();

    /** Shapes whose codecs {@code profile} chooses. */
    public StatementMetadata(ValueProfile profile) {
        this(profile, real -> null);
    }

    /**
     * Shapes whose codecs {@code profile} chooses; a result whose {@code identity} was seen before with the same
     * statement text is answered without comparing its metadata.
     */
    public StatementMetadata(ValueProfile profile, ShapeIdentity identity) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    /** The shared snapshot of {@code statementKey} when it matches {@code real}, else a new capture. */
    public ResultMetadata metadata(String statementKey, ResultSetMetaData real) throws SQLException {
        if (statementKey == null) {
            return ResultMetadata.capture(real);
        }
        Object id = identity.of(real);
        Shape shape = byStatement.get(statementKey);
        if (shape != null) {
            if (id != null && shape.knows(id)) {
                return shape.metadata();
            }
            if (shape.metadata().matches(real)) {
                if (id != null) {
                    byStatement.replace(statementKey, shape, shape.with(id)); // lost to a racing writer: compared again
                }
                return shape.metadata();
            }
        }
        ResultMetadata captured = ResultMetadata.capture(real);
        captured.share(profile);
        if (byStatement.size() >= MAX_STATEMENTS) {
            byStatement.clear();
        }
        Shape fresh = new Shape(captured, NO_IDENTITIES);
        byStatement.put(statementKey, id == null ? fresh : fresh.with(id));
        return captured;
    }
}
