package dev.cachet.cache;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * How one real driver's results are captured and played back — the extension point that lets a cached
 * {@link java.sql.ResultSet} answer exactly like that driver (DESIGN §8).
 *
 * <p>When a result is teed, the profile first snapshots the metadata ({@link #metadata}), then picks a
 * {@link ColumnCodec} per column ({@link #codec}). The codec decides what to read from the real result
 * for each cell — the plain {@code getObject}, the driver's own {@code getString} rendering as well, or a
 * driver-specific object through {@code getObject(i, Class)} — and how every getter of the cached result
 * set converts what was captured. The profile also makes the exceptions a cached result set throws, so
 * their SQLStates are the real driver's.
 *
 * <p>{@link #standard()} is faithful to JDBC's conversion table and to H2; a driver module adds profiles
 * for other drivers (e.g. pgjdbc renders {@code boolean} as {@code "t"} and {@code timestamptz} in the
 * session zone) by returning its own codecs — subclasses of {@link ColumnCodec} overriding the getters
 * that differ — without any change to this module.
 *
 * <p>Implementations must be thread-safe and their codecs immutable: one codec instance serves every
 * cached copy of a result concurrently.
 */
public interface ValueProfile {

    /** The profile that reproduces H2 and the JDBC specification's conversions. */
    static ValueProfile standard() {
        return StandardValueProfile.INSTANCE;
    }

    /**
     * The profile with only the generic {@link ColumnCodec}: JDBC's conversion table, the driver's
     * {@code getString} text kept whenever it differs from the generic one, and the interface's default
     * SQLStates. A reasonable start for a driver that has no profile of its own yet.
     */
    static ValueProfile generic() {
        return GenericValueProfile.INSTANCE;
    }

    /**
     * Snapshots the result's metadata. The default asks the real metadata for every fact of every column;
     * a profile whose driver would run a catalog query for some facts may fetch them once per statement
     * and share them (DESIGN §8: no extra round trip on a miss).
     */
    default ResultMetadata metadata(ResultSetMetaData real) throws SQLException {
        return ResultMetadata.capture(real);
    }

    /** The codec for one column, chosen from its metadata. Called once per column per teed result. */
    ColumnCodec codec(ColumnMetadata column) throws SQLException;

    /** The exception for a call on a closed result set. */
    default SQLException closed() {
        return SqlErrors.of("The result set is closed", "90007");
    }

    /** The exception for a getter called while the cursor is not on a row. */
    default SQLException noCurrentRow() {
        return SqlErrors.of("No data is available: the cursor is not on a row", "02000");
    }

    /** The exception for a column index outside 1..{@code columnCount}. */
    default SQLException invalidColumnIndex(int index, int columnCount) {
        return SqlErrors.of("Invalid column index " + index + "; the result has " + columnCount
                + " columns", "90008");
    }

    /** The exception for a label that matches no column. */
    default SQLException columnNotFound(String label) {
        return SqlErrors.of("Column \"" + label + "\" not found", "42S22");
    }

    /** The exception for a scrolling call on a {@code TYPE_FORWARD_ONLY} result set. */
    default SQLException notScrollable() {
        return SqlErrors.of("The result set is not scrollable (TYPE_FORWARD_ONLY)", "90128");
    }
}
