package dev.cachet.driver.profile;

import dev.cachet.cache.ColumnCodec;
import dev.cachet.cache.NotCacheableValueException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.NClob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;
import java.util.Set;
import org.mariadb.jdbc.client.ColumnDecoder;
import org.mariadb.jdbc.client.result.CompleteResult;
import org.mariadb.jdbc.client.result.Result;

/**
 * Keeps each cell of a MariaDB column as the server sent it (the text protocol's bytes) and answers every getter by
 * handing those bytes to MariaDB Connector/J's own decoders, on a one-cell result built like the connector's in-memory
 * results. Values, renderings, exception classes and SQLStates are therefore the connector's by construction — for
 * strings, binaries, dates and times, JSON, ENUM, SET and BIT alike — and depend on the JVM's time zone at the time of
 * the call, as they do live.
 *
 * <p>The connector's decoders need the column's definition and a connection context: a cell refers to the live
 * column decoder (immutable while decoding) and to a {@link DetachedContext}, never to the connection. Getters that
 * may hand out a view of the bytes (objects, byte arrays, LOBs, streams) decode from a fresh copy, so nothing returned
 * can change the cached cell; the others (numbers, strings, dates and times) read the cached bytes in place. A short
 * value's {@code getString} is kept at capture time for types whose text does not depend on a time zone.
 *
 * <p>A cell whose text is a zero date ({@code 0000-00-00…}) is not cached: the connector reads it as SQL NULL on some
 * getters ({@code wasNull()} true on a non-null cell), which a cached result set cannot reproduce.
 */
final class MariaDbReplayCodec extends ColumnCodec {

  /** The column's decoder and the detached context shared by every cell of the column in one result. */
  private record Source(ColumnDecoder decoder, ColumnDecoder[] decoders, DetachedContext context) {}

  /**
   * A captured cell: a one-column text row (length header and payload) and, for a short value of a type whose text
   * does not depend on time zones, the connector's {@code getString} of it, so the most common getter is a field read.
   */
  private record Cell(byte[] row, Source source, String text) {}

  /** Texts of values up to this many bytes are kept next to the bytes. */
  private static final int TEXT_KEPT_UP_TO = 512;

  private static final Set<String> TEMPORAL = Set.of("DATE", "DATETIME", "TIMESTAMP", "TIME", "YEAR");

  private static final byte[] ZERO_DATE = "0000-00-00".getBytes(StandardCharsets.US_ASCII);

  private final String typeName;
  private final boolean year;
  private final boolean keepsText;
  private final boolean objectIsText;
  /**
   * The source of the result last captured. The codec is shared by every fill of its statement, so concurrent
   * fills may replace each other's: each cell checks that the source is its own result's (same decoder) and makes
   * its own otherwise, so a race costs an allocation, never a wrong source.
   */
  private volatile Source current;

  /**
   * @param typeName      the column's base type name as the connector reports it
   * @param objectIsText  whether the connector's {@code getObject} is its {@code getString} (its column class is
   *                      {@code String})
   */
  MariaDbReplayCodec(String typeName, boolean objectIsText) {
    this.typeName = typeName;
    this.year = typeName.equals("YEAR");
    this.keepsText = !TEMPORAL.contains(typeName);
    this.objectIsText = objectIsText && keepsText;
  }

  @Override
  public Object capture(ResultSet real, int column, long byteBudget) throws SQLException {
    Result result = ConnectorJRows.textResult(real);
    if (result == null) {
      throw new NotCacheableValueException("not a MariaDB Connector/J 3.5 text-protocol result");
    }
    byte[] row = ConnectorJRows.cell(result, column - 1);
    if (row == null) {
      return null;
    }
    if (row.length > byteBudget) {
      throw new NotCacheableValueException(typeName + " value larger than the per-entry byte cap");
    }
    if (isZeroDate(row)) {
      throw new NotCacheableValueException("zero dates read as NULL on some getters");
    }
    String text = keepsText && row.length <= TEXT_KEPT_UP_TO ? real.getString(column) : null;
    return new Cell(row, source(result, column - 1), text);
  }

  private Source source(Result result, int index) throws SQLException {
    ColumnDecoder decoder = ConnectorJRows.decoder(result, index);
    Source source = current;
    if (source == null || source.decoder != decoder) {
      try {
        source = new Source(decoder, new ColumnDecoder[] {decoder},
            DetachedContext.of(ConnectorJRows.context(result)));
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        throw new NotCacheableValueException("the Connector/J connection context cannot be snapshot");
      }
      current = source;
    }
    return source;
  }

  private boolean isZeroDate(byte[] row) {
    int offset = ConnectorJRows.payloadOffset(row);
    int length = ConnectorJRows.payloadLength(row);
    if (year) {
      return length > 0 && allZeros(row, offset, length);
    }
    if (length < ZERO_DATE.length) {
      return false;
    }
    for (int i = 0; i < ZERO_DATE.length; i++) {
      if (row[offset + i] != ZERO_DATE[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean allZeros(byte[] row, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (row[i] != '0') {
        return false;
      }
    }
    return true;
  }

  @Override
  public long sizeOf(Object captured) {
    // the cell, its byte array; the source is shared by the column
    if (captured == null) {
      return 0;
    }
    Cell cell = (Cell) captured;
    return 24 + 16 + cell.row.length + (cell.text == null ? 0 : 40 + cell.text.length());
  }

  /** A one-row, one-column Connector/J result over a copy of the cell, positioned on its row. */
  private static Result replay(Object captured) throws SQLException {
    return replay(((Cell) captured).row.clone(), ((Cell) captured).source);
  }

  /**
   * As {@link #replay(Object)} over the cached bytes themselves, for getters that only read them and return values
   * of their own (numbers, strings, dates): no copy needed.
   */
  private static Result read(Object captured) throws SQLException {
    return replay(((Cell) captured).row, ((Cell) captured).source);
  }

  private static Result replay(byte[] row, Source source) throws SQLException {
    Result result = new CompleteResult(source.decoders, new byte[][] {row}, source.context,
        ResultSet.TYPE_FORWARD_ONLY);
    result.next();
    return result;
  }

  @Override
  public String getString(Object captured) throws SQLException {
    String text = ((Cell) captured).text;
    return text != null ? text : read(captured).getString(1);
  }

  @Override
  public boolean getBoolean(Object captured) throws SQLException {
    return read(captured).getBoolean(1);
  }

  @Override
  public byte getByte(Object captured) throws SQLException {
    return read(captured).getByte(1);
  }

  @Override
  public short getShort(Object captured) throws SQLException {
    return read(captured).getShort(1);
  }

  @Override
  public int getInt(Object captured) throws SQLException {
    return read(captured).getInt(1);
  }

  @Override
  public long getLong(Object captured) throws SQLException {
    return read(captured).getLong(1);
  }

  @Override
  public float getFloat(Object captured) throws SQLException {
    return read(captured).getFloat(1);
  }

  @Override
  public double getDouble(Object captured) throws SQLException {
    return read(captured).getDouble(1);
  }

  @Override
  public BigDecimal getBigDecimal(Object captured) throws SQLException {
    return read(captured).getBigDecimal(1);
  }

  @Override
  @SuppressWarnings("deprecation")
  public BigDecimal getBigDecimal(Object captured, int scale) throws SQLException {
    return read(captured).getBigDecimal(1, scale);
  }

  @Override
  public byte[] getBytes(Object captured) throws SQLException {
    return replay(captured).getBytes(1);
  }

  @Override
  public java.sql.Date getDate(Object captured, Calendar calendar) throws SQLException {
    return read(captured).getDate(1, calendar);
  }

  @Override
  public Time getTime(Object captured, Calendar calendar) throws SQLException {
    return read(captured).getTime(1, calendar);
  }

  @Override
  public Timestamp getTimestamp(Object captured, Calendar calendar) throws SQLException {
    return read(captured).getTimestamp(1, calendar);
  }

  @Override
  public Object getObject(Object captured) throws SQLException {
    if (objectIsText) {
      return getString(captured);
    }
    return replay(captured).getObject(1);
  }

  @Override
  public Object getObject(Object captured, Map<String, Class<?>> map) throws SQLException {
    return replay(captured).getObject(1, map);
  }

  @Override
  public <T> T getObject(Object captured, Class<T> type) throws SQLException {
    if (!(captured instanceof Cell)) {
      // an SQL NULL cell asked for a null class: the connector checks the class first
      if (type == null) {
        throw new SQLException("Class type cannot be null");
      }
      return null;
    }
    return replay(captured).getObject(1, type);
  }

  @Override
  public Array getArray(Object captured) throws SQLException {
    return replay(captured).getArray(1);
  }

  @Override
  public Blob getBlob(Object captured) throws SQLException {
    return replay(captured).getBlob(1);
  }

  @Override
  public NClob getClob(Object captured) throws SQLException {
    Clob clob = replay(captured).getClob(1);
    if (clob == null || clob instanceof NClob) {
      return (NClob) clob;
    }
    throw new NotCacheableValueException("a Clob that is not an NClob");
  }

  @Override
  public SQLXML getSQLXML(Object captured) throws SQLException {
    return replay(captured).getSQLXML(1);
  }

  @Override
  public Reader getCharacterStream(Object captured) throws SQLException {
    return replay(captured).getCharacterStream(1);
  }

  @Override
  public InputStream getBinaryStream(Object captured) throws SQLException {
    return replay(captured).getBinaryStream(1);
  }

  @Override
  public InputStream getAsciiStream(Object captured) throws SQLException {
    return replay(captured).getAsciiStream(1);
  }

  @Override
  public URL getURL(Object captured) throws SQLException {
    return replay(captured).getURL(1);
  }
}
