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
    private volatile int rowsHint;

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
     * Chooses {@code profile}'s codecs for these columns once, for every result that shares this snapshot
     * (see {@link StatementMetadata}); call before the snapshot is published.
     */
    void shareCodecs(ValueProfile profile) throws SQLException {
        ColumnCodec[] codecs = new ColumnCodec[columns.length];
        for (int i = 0; i < codecs.length; i++) {
            codecs[i] = profile.codec(columns[i]);
        }
        this.codecsProfile = profile;
        this.sharedCodecs = codecs;
    }

    /** The codecs chosen by {@link #shareCodecs} when {@code profile} chose them, else null. */
    ColumnCodec[] sharedCodecs(ValueProfile profile) {
        return codecsProfile == profile ? sharedCodecs : null;
    }

    /** The number of rows of the last result built over this snapshot: a capacity hint for the next. */
    int rowsHint() {
        return rowsHint;
    }

    void rowsHint(int rows) {
        if (rowsHint != rows) {
            rowsHint = rows;
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
