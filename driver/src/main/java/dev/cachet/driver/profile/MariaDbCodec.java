package dev.cachet.driver.profile;

import dev.cachet.cache.ColumnCodec;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * MariaDB Connector/J 3.5's getters for numeric columns over captured cells (the text the server sent, and the
 * connector's {@code getObject} value): integer getters truncate decimals toward zero and fail on overflow, booleans
 * are "non-zero", {@code getBigDecimal} reads the text (so a {@code DOUBLE} 0 is {@code 0}, not {@code 0.0}); other
 * targets fail with the connector's exception classes ({@link SQLDataException} for a value that cannot be decoded,
 * a plain {@link SQLException} for a class {@code getObject} does not support), both without SQLState.
 */
final class MariaDbCodec extends ColumnCodec {

  /** The numeric column families whose rules differ. */
  enum Kind { INTEGER, DECIMAL, APPROXIMATE }

  /** A cell: the text and the connector's {@code getObject} value (an immutable number or Boolean). */
  record Cell(String text, Object object) {}

  private static final BigInteger BYTE_MIN = BigInteger.valueOf(Byte.MIN_VALUE);
  private static final BigInteger BYTE_MAX = BigInteger.valueOf(Byte.MAX_VALUE);
  private static final BigInteger SHORT_MIN = BigInteger.valueOf(Short.MIN_VALUE);
  private static final BigInteger SHORT_MAX = BigInteger.valueOf(Short.MAX_VALUE);
  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final Kind kind;
  private final String typeName;

  MariaDbCodec(Kind kind, String typeName) {
    this.kind = kind;
    this.typeName = typeName;
  }

  @Override
  public Object capture(ResultSet real, int column, long byteBudget) throws SQLException {
    String text = real.getString(column);
    if (text == null) {
      return null;
    }
    char first = text.isEmpty() ? ' ' : text.charAt(0);
    if (!(first >= '0' && first <= '9' || first == '-' || first == '.')) {
      // not a number's text: a BIT(1) reported as BOOLEAN (transformedBitIsBoolean) reads as "true"
      throw new dev.cachet.cache.NotCacheableValueException("a " + typeName + " cell whose text is not a number");
    }
    Object object = real.getObject(column);
    if (!isImmutable(object)) {
      throw new dev.cachet.cache.NotCacheableValueException("unexpected value class " + object.getClass());
    }
    return new Cell(text, object);
  }

  @Override
  public long sizeOf(Object captured) {
    return captured == null ? 0 : 48 + super.sizeOf(((Cell) captured).text()) + 24;
  }

  private static String text(Object captured) {
    return ((Cell) captured).text();
  }

  private SQLException cannotDecode(String target) {
    return new SQLDataException("Data type " + typeName + " cannot be decoded as " + target);
  }

  private static SQLException outOfRange(String value, String target) {
    return new SQLDataException("value '" + value + "' cannot be decoded as " + target);
  }

  private BigInteger truncated(Object captured) {
    return new BigDecimal(text(captured)).toBigInteger();
  }

  private long integral(Object captured, String target, BigInteger min, BigInteger max) throws SQLException {
    String text = text(captured);
    if (plainLong(text)) {
      // what truncating the decimal would give, without a BigDecimal and a BigInteger per read
      long value = Long.parseLong(text);
      if (value < min.longValue() || value > max.longValue()) {
        throw outOfRange(text, target);
      }
      return value;
    }
    BigInteger value = truncated(captured);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw outOfRange(text, target);
    }
    return value.longValue();
  }

  /** An optional minus sign and 1 to 18 ASCII digits: text that {@code Long.parseLong} reads exactly. */
  private static boolean plainLong(String s) {
    int i = !s.isEmpty() && s.charAt(0) == '-' ? 1 : 0;
    int digits = s.length() - i;
    if (digits < 1 || digits > 18) {
      return false;
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  @Override
  public String getString(Object captured) {
    return text(captured);
  }

  @Override
  public boolean getBoolean(Object captured) {
    if (kind == Kind.APPROXIMATE) {
      return Double.parseDouble(text(captured)) != 0;
    }
    if (kind == Kind.DECIMAL) {
      // The connector narrows a decimal to int first: 2^63 is "false".
      return new BigDecimal(text(captured)).intValue() != 0;
    }
    return truncated(captured).signum() != 0;
  }

  @Override
  public byte getByte(Object captured) throws SQLException {
    return (byte) integral(captured, "Byte", BYTE_MIN, BYTE_MAX);
  }

  @Override
  public short getShort(Object captured) throws SQLException {
    return (short) integral(captured, "Short", SHORT_MIN, SHORT_MAX);
  }

  @Override
  public int getInt(Object captured) throws SQLException {
    return (int) integral(captured, "Integer", INT_MIN, INT_MAX);
  }

  @Override
  public long getLong(Object captured) throws SQLException {
    return integral(captured, "Long", LONG_MIN, LONG_MAX);
  }

  @Override
  public float getFloat(Object captured) {
    return Float.parseFloat(text(captured));
  }

  @Override
  public double getDouble(Object captured) {
    return Double.parseDouble(text(captured));
  }

  @Override
  public BigDecimal getBigDecimal(Object captured) {
    return new BigDecimal(text(captured));
  }

  @Override
  public BigDecimal getBigDecimal(Object captured, int scale) {
    return getBigDecimal(captured).setScale(scale, java.math.RoundingMode.HALF_DOWN);
  }

  @Override
  public byte[] getBytes(Object captured) throws SQLException {
    throw cannotDecode("byte[]");
  }

  @Override
  public java.sql.Date getDate(Object captured, Calendar calendar) throws SQLException {
    throw cannotDecode("Date");
  }

  @Override
  public Time getTime(Object captured, Calendar calendar) throws SQLException {
    throw cannotDecode("Time");
  }

  @Override
  public Timestamp getTimestamp(Object captured, Calendar calendar) throws SQLException {
    throw cannotDecode("Timestamp");
  }

  @Override
  public Object getObject(Object captured) {
    return ((Cell) captured).object();
  }

  @Override
  public <T> T getObject(Object captured, Class<T> type) throws SQLException {
    if (type == null) {
      throw new SQLException("Class type cannot be null");
    }
    Object result;
    if (type == String.class) {
      result = text(captured);
    } else if (type == Boolean.class) {
      result = getBoolean(captured);
    } else if (type == Byte.class) {
      result = getByte(captured);
    } else if (type == Short.class) {
      result = getShort(captured);
    } else if (type == Integer.class) {
      result = getInt(captured);
    } else if (type == Long.class) {
      result = getLong(captured);
    } else if (type == Float.class) {
      result = getFloat(captured);
    } else if (type == Double.class) {
      result = getDouble(captured);
    } else if (type == BigDecimal.class) {
      result = getBigDecimal(captured);
    } else if (type == BigInteger.class) {
      result = truncated(captured);
    } else if (type == Object.class) {
      result = getObject(captured);
    } else {
      throw new SQLException("Type class '" + type.getName() + "' is not supported for " + typeName);
    }
    return type.cast(result);
  }

  @Override
  public Array getArray(Object captured) throws SQLException {
    throw cannotDecode("Array");
  }

  @Override
  public java.sql.Blob getBlob(Object captured) throws SQLException {
    throw cannotDecode("Blob");
  }

  @Override
  public java.sql.NClob getClob(Object captured) throws SQLException {
    throw cannotDecode("Clob");
  }

  @Override
  public java.sql.SQLXML getSQLXML(Object captured) throws SQLException {
    throw new java.sql.SQLFeatureNotSupportedException("SQLXML not supported", "0A000");
  }

  @Override
  public java.net.URL getURL(Object captured) throws SQLException {
    // the connector reads the text as a URL first; no number is a valid URL
    throw new java.sql.SQLSyntaxErrorException("Could not parse '" + text(captured) + "' as URL", "42000");
  }

  @Override
  public Reader getCharacterStream(Object captured) throws SQLException {
    throw cannotDecode("Reader");
  }

  @Override
  public InputStream getBinaryStream(Object captured) throws SQLException {
    throw cannotDecode("InputStream");
  }

  @Override
  public InputStream getAsciiStream(Object captured) throws SQLException {
    throw cannotDecode("InputStream");
  }
}
