package dev.cachet.cache;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * An immutable snapshot of a result's {@link ResultSetMetaData}: one {@link ColumnMetadata} per column.
 * It answers every metadata call without touching the database, and maps column labels to indexes the
 * way the drivers do: case-insensitively, the first matching column wins.
 */
public final class ResultMetadata implements ResultSetMetaData {

    private final ColumnMetadata[] columns;
    // set once before the snapshot is shared (published through a concurrent map), then only read
    private ValueProfile codecsProfile;
    private ColumnCodec[] sharedCodecs;
    private boolean shared;
    /** The encoded shape, made on the first {@link ResultEncoding#shapeOf}; a race makes an equal one. */
    private volatile ResultShape shape;
    private volatile int bytesHint;

    /** Creates a snapshot over the given columns (index 0 = column 1). */
    public ResultMetadata(ColumnMetadata... columns) {
        this.columns = columns.clone();
    }

    /** Captures every column's facts from the real driver's metadata (no other calls). */
    public static ResultMetadata capture(ResultSetMetaData md) throws SQLException {
        int n = md.getColumnCount();
        ColumnMetadata[] columns = new ColumnMetadata[n];
        for (int i = 0; i < n; i++) {
            columns[i] = ColumnMetadata.capture(md, i + 1);
        }
        return new ResultMetadata(columns);
    }

    /** True when {@code md} reports exactly the facts of this snapshot for every column. */
    boolean matches(ResultSetMetaData md) throws SQLException {
        if (md.getColumnCount() != columns.length) {
            return false;
        }
        for (int i = 0; i < columns.length; i++) {
            if (!columns[i].matches(md, i + 1)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Marks this snapshot as shared by every result of one statement shape and chooses {@code profile}'s codecs
     * for it once. A profile that keeps one snapshot per statement shape (as the built-in ones do) calls this
     * before it publishes the snapshot: results over a shared snapshot take its codecs instead of choosing their
     * own, and their weight does not count the metadata — it is held once per shape, not once per entry. Call it
     * at most once, before the snapshot is visible to other threads.
     *
     * @return this snapshot
     */
    public ResultMetadata share(ValueProfile profile) throws SQLException {
        ColumnCodec[] codecs = new ColumnCodec[columns.length];
        for (int i = 0; i < codecs.length; i++) {
            codecs[i] = profile.codec(columns[i]);
        }
        this.codecsProfile = profile;
        this.sharedCodecs = codecs;
        this.shared = true;
        return this;
    }

    ResultShape shape() {
        return shape;
    }

    void shape(ResultShape shape) {
        this.shape = shape;
    }

    /** True once {@link #share} was called: held once per statement shape. */
    boolean isShared() {
        return shared;
    }

    /** The codecs chosen by {@link #shareCodecs} when {@code profile} chose them, else null. */
    ColumnCodec[] sharedCodecs(ValueProfile profile) {
        return codecsProfile == profile ? sharedCodecs : null;
    }

    /** The size in bytes of the cells of the last result built over this snapshot: a capacity hint for the next. */
    int bytesHint() {
        return bytesHint;
    }

    void bytesHint(int bytes) {
        if (bytesHint != bytes) {
            bytesHint = bytes;
        }
    }

    /** The facts of column {@code column} (1-based). */
    public ColumnMetadata column(int column) throws SQLException {
        return columns[check(column) - 1];
    }

    /**
     * The 1-based index of the first column whose label equals {@code label} ignoring case, or 0 when
     * none does.
     */
    public int indexOf(String label) {
        for (int i = 0; i < columns.length; i++) {
            if (label.equalsIgnoreCase(columns[i].label())) {
                return i + 1;
            }
        }
        return 0;
    }

    private int check(int column) throws SQLException {
        if (column < 1 || column > columns.length) {
            throw SqlErrors.of("Invalid column index " + column + "; the result has " + columns.length
                    + " columns", "07009");
        }
        return column;
    }

    long estimatedBytes() {
        long bytes = 16 + ValueSizes.objectArray(columns.length);
        for (ColumnMetadata column : columns) {
            bytes += column.estimatedBytes();
        }
        return bytes;
    }

    @Override
    public int getColumnCount() {
        return columns.length;
    }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
        return column(column).autoIncrement();
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
        return column(column).caseSensitive();
    }

    @Override
    public boolean isSearchable(int column) throws SQLException {
        return column(column).searchable();
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
        return column(column).currency();
    }

    @Override
    public int isNullable(int column) throws SQLException {
        return column(column).nullable();
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
        return column(column).signed();
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
        return column(column).displaySize();
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
        return column(column).label();
    }

    @Override
    public String getColumnName(int column) throws SQLException {
        return column(column).name();
    }

    @Override
    public String getSchemaName(int column) throws SQLException {
        return column(column).schemaName();
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        return column(column).precision();
    }

    @Override
    public int getScale(int column) throws SQLException {
        return column(column).scale();
    }

    @Override
    public String getTableName(int column) throws SQLException {
        return column(column).tableName();
    }

    @Override
    public String getCatalogName(int column) throws SQLException {
        return column(column).catalogName();
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        return column(column).type();
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        return column(column).typeName();
    }

    @Override
    public boolean isReadOnly(int column) throws SQLException {
        return column(column).readOnly();
    }

    @Override
    public boolean isWritable(int column) throws SQLException {
        return column(column).writable();
    }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        return column(column).definitelyWritable();
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        return column(column).className();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("Not a wrapper for " + iface.getName(), "HY000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
