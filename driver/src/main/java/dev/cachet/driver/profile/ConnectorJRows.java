package dev.cachet.driver.profile;

import java.lang.reflect.Field;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.mariadb.jdbc.client.ColumnDecoder;
import org.mariadb.jdbc.client.Context;
import org.mariadb.jdbc.client.impl.StandardReadableByteBuf;
import org.mariadb.jdbc.client.result.Result;
import org.mariadb.jdbc.client.result.rowdecoder.TextRowDecoder;

/**
 * Reads what a live MariaDB Connector/J 3.5 result holds for its current row: the row as the server sent it (text
 * protocol), and each column's decoder and connection context. Those internals are not public API, so access is
 * checked once: {@link #available()} is false — and MariaDB results other than numeric ones are then not cached —
 * unless the connector on the class path is a 3.5 release whose fields are as expected and reachable.
 */
final class ConnectorJRows {

  private static final Field ROW_BUF;
  private static final Field METADATA;
  private static final Field CONTEXT;
  private static final Field ROW_DECODER;
  private static final boolean AVAILABLE;

  static {
    Field rowBuf = null;
    Field metadata = null;
    Field context = null;
    Field rowDecoder = null;
    boolean available = false;
    try {
      String version = org.mariadb.jdbc.util.VersionFactory.getInstance().getVersion();
      if (version != null && version.startsWith("3.5.")) {
        rowBuf = accessible("rowBuf");
        metadata = accessible("metadataList");
        context = accessible("context");
        rowDecoder = accessible("rowDecoder");
        available = true;
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      available = false;
    }
    ROW_BUF = rowBuf;
    METADATA = metadata;
    CONTEXT = context;
    ROW_DECODER = rowDecoder;
    AVAILABLE = available;
  }

  private ConnectorJRows() {}

  private static Field accessible(String name) throws NoSuchFieldException {
    Field field = Result.class.getDeclaredField(name);
    field.setAccessible(true);
    return field;
  }

  /** Whether a supported Connector/J is present and its result internals can be read. */
  static boolean available() {
    return AVAILABLE;
  }

  /** The Connector/J result behind {@code real}, or null when it is not one read with the text protocol. */
  static Result textResult(ResultSet real) throws SQLException {
    if (!AVAILABLE) {
      return null;
    }
    Result result = real instanceof Result ? (Result) real
        : real.isWrapperFor(Result.class) ? real.unwrap(Result.class) : null;
    if (result == null) {
      return null;
    }
    try {
      return ROW_DECODER.get(result) instanceof TextRowDecoder ? result : null;
    } catch (IllegalAccessException e) {
      return null;
    }
  }

  /** The decoder of a column (0-based) of {@code result}. */
  static ColumnDecoder decoder(Result result, int index) throws SQLException {
    try {
      return ((ColumnDecoder[]) METADATA.get(result))[index];
    } catch (IllegalAccessException e) {
      throw new SQLException("Connector/J result metadata is not readable", e);
    }
  }

  /** The connection context of {@code result}. */
  static Context context(Result result) throws SQLException {
    try {
      return (Context) CONTEXT.get(result);
    } catch (IllegalAccessException e) {
      throw new SQLException("Connector/J result context is not readable", e);
    }
  }

  /**
   * The current row's cell of a column (0-based) as the server sent it, as a one-column text row (a length-encoded
   * string); null for SQL NULL. An empty cell keeps the row's next byte after it, if any, because Connector/J's
   * {@code getByte} on an empty binary value reads that byte.
   */
  static byte[] cell(Result result, int index) throws SQLException {
    byte[] row;
    try {
      row = ((StandardReadableByteBuf) ROW_BUF.get(result)).buf;
    } catch (IllegalAccessException e) {
      throw new SQLException("Connector/J row is not readable", e);
    }
    int pos = 0;
    for (int i = 0; i < index; i++) {
      int first = row[pos] & 0xFF;
      if (first == 0xFB) {
        pos++;
      } else {
        long length = length(row, pos);
        pos += header(first) + (int) length;
      }
    }
    int first = row[pos] & 0xFF;
    if (first == 0xFB) {
      return null;
    }
    int size = header(first) + (int) length(row, pos);
    // The connector reads one byte of an empty binary cell anyway — the next cell's first byte: keep it along.
    int copied = size == 1 && pos + 1 < row.length ? 2 : size;
    byte[] cell = new byte[copied];
    System.arraycopy(row, pos, cell, 0, copied);
    return cell;
  }

  /** The number of bytes of a length-encoded integer starting with {@code first}. */
  private static int header(int first) {
    return first < 0xFB ? 1 : first == 0xFC ? 3 : first == 0xFD ? 4 : 9;
  }

  private static long length(byte[] row, int pos) {
    int first = row[pos] & 0xFF;
    if (first < 0xFB) {
      return first;
    }
    int bytes = first == 0xFC ? 2 : first == 0xFD ? 3 : 8;
    long length = 0;
    for (int i = 0; i < bytes; i++) {
      length |= (row[pos + 1 + i] & 0xFFL) << (8 * i);
    }
    return length;
  }

  /** The payload length of a captured cell (without its length header). */
  static int payloadLength(byte[] cell) {
    return (int) length(cell, 0);
  }

  /** The payload offset of a captured cell. */
  static int payloadOffset(byte[] cell) {
    return header(cell[0] & 0xFF);
  }
}
