package dev.cachet.cache;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * A read-only {@link ResultSet} over a {@link MaterializedResult}, answering like the real driver's
 * result set for the same query: getters and conversions come from the result's {@link ColumnCodec}s,
 * errors (closed, no current row, bad column) from its {@link ValueProfile}.
 *
 * <p>Navigation follows the type it is created with: {@code TYPE_FORWARD_ONLY} allows only
 * {@link #next()}; the scrollable types allow every cursor movement (the data never changes, so
 * {@code TYPE_SCROLL_SENSITIVE} behaves like insensitive). Concurrency is always
 * {@code CONCUR_READ_ONLY}: every update method throws {@link SQLFeatureNotSupportedException}.
 * {@link #getStatement()} returns the application's statement given at creation. There are never
 * warnings. Not thread-safe, like any result set; the underlying result is shared and immutable.
 */
public final class CachedResultSet extends ReadOnlyResultSet {

    private MaterializedResult result;
    private ResultMetadata metadata;
    private byte[] cells;
    private Object[] refs;
    private ColumnCodec[] codecs;
    private ValueProfile profile;
    private final Statement owner;
    private int type;
    private int columnCount;
    private int rowCount;
    /** 0 = before the first row, rowCount + 1 = after the last, else the 1-based current row. */
    private int row;
    /** Where the current row starts in {@code cells}. */
    private int rowStart;
    /**
     * The last cell located in the current row (1-based column, 0 = none) and where it starts: getters mostly go
     * left to right, so each finds its cell from the previous one, and no offset table is allocated per result set.
     */
    private int memoColumn;
    private int memoAt;
    /** Where each row starts, computed on the first scrolling move (forward reading never needs it). */
    private int[] rowStarts;
    private boolean wasNull;
    private boolean closed;
    private int fetchSize;
    private int fetchDirection = FETCH_FORWARD;
    /** The view a codec reads a string cell's characters through; made on first use, then moved from cell to cell. */
    private Latin1Text latin1Text;

    CachedResultSet(MaterializedResult result, Statement owner, int type) {
        this.owner = owner;
        over(result, type);
    }

    private void over(MaterializedResult result, int type) {
        this.result = result;
        this.metadata = result.metadata();
        this.cells = result.cells();
        this.refs = result.refs();
        this.codecs = result.codecs();
        this.profile = result.profile();
        this.type = type;
        this.columnCount = codecs.length;
        this.rowCount = result.rowCount();
    }

    /** The result this result set reads. */
    public MaterializedResult result() {
        return result;
    }

    // ---------------------------------------------------------------- state checks

    private void checkOpen() throws SQLException {
        if (closed) {
            throw profile.closed();
        }
    }

    private void checkScrollable() throws SQLException {
        checkOpen();
        if (type == TYPE_FORWARD_ONLY) {
            throw profile.notScrollable();
        }
    }

    /** The captured cell of {@code column} on the current row; sets {@code wasNull}. */
    private Object cell(int column) throws SQLException {
        int at = at(column);
        if (cells[at] == Cells.NULL) {
            wasNull = true;
            return null;
        }
        wasNull = false;
        // the common tags decoded by small methods the JIT inlines; the rest by the general reader
        switch (cells[at]) {
            case Cells.LATIN1:
                return Cells.latin1(cells, at);
            case Cells.DECIMAL:
                return Cells.decimal(cells, at);
            case Cells.TIMESTAMP:
                return Cells.timestamp(cells, at);
            default:
                return Cells.read(cells, at, refs);
        }
    }

    /** Where the cell of {@code column} on the current row starts, after the checks every getter makes. */
    private int at(int column) throws SQLException {
        if (closed) {
            throw profile.closed();
        }
        if (column < 1 || column > columnCount) {
            throw profile.invalidColumnIndex(column, columnCount);
        }
        if (row < 1 || row > rowCount) {
            throw profile.noCurrentRow();
        }
        int c;
        int p;
        if (memoColumn != 0 && column >= memoColumn) {
            c = memoColumn;
            p = memoAt;
        } else {
            c = 1;
            p = rowStart;
        }
        while (c < column) {
            p = Cells.skip(cells, p);
            c++;
        }
        memoColumn = column;
        memoAt = p;
        return p;
    }

    /** Where the current row (a valid one) ends: the next row's start. */
    private int rowEnd() {
        int c = memoColumn != 0 ? memoColumn : 1;
        int p = memoColumn != 0 ? memoAt : rowStart;
        while (c <= columnCount) {
            p = Cells.skip(cells, p);
            c++;
        }
        return p;
    }

    private ColumnCodec codec(int column) {
        return codecs[column - 1];
    }

    private void moveTo(int target) {
        row = target < 0 ? 0 : Math.min(target, rowCount + 1);
        if (row >= 1 && row <= rowCount) {
            if (rowStarts == null) {
                rowStarts = rowStarts();
            }
            rowStart = rowStarts[row - 1];
            memoColumn = 0;
        }
    }

    private int[] rowStarts() {
        int[] starts = new int[rowCount];
        int at = 0;
        for (int r = 0; r < rowCount; r++) {
            starts[r] = at;
            for (int i = 0; i < columnCount; i++) {
                at = Cells.skip(cells, at);
            }
        }
        return starts;
    }

    // ---------------------------------------------------------------- navigation

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (row <= rowCount) {
            // the next row starts where the current one ends (the first at 0); past the last, nothing starts
            int next = row == 0 || row == rowCount ? 0 : rowEnd();
            row++;
            if (row <= rowCount) {
                rowStart = next;
                memoColumn = 0;
            }
        }
        return row <= rowCount;
    }

    @Override
    public boolean previous() throws SQLException {
        checkScrollable();
        if (row > 0) {
            moveTo(row - 1);
        }
        return row >= 1;
    }

    @Override
    public boolean absolute(int rows) throws SQLException {
        checkScrollable();
        if (rows >= 0) {
            moveTo(rows);
        } else {
            moveTo(Math.max(0, rowCount + 1 + rows));
        }
        return row >= 1 && row <= rowCount;
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        checkScrollable();
        moveTo((int) Math.max(0, Math.min((long) rowCount + 1, (long) row + rows)));
        return row >= 1 && row <= rowCount;
    }

    @Override
    public boolean first() throws SQLException {
        return absolute(1);
    }

    @Override
    public boolean last() throws SQLException {
        return absolute(-1);
    }

    @Override
    public void beforeFirst() throws SQLException {
        checkScrollable();
        moveTo(0);
    }

    @Override
    public void afterLast() throws SQLException {
        checkScrollable();
        moveTo(rowCount + 1);
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        checkOpen();
        return row == 0 && rowCount > 0;
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        checkOpen();
        return row > rowCount && rowCount > 0;
    }

    @Override
    public boolean isFirst() throws SQLException {
        checkOpen();
        return row == 1 && rowCount > 0;
    }

    @Override
    public boolean isLast() throws SQLException {
        checkOpen();
        return row == rowCount && rowCount > 0;
    }

    @Override
    public int getRow() throws SQLException {
        checkOpen();
        return row >= 1 && row <= rowCount ? row : 0;
    }

    // ---------------------------------------------------------------- lifecycle and properties

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean wasNull() throws SQLException {
        checkOpen();
        return wasNull;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
    }

    @Override
    public String getCursorName() throws SQLException {
        checkOpen();
        throw new SQLFeatureNotSupportedException("A cached result set has no cursor name", "0A000");
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return metadata;
    }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        checkOpen();
        if (columnLabel == null) {
            throw profile.columnNotFound(null);
        }
        int index = metadata.indexOf(columnLabel);
        if (index == 0) {
            throw profile.columnNotFound(columnLabel);
        }
        return index;
    }

    @Override
    public Statement getStatement() throws SQLException {
        checkOpen();
        return owner;
    }

    @Override
    public int getType() throws SQLException {
        checkOpen();
        return type;
    }

    @Override
    public int getConcurrency() throws SQLException {
        checkOpen();
        return CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return result.holdability();
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != FETCH_FORWARD && direction != FETCH_REVERSE && direction != FETCH_UNKNOWN) {
            throw SqlErrors.of("Invalid fetch direction " + direction, "HY024");
        }
        if (direction != FETCH_FORWARD && type == TYPE_FORWARD_ONLY) {
            throw profile.notScrollable();
        }
        fetchDirection = direction;
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return fetchDirection;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) {
            throw SqlErrors.of("Invalid fetch size " + rows, "HY024");
        }
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        checkOpen();
        return false;
    }

    @Override
    public boolean rowInserted() throws SQLException {
        checkOpen();
        return false;
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        checkOpen();
        return false;
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

    // ---------------------------------------------------------------- getters by index

    @Override
    public String getString(int columnIndex) throws SQLException {
        int at = at(columnIndex);
        if (cells[at] == Cells.LATIN1 && codecs[columnIndex - 1].standardScalars) {
            wasNull = false;
            return Cells.latin1(cells, at);
        }
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getString(v);
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return codec(columnIndex).getNString(v);
    }

    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v != null && codec(columnIndex).getBoolean(v);
    }

    @Override
    public byte getByte(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? 0 : codec(columnIndex).getByte(v);
    }

    @Override
    public short getShort(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? 0 : codec(columnIndex).getShort(v);
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        int at = at(columnIndex);
        byte tag = cells[at];
        if (tag == Cells.INT && codecs[columnIndex - 1].standardScalars) {
            wasNull = false;
            return (int) Cells.zigzag(Cells.varint(cells, at + 1));
        }
        if (tag == Cells.LATIN1 && codecs[columnIndex - 1].plainNumberText) {
            long plain = Cells.plainInteger(cells, at, 9);
            if (plain != Cells.NOT_PLAIN) {
                wasNull = false;
                return (int) plain;
            }
        }
        Object v = cell(columnIndex);
        return v == null ? 0 : codec(columnIndex).getInt(v);
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        int at = at(columnIndex);
        byte tag = cells[at];
        if ((tag == Cells.LONG || tag == Cells.INT) && codecs[columnIndex - 1].standardScalars) {
            wasNull = false;
            return Cells.zigzag(Cells.varint(cells, at + 1));
        }
        if (tag == Cells.LATIN1 && codecs[columnIndex - 1].plainNumberText) {
            long plain = Cells.plainInteger(cells, at, 18);
            if (plain != Cells.NOT_PLAIN) {
                wasNull = false;
                return plain;
            }
        }
        Object v = cell(columnIndex);
        return v == null ? 0 : codec(columnIndex).getLong(v);
    }

    @Override
    public float getFloat(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? 0 : codec(columnIndex).getFloat(v);
    }

    @Override
    public double getDouble(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? 0 : codec(columnIndex).getDouble(v);
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
        int at = at(columnIndex);
        byte tag = cells[at];
        if (tag == Cells.DECIMAL && codecs[columnIndex - 1].standardScalars) {
            wasNull = false;
            return Cells.decimal(cells, at);
        }
        if (tag == Cells.LATIN1 && codecs[columnIndex - 1].plainNumberText) {
            BigDecimal plain = Cells.plainDecimal(cells, at);
            if (plain != null) {
                wasNull = false;
                return plain;
            }
        }
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getBigDecimal(v);
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getBigDecimal(v, scale);
    }

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getBytes(v);
    }

    @Override
    public Date getDate(int columnIndex) throws SQLException {
        return getDate(columnIndex, (Calendar) null);
    }

    @Override
    public Date getDate(int columnIndex, Calendar cal) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getDate(v, cal);
    }

    @Override
    public Time getTime(int columnIndex) throws SQLException {
        return getTime(columnIndex, (Calendar) null);
    }

    @Override
    public Time getTime(int columnIndex, Calendar cal) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getTime(v, cal);
    }

    @Override
    public Timestamp getTimestamp(int columnIndex) throws SQLException {
        return getTimestamp(columnIndex, (Calendar) null);
    }

    @Override
    public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
        int at = at(columnIndex);
        byte tag = cells[at];
        ColumnCodec codec = codecs[columnIndex - 1];
        if (tag == Cells.TIMESTAMP && cal == null && codec.standardScalars) {
            // decoded afresh: it is already the copy the codec would make
            wasNull = false;
            return Cells.timestamp(cells, at);
        }
        if (tag == Cells.LATIN1 && codec.timestampsFromText) {
            Latin1Text text = latin1Text;
            if (text == null) {
                text = latin1Text = new Latin1Text();
            }
            Timestamp t = codec.timestampOfText(text.over(cells, Cells.textStart(cells, at), Cells.textLength(cells, at)),
                    cal);
            if (t != null) {
                wasNull = false;
                return t;
            }
        }
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getTimestamp(v, cal);
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getObject(v);
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getObject(v, map);
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        Object v = cell(columnIndex);
        if (v == null) {
            return codec(columnIndex).getObjectOfNull(type);
        }
        return codec(columnIndex).getObject(v, type);
    }

    @Override
    public InputStream getAsciiStream(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getAsciiStream(v);
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(int columnIndex) throws SQLException {
        checkOpen();
        throw new SQLFeatureNotSupportedException("getUnicodeStream", "0A000");
    }

    @Override
    public InputStream getBinaryStream(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getBinaryStream(v);
    }

    @Override
    public Reader getCharacterStream(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getCharacterStream(v);
    }

    @Override
    public Reader getNCharacterStream(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return codec(columnIndex).getNCharacterStream(v);
    }

    @Override
    public Array getArray(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getArray(v);
    }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getBlob(v);
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getClob(v);
    }

    @Override
    public NClob getNClob(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return codec(columnIndex).getNClob(v);
    }

    @Override
    public SQLXML getSQLXML(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getSQLXML(v);
    }

    @Override
    public URL getURL(int columnIndex) throws SQLException {
        Object v = cell(columnIndex);
        return v == null ? null : codec(columnIndex).getURL(v);
    }

    @Override
    public Ref getRef(int columnIndex) throws SQLException {
        cell(columnIndex);
        throw new SQLFeatureNotSupportedException("getRef", "0A000");
    }

    @Override
    public RowId getRowId(int columnIndex) throws SQLException {
        cell(columnIndex);
        throw new SQLFeatureNotSupportedException("getRowId", "0A000");
    }

    // ---------------------------------------------------------------- getters by label

    @Override
    public String getString(String columnLabel) throws SQLException {
        return getString(findColumn(columnLabel));
    }

    @Override
    public String getNString(String columnLabel) throws SQLException {
        return getString(findColumn(columnLabel));
    }

    @Override
    public boolean getBoolean(String columnLabel) throws SQLException {
        return getBoolean(findColumn(columnLabel));
    }

    @Override
    public byte getByte(String columnLabel) throws SQLException {
        return getByte(findColumn(columnLabel));
    }

    @Override
    public short getShort(String columnLabel) throws SQLException {
        return getShort(findColumn(columnLabel));
    }

    @Override
    public int getInt(String columnLabel) throws SQLException {
        return getInt(findColumn(columnLabel));
    }

    @Override
    public long getLong(String columnLabel) throws SQLException {
        return getLong(findColumn(columnLabel));
    }

    @Override
    public float getFloat(String columnLabel) throws SQLException {
        return getFloat(findColumn(columnLabel));
    }

    @Override
    public double getDouble(String columnLabel) throws SQLException {
        return getDouble(findColumn(columnLabel));
    }

    @Override
    public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
        return getBigDecimal(findColumn(columnLabel));
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(String columnLabel, int scale) throws SQLException {
        return getBigDecimal(findColumn(columnLabel), scale);
    }

    @Override
    public byte[] getBytes(String columnLabel) throws SQLException {
        return getBytes(findColumn(columnLabel));
    }

    @Override
    public Date getDate(String columnLabel) throws SQLException {
        return getDate(findColumn(columnLabel));
    }

    @Override
    public Date getDate(String columnLabel, Calendar cal) throws SQLException {
        return getDate(findColumn(columnLabel), cal);
    }

    @Override
    public Time getTime(String columnLabel) throws SQLException {
        return getTime(findColumn(columnLabel));
    }

    @Override
    public Time getTime(String columnLabel, Calendar cal) throws SQLException {
        return getTime(findColumn(columnLabel), cal);
    }

    @Override
    public Timestamp getTimestamp(String columnLabel) throws SQLException {
        return getTimestamp(findColumn(columnLabel));
    }

    @Override
    public Timestamp getTimestamp(String columnLabel, Calendar cal) throws SQLException {
        return getTimestamp(findColumn(columnLabel), cal);
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return getObject(findColumn(columnLabel));
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        return getObject(findColumn(columnLabel), map);
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return getObject(findColumn(columnLabel), type);
    }

    @Override
    public InputStream getAsciiStream(String columnLabel) throws SQLException {
        return getAsciiStream(findColumn(columnLabel));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(String columnLabel) throws SQLException {
        return getUnicodeStream(findColumn(columnLabel));
    }

    @Override
    public InputStream getBinaryStream(String columnLabel) throws SQLException {
        return getBinaryStream(findColumn(columnLabel));
    }

    @Override
    public Reader getCharacterStream(String columnLabel) throws SQLException {
        return getCharacterStream(findColumn(columnLabel));
    }

    @Override
    public Reader getNCharacterStream(String columnLabel) throws SQLException {
        return getCharacterStream(findColumn(columnLabel));
    }

    @Override
    public Array getArray(String columnLabel) throws SQLException {
        return getArray(findColumn(columnLabel));
    }

    @Override
    public Blob getBlob(String columnLabel) throws SQLException {
        return getBlob(findColumn(columnLabel));
    }

    @Override
    public Clob getClob(String columnLabel) throws SQLException {
        return getClob(findColumn(columnLabel));
    }

    @Override
    public NClob getNClob(String columnLabel) throws SQLException {
        return getNClob(findColumn(columnLabel));
    }

    @Override
    public SQLXML getSQLXML(String columnLabel) throws SQLException {
        return getSQLXML(findColumn(columnLabel));
    }

    @Override
    public URL getURL(String columnLabel) throws SQLException {
        return getURL(findColumn(columnLabel));
    }

    @Override
    public Ref getRef(String columnLabel) throws SQLException {
        return getRef(findColumn(columnLabel));
    }

    @Override
    public RowId getRowId(String columnLabel) throws SQLException {
        return getRowId(findColumn(columnLabel));
    }

    /** The characters of a Latin-1 string cell, read in place from a result's bytes: a string without its copy. */
    private static final class Latin1Text implements CharSequence {
        private byte[] bytes;
        private int start;
        private int length;

        Latin1Text over(byte[] bytes, int start, int length) {
            this.bytes = bytes;
            this.start = start;
            this.length = length;
            return this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= length) {
                throw new StringIndexOutOfBoundsException(index);
            }
            return (char) (bytes[start + index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int from, int to) {
            return toString().substring(from, to);
        }

        @Override
        public String toString() {
            return new String(bytes, start, length, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
