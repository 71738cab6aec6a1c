package dev.cachet.cache;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A {@link ResultSet} that forwards every call to another one. Subclasses override the calls they
 * intercept; {@link #delegate()} names the target. Generated from the {@code ResultSet} interface so
 * that no method is forgotten.
 */
public abstract class ForwardingResultSet implements ResultSet {

    /** The result set every call goes to. */
    protected abstract ResultSet delegate();

    @Override
    public boolean absolute(int rows) throws SQLException {
        return delegate().absolute(rows);
    }

    @Override
    public void afterLast() throws SQLException {
        delegate().afterLast();
    }

    @Override
    public void beforeFirst() throws SQLException {
        delegate().beforeFirst();
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        delegate().cancelRowUpdates();
    }

    @Override
    public void clearWarnings() throws SQLException {
        delegate().clearWarnings();
    }

    @Override
    public void close() throws SQLException {
        delegate().close();
    }

    @Override
    public void deleteRow() throws SQLException {
        delegate().deleteRow();
    }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        return delegate().findColumn(columnLabel);
    }

    @Override
    public boolean first() throws SQLException {
        return delegate().first();
    }

    @Override
    public java.sql.Array getArray(String columnLabel) throws SQLException {
        return delegate().getArray(columnLabel);
    }

    @Override
    public java.sql.Array getArray(int columnIndex) throws SQLException {
        return delegate().getArray(columnIndex);
    }

    @Override
    public java.io.InputStream getAsciiStream(String columnLabel) throws SQLException {
        return delegate().getAsciiStream(columnLabel);
    }

    @Override
    public java.io.InputStream getAsciiStream(int columnIndex) throws SQLException {
        return delegate().getAsciiStream(columnIndex);
    }

    @Override
    @Deprecated
    public java.math.BigDecimal getBigDecimal(String columnLabel, int scale) throws SQLException {
        return delegate().getBigDecimal(columnLabel, scale);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(String columnLabel) throws SQLException {
        return delegate().getBigDecimal(columnLabel);
    }

    @Override
    @Deprecated
    public java.math.BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
        return delegate().getBigDecimal(columnIndex, scale);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int columnIndex) throws SQLException {
        return delegate().getBigDecimal(columnIndex);
    }

    @Override
    public java.io.InputStream getBinaryStream(String columnLabel) throws SQLException {
        return delegate().getBinaryStream(columnLabel);
    }

    @Override
    public java.io.InputStream getBinaryStream(int columnIndex) throws SQLException {
        return delegate().getBinaryStream(columnIndex);
    }

    @Override
    public java.sql.Blob getBlob(String columnLabel) throws SQLException {
        return delegate().getBlob(columnLabel);
    }

    @Override
    public java.sql.Blob getBlob(int columnIndex) throws SQLException {
        return delegate().getBlob(columnIndex);
    }

    @Override
    public boolean getBoolean(String columnLabel) throws SQLException {
        return delegate().getBoolean(columnLabel);
    }

    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        return delegate().getBoolean(columnIndex);
    }

    @Override
    public byte getByte(String columnLabel) throws SQLException {
        return delegate().getByte(columnLabel);
    }

    @Override
    public byte getByte(int columnIndex) throws SQLException {
        return delegate().getByte(columnIndex);
    }

    @Override
    public byte[] getBytes(String columnLabel) throws SQLException {
        return delegate().getBytes(columnLabel);
    }

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        return delegate().getBytes(columnIndex);
    }

    @Override
    public java.io.Reader getCharacterStream(String columnLabel) throws SQLException {
        return delegate().getCharacterStream(columnLabel);
    }

    @Override
    public java.io.Reader getCharacterStream(int columnIndex) throws SQLException {
        return delegate().getCharacterStream(columnIndex);
    }

    @Override
    public java.sql.Clob getClob(String columnLabel) throws SQLException {
        return delegate().getClob(columnLabel);
    }

    @Override
    public java.sql.Clob getClob(int columnIndex) throws SQLException {
        return delegate().getClob(columnIndex);
    }

    @Override
    public int getConcurrency() throws SQLException {
        return delegate().getConcurrency();
    }

    @Override
    public String getCursorName() throws SQLException {
        return delegate().getCursorName();
    }

    @Override
    public java.sql.Date getDate(String columnLabel, java.util.Calendar cal) throws SQLException {
        return delegate().getDate(columnLabel, cal);
    }

    @Override
    public java.sql.Date getDate(String columnLabel) throws SQLException {
        return delegate().getDate(columnLabel);
    }

    @Override
    public java.sql.Date getDate(int columnIndex, java.util.Calendar cal) throws SQLException {
        return delegate().getDate(columnIndex, cal);
    }

    @Override
    public java.sql.Date getDate(int columnIndex) throws SQLException {
        return delegate().getDate(columnIndex);
    }

    @Override
    public double getDouble(String columnLabel) throws SQLException {
        return delegate().getDouble(columnLabel);
    }

    @Override
    public double getDouble(int columnIndex) throws SQLException {
        return delegate().getDouble(columnIndex);
    }

    @Override
    public int getFetchDirection() throws SQLException {
        return delegate().getFetchDirection();
    }

    @Override
    public int getFetchSize() throws SQLException {
        return delegate().getFetchSize();
    }

    @Override
    public float getFloat(String columnLabel) throws SQLException {
        return delegate().getFloat(columnLabel);
    }

    @Override
    public float getFloat(int columnIndex) throws SQLException {
        return delegate().getFloat(columnIndex);
    }

    @Override
    public int getHoldability() throws SQLException {
        return delegate().getHoldability();
    }

    @Override
    public int getInt(String columnLabel) throws SQLException {
        return delegate().getInt(columnLabel);
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        return delegate().getInt(columnIndex);
    }

    @Override
    public long getLong(String columnLabel) throws SQLException {
        return delegate().getLong(columnLabel);
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        return delegate().getLong(columnIndex);
    }

    @Override
    public java.sql.ResultSetMetaData getMetaData() throws SQLException {
        return delegate().getMetaData();
    }

    @Override
    public java.io.Reader getNCharacterStream(String columnLabel) throws SQLException {
        return delegate().getNCharacterStream(columnLabel);
    }

    @Override
    public java.io.Reader getNCharacterStream(int columnIndex) throws SQLException {
        return delegate().getNCharacterStream(columnIndex);
    }

    @Override
    public java.sql.NClob getNClob(String columnLabel) throws SQLException {
        return delegate().getNClob(columnLabel);
    }

    @Override
    public java.sql.NClob getNClob(int columnIndex) throws SQLException {
        return delegate().getNClob(columnIndex);
    }

    @Override
    public String getNString(String columnLabel) throws SQLException {
        return delegate().getNString(columnLabel);
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        return delegate().getNString(columnIndex);
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return delegate().getObject(columnLabel, type);
    }

    @Override
    public Object getObject(String columnLabel, java.util.Map<String, Class<?>> map) throws SQLException {
        return delegate().getObject(columnLabel, map);
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return delegate().getObject(columnLabel);
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        return delegate().getObject(columnIndex, type);
    }

    @Override
    public Object getObject(int columnIndex, java.util.Map<String, Class<?>> map) throws SQLException {
        return delegate().getObject(columnIndex, map);
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return delegate().getObject(columnIndex);
    }

    @Override
    public java.sql.Ref getRef(String columnLabel) throws SQLException {
        return delegate().getRef(columnLabel);
    }

    @Override
    public java.sql.Ref getRef(int columnIndex) throws SQLException {
        return delegate().getRef(columnIndex);
    }

    @Override
    public int getRow() throws SQLException {
        return delegate().getRow();
    }

    @Override
    public java.sql.RowId getRowId(String columnLabel) throws SQLException {
        return delegate().getRowId(columnLabel);
    }

    @Override
    public java.sql.RowId getRowId(int columnIndex) throws SQLException {
        return delegate().getRowId(columnIndex);
    }

    @Override
    public java.sql.SQLXML getSQLXML(String columnLabel) throws SQLException {
        return delegate().getSQLXML(columnLabel);
    }

    @Override
    public java.sql.SQLXML getSQLXML(int columnIndex) throws SQLException {
        return delegate().getSQLXML(columnIndex);
    }

    @Override
    public short getShort(String columnLabel) throws SQLException {
        return delegate().getShort(columnLabel);
    }

    @Override
    public short getShort(int columnIndex) throws SQLException {
        return delegate().getShort(columnIndex);
    }

    @Override
    public java.sql.Statement getStatement() throws SQLException {
        return delegate().getStatement();
    }

    @Override
    public String getString(String columnLabel) throws SQLException {
        return delegate().getString(columnLabel);
    }

    @Override
    public String getString(int columnIndex) throws SQLException {
        return delegate().getString(columnIndex);
    }

    @Override
    public java.sql.Time getTime(String columnLabel, java.util.Calendar cal) throws SQLException {
        return delegate().getTime(columnLabel, cal);
    }

    @Override
    public java.sql.Time getTime(String columnLabel) throws SQLException {
        return delegate().getTime(columnLabel);
    }

    @Override
    public java.sql.Time getTime(int columnIndex, java.util.Calendar cal) throws SQLException {
        return delegate().getTime(columnIndex, cal);
    }

    @Override
    public java.sql.Time getTime(int columnIndex) throws SQLException {
        return delegate().getTime(columnIndex);
    }

    @Override
    public java.sql.Timestamp getTimestamp(String columnLabel, java.util.Calendar cal) throws SQLException {
        return delegate().getTimestamp(columnLabel, cal);
    }

    @Override
    public java.sql.Timestamp getTimestamp(String columnLabel) throws SQLException {
        return delegate().getTimestamp(columnLabel);
    }

    @Override
    public java.sql.Timestamp getTimestamp(int columnIndex, java.util.Calendar cal) throws SQLException {
        return delegate().getTimestamp(columnIndex, cal);
    }

    @Override
    public java.sql.Timestamp getTimestamp(int columnIndex) throws SQLException {
        return delegate().getTimestamp(columnIndex);
    }

    @Override
    public int getType() throws SQLException {
        return delegate().getType();
    }

    @Override
    public java.net.URL getURL(String columnLabel) throws SQLException {
        return delegate().getURL(columnLabel);
    }

    @Override
    public java.net.URL getURL(int columnIndex) throws SQLException {
        return delegate().getURL(columnIndex);
    }

    @Override
    @Deprecated
    public java.io.InputStream getUnicodeStream(String columnLabel) throws SQLException {
        return delegate().getUnicodeStream(columnLabel);
    }

    @Override
    @Deprecated
    public java.io.InputStream getUnicodeStream(int columnIndex) throws SQLException {
        return delegate().getUnicodeStream(columnIndex);
    }

    @Override
    public java.sql.SQLWarning getWarnings() throws SQLException {
        return delegate().getWarnings();
    }

    @Override
    public void insertRow() throws SQLException {
        delegate().insertRow();
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        return delegate().isAfterLast();
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        return delegate().isBeforeFirst();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return delegate().isClosed();
    }

    @Override
    public boolean isFirst() throws SQLException {
        return delegate().isFirst();
    }

    @Override
    public boolean isLast() throws SQLException {
        return delegate().isLast();
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return delegate().isWrapperFor(type);
    }

    @Override
    public boolean last() throws SQLException {
        return delegate().last();
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        delegate().moveToCurrentRow();
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        delegate().moveToInsertRow();
    }

    @Override
    public boolean next() throws SQLException {
        return delegate().next();
    }

    @Override
    public boolean previous() throws SQLException {
        return delegate().previous();
    }

    @Override
    public void refreshRow() throws SQLException {
        delegate().refreshRow();
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        return delegate().relative(rows);
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        return delegate().rowDeleted();
    }

    @Override
    public boolean rowInserted() throws SQLException {
        return delegate().rowInserted();
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        return delegate().rowUpdated();
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        delegate().setFetchDirection(direction);
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        delegate().setFetchSize(rows);
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return delegate().unwrap(type);
    }

    @Override
    public void updateArray(String columnLabel, java.sql.Array x) throws SQLException {
        delegate().updateArray(columnLabel, x);
    }

    @Override
    public void updateArray(int columnIndex, java.sql.Array x) throws SQLException {
        delegate().updateArray(columnIndex, x);
    }

    @Override
    public void updateAsciiStream(String columnLabel, java.io.InputStream x, int length) throws SQLException {
        delegate().updateAsciiStream(columnLabel, x, length);
    }

    @Override
    public void updateAsciiStream(String columnLabel, java.io.InputStream x, long length) throws SQLException {
        delegate().updateAsciiStream(columnLabel, x, length);
    }

    @Override
    public void updateAsciiStream(String columnLabel, java.io.InputStream x) throws SQLException {
        delegate().updateAsciiStream(columnLabel, x);
    }

    @Override
    public void updateAsciiStream(int columnIndex, java.io.InputStream x, int length) throws SQLException {
        delegate().updateAsciiStream(columnIndex, x, length);
    }

    @Override
    public void updateAsciiStream(int columnIndex, java.io.InputStream x, long length) throws SQLException {
        delegate().updateAsciiStream(columnIndex, x, length);
    }

    @Override
    public void updateAsciiStream(int columnIndex, java.io.InputStream x) throws SQLException {
        delegate().updateAsciiStream(columnIndex, x);
    }

    @Override
    public void updateBigDecimal(String columnLabel, java.math.BigDecimal x) throws SQLException {
        delegate().updateBigDecimal(columnLabel, x);
    }

    @Override
    public void updateBigDecimal(int columnIndex, java.math.BigDecimal x) throws SQLException {
        delegate().updateBigDecimal(columnIndex, x);
    }

    @Override
    public void updateBinaryStream(String columnLabel, java.io.InputStream x, int length) throws SQLException {
        delegate().updateBinaryStream(columnLabel, x, length);
    }

    @Override
    public void updateBinaryStream(String columnLabel, java.io.InputStream x, long length) throws SQLException {
        delegate().updateBinaryStream(columnLabel, x, length);
    }

    @Override
    public void updateBinaryStream(String columnLabel, java.io.InputStream x) throws SQLException {
        delegate().updateBinaryStream(columnLabel, x);
    }

    @Override
    public void updateBinaryStream(int columnIndex, java.io.InputStream x, int length) throws SQLException {
        delegate().updateBinaryStream(columnIndex, x, length);
    }

    @Override
    public void updateBinaryStream(int columnIndex, java.io.InputStream x, long length) throws SQLException {
        delegate().updateBinaryStream(columnIndex, x, length);
    }

    @Override
    public void updateBinaryStream(int columnIndex, java.io.InputStream x) throws SQLException {
        delegate().updateBinaryStream(columnIndex, x);
    }

    @Override
    public void updateBlob(String columnLabel, java.io.InputStream x, long length) throws SQLException {
        delegate().updateBlob(columnLabel, x, length);
    }

    @Override
    public void updateBlob(String columnLabel, java.io.InputStream x) throws SQLException {
        delegate().updateBlob(columnLabel, x);
    }

    @Override
    public void updateBlob(String columnLabel, java.sql.Blob x) throws SQLException {
        delegate().updateBlob(columnLabel, x);
    }

    @Override
    public void updateBlob(int columnIndex, java.io.InputStream x, long length) throws SQLException {
        delegate().updateBlob(columnIndex, x, length);
    }

    @Override
    public void updateBlob(int columnIndex, java.io.InputStream x) throws SQLException {
        delegate().updateBlob(columnIndex, x);
    }

    @Override
    public void updateBlob(int columnIndex, java.sql.Blob x) throws SQLException {
        delegate().updateBlob(columnIndex, x);
    }

    @Override
    public void updateBoolean(String columnLabel, boolean x) throws SQLException {
        delegate().updateBoolean(columnLabel, x);
    }

    @Override
    public void updateBoolean(int columnIndex, boolean x) throws SQLException {
        delegate().updateBoolean(columnIndex, x);
    }

    @Override
    public void updateByte(String columnLabel, byte x) throws SQLException {
        delegate().updateByte(columnLabel, x);
    }

    @Override
    public void updateByte(int columnIndex, byte x) throws SQLException {
        delegate().updateByte(columnIndex, x);
    }

    @Override
    public void updateBytes(String columnLabel, byte[] x) throws SQLException {
        delegate().updateBytes(columnLabel, x);
    }

    @Override
    public void updateBytes(int columnIndex, byte[] x) throws SQLException {
        delegate().updateBytes(columnIndex, x);
    }

    @Override
    public void updateCharacterStream(String columnLabel, java.io.Reader x, int length) throws SQLException {
        delegate().updateCharacterStream(columnLabel, x, length);
    }

    @Override
    public void updateCharacterStream(String columnLabel, java.io.Reader x, long length) throws SQLException {
        delegate().updateCharacterStream(columnLabel, x, length);
    }

    @Override
    public void updateCharacterStream(String columnLabel, java.io.Reader x) throws SQLException {
        delegate().updateCharacterStream(columnLabel, x);
    }

    @Override
    public void updateCharacterStream(int columnIndex, java.io.Reader x, int length) throws SQLException {
        delegate().updateCharacterStream(columnIndex, x, length);
    }

    @Override
    public void updateCharacterStream(int columnIndex, java.io.Reader x, long length) throws SQLException {
        delegate().updateCharacterStream(columnIndex, x, length);
    }

    @Override
    public void updateCharacterStream(int columnIndex, java.io.Reader x) throws SQLException {
        delegate().updateCharacterStream(columnIndex, x);
    }

    @Override
    public void updateClob(String columnLabel, java.io.Reader x, long length) throws SQLException {
        delegate().updateClob(columnLabel, x, length);
    }

    @Override
    public void updateClob(String columnLabel, java.io.Reader x) throws SQLException {
        delegate().updateClob(columnLabel, x);
    }

    @Override
    public void updateClob(String columnLabel, java.sql.Clob x) throws SQLException {
        delegate().updateClob(columnLabel, x);
    }

    @Override
    public void updateClob(int columnIndex, java.io.Reader x, long length) throws SQLException {
        delegate().updateClob(columnIndex, x, length);
    }

    @Override
    public void updateClob(int columnIndex, java.io.Reader x) throws SQLException {
        delegate().updateClob(columnIndex, x);
    }

    @Override
    public void updateClob(int columnIndex, java.sql.Clob x) throws SQLException {
        delegate().updateClob(columnIndex, x);
    }

    @Override
    public void updateDate(String columnLabel, java.sql.Date x) throws SQLException {
        delegate().updateDate(columnLabel, x);
    }

    @Override
    public void updateDate(int columnIndex, java.sql.Date x) throws SQLException {
        delegate().updateDate(columnIndex, x);
    }

    @Override
    public void updateDouble(String columnLabel, double x) throws SQLException {
        delegate().updateDouble(columnLabel, x);
    }

    @Override
    public void updateDouble(int columnIndex, double x) throws SQLException {
        delegate().updateDouble(columnIndex, x);
    }

    @Override
    public void updateFloat(String columnLabel, float x) throws SQLException {
        delegate().updateFloat(columnLabel, x);
    }

    @Override
    public void updateFloat(int columnIndex, float x) throws SQLException {
        delegate().updateFloat(columnIndex, x);
    }

    @Override
    public void updateInt(String columnLabel, int x) throws SQLException {
        delegate().updateInt(columnLabel, x);
    }

    @Override
    public void updateInt(int columnIndex, int x) throws SQLException {
        delegate().updateInt(columnIndex, x);
    }

    @Override
    public void updateLong(String columnLabel, long x) throws SQLException {
        delegate().updateLong(columnLabel, x);
    }

    @Override
    public void updateLong(int columnIndex, long x) throws SQLException {
        delegate().updateLong(columnIndex, x);
    }

    @Override
    public void updateNCharacterStream(String columnLabel, java.io.Reader x, long length) throws SQLException {
        delegate().updateNCharacterStream(columnLabel, x, length);
    }

    @Override
    public void updateNCharacterStream(String columnLabel, java.io.Reader x) throws SQLException {
        delegate().updateNCharacterStream(columnLabel, x);
    }

    @Override
    public void updateNCharacterStream(int columnIndex, java.io.Reader x, long length) throws SQLException {
        delegate().updateNCharacterStream(columnIndex, x, length);
    }

    @Override
    public void updateNCharacterStream(int columnIndex, java.io.Reader x) throws SQLException {
        delegate().updateNCharacterStream(columnIndex, x);
    }

    @Override
    public void updateNClob(String columnLabel, java.io.Reader x, long length) throws SQLException {
        delegate().updateNClob(columnLabel, x, length);
    }

    @Override
    public void updateNClob(String columnLabel, java.io.Reader x) throws SQLException {
        delegate().updateNClob(columnLabel, x);
    }

    @Override
    public void updateNClob(String columnLabel, java.sql.NClob x) throws SQLException {
        delegate().updateNClob(columnLabel, x);
    }

    @Override
    public void updateNClob(int columnIndex, java.io.Reader x, long length) throws SQLException {
        delegate().updateNClob(columnIndex, x, length);
    }

    @Override
    public void updateNClob(int columnIndex, java.io.Reader x) throws SQLException {
        delegate().updateNClob(columnIndex, x);
    }

    @Override
    public void updateNClob(int columnIndex, java.sql.NClob x) throws SQLException {
        delegate().updateNClob(columnIndex, x);
    }

    @Override
    public void updateNString(String columnLabel, String x) throws SQLException {
        delegate().updateNString(columnLabel, x);
    }

    @Override
    public void updateNString(int columnIndex, String x) throws SQLException {
        delegate().updateNString(columnIndex, x);
    }

    @Override
    public void updateNull(String columnLabel) throws SQLException {
        delegate().updateNull(columnLabel);
    }

    @Override
    public void updateNull(int columnIndex) throws SQLException {
        delegate().updateNull(columnIndex);
    }

    @Override
    public void updateObject(String columnLabel, Object x, int scaleOrLength) throws SQLException {
        delegate().updateObject(columnLabel, x, scaleOrLength);
    }

    @Override
    public void updateObject(String columnLabel, Object x, java.sql.SQLType targetSqlType, int scaleOrLength) throws SQLException {
        delegate().updateObject(columnLabel, x, targetSqlType, scaleOrLength);
    }

    @Override
    public void updateObject(String columnLabel, Object x, java.sql.SQLType targetSqlType) throws SQLException {
        delegate().updateObject(columnLabel, x, targetSqlType);
    }

    @Override
    public void updateObject(String columnLabel, Object x) throws SQLException {
        delegate().updateObject(columnLabel, x);
    }

    @Override
    public void updateObject(int columnIndex, Object x, int scaleOrLength) throws SQLException {
        delegate().updateObject(columnIndex, x, scaleOrLength);
    }

    @Override
    public void updateObject(int columnIndex, Object x, java.sql.SQLType targetSqlType, int scaleOrLength) throws SQLException {
        delegate().updateObject(columnIndex, x, targetSqlType, scaleOrLength);
    }

    @Override
    public void updateObject(int columnIndex, Object x, java.sql.SQLType targetSqlType) throws SQLException {
        delegate().updateObject(columnIndex, x, targetSqlType);
    }

    @Override
    public void updateObject(int columnIndex, Object x) throws SQLException {
        delegate().updateObject(columnIndex, x);
    }

    @Override
    public void updateRef(String columnLabel, java.sql.Ref x) throws SQLException {
        delegate().updateRef(columnLabel, x);
    }

    @Override
    public void updateRef(int columnIndex, java.sql.Ref x) throws SQLException {
        delegate().updateRef(columnIndex, x);
    }

    @Override
    public void updateRow() throws SQLException {
        delegate().updateRow();
    }

    @Override
    public void updateRowId(String columnLabel, java.sql.RowId x) throws SQLException {
        delegate().updateRowId(columnLabel, x);
    }

    @Override
    public void updateRowId(int columnIndex, java.sql.RowId x) throws SQLException {
        delegate().updateRowId(columnIndex, x);
    }

    @Override
    public void updateSQLXML(String columnLabel, java.sql.SQLXML x) throws SQLException {
        delegate().updateSQLXML(columnLabel, x);
    }

    @Override
    public void updateSQLXML(int columnIndex, java.sql.SQLXML x) throws SQLException {
        delegate().updateSQLXML(columnIndex, x);
    }

    @Override
    public void updateShort(String columnLabel, short x) throws SQLException {
        delegate().updateShort(columnLabel, x);
    }

    @Override
    public void updateShort(int columnIndex, short x) throws SQLException {
        delegate().updateShort(columnIndex, x);
    }

    @Override
    public void updateString(String columnLabel, String x) throws SQLException {
        delegate().updateString(columnLabel, x);
    }

    @Override
    public void updateString(int columnIndex, String x) throws SQLException {
        delegate().updateString(columnIndex, x);
    }

    @Override
    public void updateTime(String columnLabel, java.sql.Time x) throws SQLException {
        delegate().updateTime(columnLabel, x);
    }

    @Override
    public void updateTime(int columnIndex, java.sql.Time x) throws SQLException {
        delegate().updateTime(columnIndex, x);
    }

    @Override
    public void updateTimestamp(String columnLabel, java.sql.Timestamp x) throws SQLException {
        delegate().updateTimestamp(columnLabel, x);
    }

    @Override
    public void updateTimestamp(int columnIndex, java.sql.Timestamp x) throws SQLException {
        delegate().updateTimestamp(columnIndex, x);
    }

    @Override
    public boolean wasNull() throws SQLException {
        return delegate().wasNull();
    }

}
