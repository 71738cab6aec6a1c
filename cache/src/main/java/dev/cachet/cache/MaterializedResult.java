package dev.cachet.cache;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A query result held in memory: a metadata snapshot, the codec of each column and every cell, row after row,
 * in one compact {@code byte[]} (plus a side array for the rare values the compact form does not know, such as
 * SQL arrays or a profile's own cell types). Immutable — values are copied on the way in, and getters decode
 * fresh copies — so one instance is shared by every reader of a cache entry. Its {@link #estimatedBytes()} is its
 * retained heap size (the bytes, the side objects and this object; the metadata and codecs count only when they
 * are not shared by every result of the statement) and is what the cache weighs it by.
 */
public final class MaterializedResult {

    private final ResultMetadata metadata;
    private final ColumnCodec[] codecs;
    private final ValueProfile profile;
    private final byte[] cells;
    private final Object[] refs;
    private final int rowCount;
    private final int resultSetType;
    private final int holdability;
    private final long estimatedBytes;

    /** The retained size of this object itself: header, six references, three ints and a long. */
    static final int SELF_BYTES = 56;

    MaterializedResult(ResultMetadata metadata, ColumnCodec[] codecs, ValueProfile profile, byte[] cells,
                       Object[] refs, long refBytes, int rowCount, int resultSetType, int holdability) {
        this.metadata = metadata;
        this.codecs = codecs;
        this.profile = profile;
        this.cells = cells;
        this.refs = refs;
        this.rowCount = rowCount;
        this.resultSetType = resultSetType;
        this.holdability = holdability;
        this.estimatedBytes = SELF_BYTES + ValueSizes.align(ValueSizes.ARRAY_HEADER + cells.length)
                + (refs == null ? 0 : ValueSizes.objectArray(refs.length) + refBytes)
                + (metadata.isShared() ? 0 : metadata.estimatedBytes() + ValueSizes.objectArray(codecs.length));
    }

    /**
     * Reads a whole result set into memory through {@code profile}, from its current position to its
     * end, within the caps; does not close it.
     *
     * @return the result, or {@code null} when it exceeds {@code maxRows} or {@code maxBytes} or holds a
     *         value that cannot be cached (the result set is then left partly read)
     */
    public static MaterializedResult materialize(ResultSet real, ValueProfile profile, int maxRows, long maxBytes)
            throws SQLException {
        return materialize(real, profile, null, maxRows, maxBytes);
    }

    /**
     * Like {@link #materialize(ResultSet, ValueProfile, int, long)}, telling the profile which statement
     * the result comes from so it can share metadata per statement
     * ({@link ValueProfile#metadata(String, ResultSetMetaData)}).
     *
     * @param statementKey the statement's SQL text, or {@code null} when not known
     */
    public static MaterializedResult materialize(ResultSet real, ValueProfile profile, String statementKey,
            int maxRows, long maxBytes) throws SQLException {
        Builder builder = new Builder(real, profile, statementKey, maxRows, maxBytes);
        try {
            while (real.next()) {
                if (!builder.addCurrentRow()) {
                    return null;
                }
            }
        } catch (NotCacheableValueException e) {
            return null;
        }
        return builder.build();
    }

    /**
     * A result built from values rather than from a driver's result set (for results Cachet makes itself,
     * and for tests): each row holds one value per column as {@code getObject} would return it; mutable
     * values are copied. The profile's codecs convert them; {@code getString} uses the generic rendering.
     */
    public static MaterializedResult of(ResultMetadata metadata, ValueProfile profile, List<Object[]> rows)
            throws SQLException {
        int n = metadata.getColumnCount();
        ColumnCodec[] codecs = new ColumnCodec[n];
        for (int i = 0; i < n; i++) {
            codecs[i] = profile.codec(metadata.column(i + 1));
        }
        CellWriter writer = new CellWriter(16 * n * Math.max(1, rows.size()));
        long refBytes = 0;
        for (Object[] row : rows) {
            if (row.length != n) {
                throw new IllegalArgumentException("row of " + row.length + " values for " + n + " columns");
            }
            for (int i = 0; i < n; i++) {
                int before = writer.size();
                refBytes += writer.write(ValueCopies.copyValue(row[i]), codecs[i]) - (writer.size() - before);
            }
        }
        return new MaterializedResult(metadata, codecs, profile, writer.bytes(), writer.refs(), refBytes,
                rows.size(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.HOLD_CURSORS_OVER_COMMIT);
    }

    /**
     * A fresh result set over this result, positioned before the first row.
     *
     * @param owner the application's statement, returned by {@link ResultSet#getStatement()}
     */
    public ResultSet toResultSet(Statement owner) {
        return new CachedResultSet(this, owner, resultSetType);
    }

    /** As {@link #toResultSet(Statement)}, reporting (and navigating as) the given result set type. */
    public ResultSet toResultSet(Statement owner, int resultSetType) {
        return new CachedResultSet(this, owner, resultSetType);
    }

    public ResultMetadata metadata() {
        return metadata;
    }

    public ValueProfile profile() {
        return profile;
    }

    public int rowCount() {
        return rowCount;
    }

    public int columnCount() {
        return codecs.length;
    }

    /** The type of the result set this was captured from. */
    public int resultSetType() {
        return resultSetType;
    }

    public int holdability() {
        return holdability;
    }

    /** The estimated retained heap size of this result in bytes. */
    public long estimatedBytes() {
        return estimatedBytes;
    }

    /** The cells in their compact form ({@link Cells}); never modified. */
    byte[] cells() {
        return cells;
    }

    /** For tests: the captured value of a cell (0-based row and column), decoded afresh. */
    Object cellsForTest(int row, int column) {
        int at = 0;
        for (int i = 0; i < row * codecs.length + column; i++) {
            at = Cells.skip(cells, at);
        }
        return Cells.read(cells, at, refs);
    }

    /** The side objects the cells refer to, or null. */
    Object[] refs() {
        return refs;
    }


    ColumnCodec[] codecs() {
        return codecs;
    }

    @Override
    public String toString() {
        return "MaterializedResult[" + rowCount + " rows x " + codecs.length + " columns, ~" + estimatedBytes
                + " bytes]";
    }

    /**
     * Builds a result row by row from a real result set: the tee and {@link #materialize} use it. Not
     * thread-safe.
     */
    static final class Builder {

        private final ResultSet real;
        private final ResultMetadata metadata;
        private final ColumnCodec[] codecs;
        private final ValueProfile profile;
        private final int maxRows;
        private final long maxBytes;
        private final int resultSetType;
        private final int holdability;
        private final long fixedBytes;
        private CellWriter cells;
        private int rows;
        private long refBytes;

        Builder(ResultSet real, ValueProfile profile, String statementKey, int maxRows, long maxBytes)
                throws SQLException {
            this.real = real;
            this.profile = profile;
            this.metadata = profile.metadata(statementKey, real.getMetaData());
            int n = metadata.getColumnCount();
            ColumnCodec[] shared = metadata.sharedCodecs(profile);
            if (shared != null) {
                this.codecs = shared;
            } else {
                this.codecs = new ColumnCodec[n];
                for (int i = 0; i < n; i++) {
                    codecs[i] = profile.codec(metadata.column(i + 1));
                }
            }
            this.maxRows = maxRows;
            this.maxBytes = maxBytes;
            this.resultSetType = real.getType();
            this.holdability = holdability(real);
            // sized for as many bytes as the last result of the same statement, so it is rarely grown
            int hint = metadata.bytesHint();
            this.cells = new CellWriter(hint > 0 ? Math.min(hint, 1 << 16) : 16 * Math.max(1, n));
            this.fixedBytes = MaterializedResult.SELF_BYTES + ValueSizes.ARRAY_HEADER + 8
                    + (metadata.isShared() ? 0 : metadata.estimatedBytes() + ValueSizes.objectArray(n));
        }

        private static int holdability(ResultSet real) {
            // ResultSet.getHoldability is optional (pgjdbc throws SQLState 0A000, and a pool such as HikariCP then
            // marks the connection broken): ask the statement that produced the result, which drivers answer
            try {
                java.sql.Statement statement = real.getStatement();
                if (statement != null) {
                    return statement.getResultSetHoldability();
                }
            } catch (SQLException | RuntimeException | AbstractMethodError e) {
                // fall through to the default
            }
            return ResultSet.HOLD_CURSORS_OVER_COMMIT;
        }

        /**
         * Captures the row the real result set is on.
         *
         * @return false when the row would take the result over its caps (the builder is then useless)
         * @throws NotCacheableValueException when a value cannot be cached
         */
        boolean addCurrentRow() throws SQLException {
            if (rows >= maxRows) {
                return false;
            }
            int n = codecs.length;
            long budget = maxBytes - currentBytes();
            for (int i = 0; i < n; i++) {
                ColumnCodec codec = codecs[i];
                Object cell = codec.capture(real, i + 1, budget);
                int before = cells.size();
                long b = cells.write(cell, codec);
                refBytes += b - (cells.size() - before);
                budget -= b;
            }
            rows++;
            return currentBytes() <= maxBytes;
        }

        /** The estimate so far, counting the cell bytes at their final (trimmed) length. */
        long currentBytes() {
            int refCount = cells.refCount();
            return fixedBytes + cells.size() + (refCount == 0 ? 0 : ValueSizes.objectArray(refCount) + refBytes);
        }

        int rows() {
            return rows;
        }

        MaterializedResult build() {
            byte[] bytes = cells.bytes();
            Object[] refs = cells.refs();
            cells = null;
            metadata.bytesHint(bytes.length);
            return new MaterializedResult(metadata, codecs, profile, bytes, refs, refBytes, rows, resultSetType,
                    holdability);
        }
    }
}
