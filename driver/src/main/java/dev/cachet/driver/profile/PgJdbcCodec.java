package dev.cachet.driver.profile;

import dev.cachet.cache.ColumnCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.NClob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.UUID;

/**
 * The getters of one pgjdbc column kind over captured cells. pgjdbc converts from the text the server sent (in text
 * transfer), so a cell is that text — plus, where {@code getObject} needs more (bytea, arrays, PGobjects), an
 * immutable copy of it. Every conversion follows pgjdbc 42.7: truncating integer conversions, money's currency
 * sign stripped for numbers, strict {@code getObject(column, Class)} gates by SQL type, its exceptions and SQLStates.
 */
final class PgJdbcCodec extends ColumnCodec {

  /** The column kinds whose getters differ. */
  enum Kind {
    BOOL(Types.BIT), INT2(Types.SMALLINT), INT4(Types.INTEGER), INT8(Types.BIGINT), FLOAT4(Types.REAL),
    FLOAT8(Types.DOUBLE), NUMERIC(Types.NUMERIC), MONEY(Types.DOUBLE), TEXT(Types.VARCHAR), BYTEA(Types.BINARY),
    DATE(Types.DATE), TIME(Types.TIME), TIMETZ(Types.TIME), TIMESTAMP(Types.TIMESTAMP),
    TIMESTAMPTZ(Types.TIMESTAMP), UUID(Types.OTHER), ARRAY(Types.ARRAY), OTHER(Types.OTHER);

    final int sqlType;

    Kind(int sqlType) {
      this.sqlType = sqlType;
    }
  }

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
  private final boolean character;

  PgJdbcCodec(Kind kind, String typeName, int sqlType) {
    // getInt, getLong and getBigDecimal of plain number text are Java's parsers of it (fixed() and trim() keep it)
    super(true);
    this.kind = kind;
    this.typeName = typeName;
    this.character = sqlType == Types.CHAR || sqlType == Types.VARCHAR || sqlType == Types.LONGVARCHAR;
  }

  // ------------------------------------------------------------------ capture

  @Override
  public Object capture(ResultSet real, int column, long byteBudget) throws SQLException {
    String text = real.getString(column);
    if (text == null) {
      return null;
    }
    switch (kind) {
      case BYTEA:
        return new PgCells.Bytes(text, real.getBytes(column));
      case ARRAY: {
        Array array = real.getArray(column);
        Object elements = array.getArray();
        if (!(elements instanceof Object[])) {
          throw new dev.cachet.cache.NotCacheableValueException("array of primitives");
        }
        return new PgCells.ArrayCell(text, array.getBaseTypeName(), array.getBaseType(),
            PgCells.copyElements((Object[]) elements));
      }
      case OTHER: {
        Object value = real.getObject(column);
        if (value == null || value instanceof String) {
          return text;
        }
        if (value.getClass().getName().startsWith("org.postgresql.util.PG")) {
          return new PgCells.PgObject(text, value);
        }
        return new PgCells.Value(text, captureObject(value, byteBudget));
      }
      default:
        // Every other getter of these kinds is a function of the text (and the session's default zone).
        return text;
    }
  }

  @Override
  public long sizeOf(Object captured) {
    if (captured == null || captured instanceof String) {
      return super.sizeOf(captured);
    }
    String text = text(captured);
    long base = 32 + super.sizeOf(text);
    if (captured instanceof PgCells.Bytes) {
      return base + 16 + ((PgCells.Bytes) captured).bytes().length;
    }
    if (captured instanceof PgCells.ArrayCell) {
      return base + 2 * base;
    }
    return 2 * base;
  }

  private static String text(Object cell) {
    if (cell instanceof String) {
      return (String) cell;
    }
    if (cell instanceof PgCells.Bytes) {
      return ((PgCells.Bytes) cell).text();
    }
    if (cell instanceof PgCells.ArrayCell) {
      return ((PgCells.ArrayCell) cell).text();
    }
    if (cell instanceof PgCells.PgObject) {
      return ((PgCells.PgObject) cell).text();
    }
    return ((PgCells.Value) cell).text();
  }

  /** pgjdbc's getFixedString: money's currency sign and parentheses removed before numeric parsing. */
  private static String fixed(String s) {
    if (s.length() < 2) {
      return s;
    }
    char first = s.charAt(0);
    if (first > '-') {
      return s;
    }
    if (first == '(') {
      String inner = s.substring(1, s.length() - 1);
      return "-" + (inner.startsWith("$") ? inner.substring(1) : inner);
    }
    if (first == '$') {
      return s.substring(1);
    }
    if (first == '-' && s.charAt(1) == '$') {
      return "-" + s.substring(2);
    }
    return s;
  }

  private static SQLException badValue(String type, String value) {
    return PgErrors.of("Bad value for type " + type + " : " + value, PgErrors.NUMERIC_VALUE_OUT_OF_RANGE);
  }

  // ------------------------------------------------------------------ getters

  @Override
  public String getString(Object captured) {
    return text(captured);
  }

  @Override
  public boolean getBoolean(Object captured) throws SQLException {
    String s = text(captured);
    if (kind == Kind.BOOL) {
      return s.length() == 1 && s.charAt(0) == 't';
    }
    String v = s.trim();
    if ("1".equals(v) || "true".equalsIgnoreCase(v) || "t".equalsIgnoreCase(v) || "yes".equalsIgnoreCase(v)
        || "y".equalsIgnoreCase(v) || "on".equalsIgnoreCase(v)) {
      return true;
    }
    if ("0".equals(v) || "false".equalsIgnoreCase(v) || "f".equalsIgnoreCase(v) || "no".equalsIgnoreCase(v)
        || "n".equalsIgnoreCase(v) || "off".equalsIgnoreCase(v)) {
      return false;
    }
    throw PgErrors.of("Cannot cast to boolean: \"" + s + "\"", PgErrors.CANNOT_COERCE);
  }

  @Override
  public byte getByte(Object captured) throws SQLException {
    String s = text(captured).trim();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Byte.parseByte(s);
    } catch (NumberFormatException e) {
      return (byte) integral(s, "byte", BYTE_MIN, BYTE_MAX);
    }
  }

  @Override
  public short getShort(Object captured) throws SQLException {
    String s = fixed(text(captured)).trim();
    try {
      return Short.parseShort(s);
    } catch (NumberFormatException e) {
      return (short) integral(s, "short", SHORT_MIN, SHORT_MAX);
    }
  }

  @Override
  public int getInt(Object captured) throws SQLException {
    String s = fixed(text(captured)).trim();
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return (int) integral(s, "int", INT_MIN, INT_MAX);
    }
  }

  @Override
  public long getLong(Object captured) throws SQLException {
    String s = fixed(text(captured)).trim();
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return integral(s, "long", LONG_MIN, LONG_MAX);
    }
  }

  /** pgjdbc's fallback for non-integer text: a decimal truncated toward zero, range-checked. */
  private static long integral(String s, String type, BigInteger min, BigInteger max) throws SQLException {
    try {
      BigInteger i = new BigDecimal(s).toBigInteger();
      if (i.compareTo(max) > 0 || i.compareTo(min) < 0) {
        throw badValue(type, s);
      }
      return i.longValue();
    } catch (NumberFormatException e) {
      throw badValue(type, s);
    }
  }

  @Override
  public float getFloat(Object captured) throws SQLException {
    String s = fixed(text(captured)).trim();
    try {
      return Float.parseFloat(s);
    } catch (NumberFormatException e) {
      throw badValue("float", s);
    }
  }

  @Override
  public double getDouble(Object captured) throws SQLException {
    String s = fixed(text(captured)).trim();
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw badValue("double", s);
    }
  }

  @Override
  public BigDecimal getBigDecimal(Object captured) throws SQLException {
    String s = fixed(text(captured)).trim();
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      throw badValue("BigDecimal", s);
    }
  }

  @Override
  public BigDecimal getBigDecimal(Object captured, int scale) throws SQLException {
    BigDecimal value = getBigDecimal(captured);
    try {
      return value.setScale(scale);
    } catch (ArithmeticException e) {
      throw badValue("BigDecimal", value.toString());
    }
  }

  @Override
  public byte[] getBytes(Object captured) {
    if (captured instanceof PgCells.Bytes) {
      return ((PgCells.Bytes) captured).bytes().clone();
    }
    return text(captured).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public java.sql.Date getDate(Object captured, Calendar calendar) throws SQLException {
    return PgTemporal.toDate(calendar, text(captured));
  }

  @Override
  public Time getTime(Object captured, Calendar calendar) throws SQLException {
    return PgTemporal.toTime(calendar, text(captured));
  }

  /** The ISO text of a {@code timestamp} without the string's copy; a time's kinds and every other text: the getter. */
  @Override
  protected Timestamp timestampOfText(CharSequence text, Calendar calendar) {
    return kind == Kind.TIME || kind == Kind.TIMETZ ? null : PgTemporal.canonicalTimestamp(text, calendar);
  }

  @Override
  public Timestamp getTimestamp(Object captured, Calendar calendar) throws SQLException {
    String s = text(captured);
    if (kind == Kind.TIME || kind == Kind.TIMETZ) {
      // pgjdbc pins a time to 1970-01-01 and keeps its microseconds.
      Timestamp micros = PgTemporal.toTimestamp(calendar, s);
      Timestamp result = new Timestamp(PgTemporal.toTime(calendar, s).getTime());
      result.setNanos(micros.getNanos());
      return result;
    }
    return PgTemporal.toTimestamp(calendar, s);
  }

  @Override
  public Object getObject(Object captured) throws SQLException {
    switch (kind) {
      case BOOL:
        return getBoolean(captured);
      case INT2:
      case INT4:
        return getInt(captured);
      case INT8:
        return getLong(captured);
      case FLOAT4:
        return getFloat(captured);
      case FLOAT8:
      case MONEY:
        return getDouble(captured);
      case NUMERIC:
        return "NaN".equalsIgnoreCase(text(captured)) ? (Object) Double.NaN : getBigDecimal(captured);
      case TEXT:
        return text(captured);
      case BYTEA:
        return getBytes(captured);
      case DATE:
        return getDate(captured, null);
      case TIME:
      case TIMETZ:
        return getTime(captured, null);
      case TIMESTAMP:
      case TIMESTAMPTZ:
        return getTimestamp(captured, null);
      case UUID:
        return java.util.UUID.fromString(text(captured));
      case ARRAY:
        return getArray(captured);
      default:
        if (captured instanceof PgCells.PgObject) {
          return ((PgCells.PgObject) captured).copy();
        }
        if (captured instanceof PgCells.Value) {
          return super.getObject(((PgCells.Value) captured).object());
        }
        return text(captured);
    }
  }

  @Override
  public <T> T getObject(Object captured, Class<T> type) throws SQLException {
    if (type == null) {
      throw PgErrors.of("Invalid Object type: null", PgErrors.INVALID_PARAMETER_VALUE);
    }
    int sqlType = kind.sqlType;
    Object result;
    if (type == String.class) {
      result = requireType(character || kind == Kind.TEXT, type) ? getString(captured) : null;
    } else if (type == BigDecimal.class) {
      result = requireType(sqlType == Types.NUMERIC, type) ? getBigDecimal(captured) : null;
    } else if (type == Boolean.class) {
      result = requireType(kind == Kind.BOOL, type) ? getBoolean(captured) : null;
    } else if (type == Short.class) {
      result = requireType(sqlType == Types.SMALLINT, type) ? getShort(captured) : null;
    } else if (type == Integer.class) {
      result = requireType(sqlType == Types.SMALLINT || sqlType == Types.INTEGER, type) ? getInt(captured) : null;
    } else if (type == Long.class) {
      result = requireType(sqlType == Types.BIGINT, type) ? getLong(captured) : null;
    } else if (type == BigInteger.class) {
      result = requireType(sqlType == Types.BIGINT, type) ? BigInteger.valueOf(getLong(captured)) : null;
    } else if (type == Float.class) {
      result = requireType(sqlType == Types.REAL, type) ? getFloat(captured) : null;
    } else if (type == Double.class) {
      result = requireType(sqlType == Types.DOUBLE, type) ? getDouble(captured) : null;
    } else if (type == java.sql.Date.class) {
      result = requireType(sqlType == Types.DATE, type) ? getDate(captured, null) : null;
    } else if (type == Time.class) {
      result = requireType(sqlType == Types.TIME, type) ? getTime(captured, null) : null;
    } else if (type == Timestamp.class) {
      result = requireType(sqlType == Types.TIMESTAMP, type) ? getTimestamp(captured, null) : null;
    } else if (type == byte[].class) {
      result = requireType(kind == Kind.BYTEA, type) ? getBytes(captured) : null;
    } else if (type == Array.class) {
      result = requireType(kind == Kind.ARRAY, type) ? getArray(captured) : null;
    } else if (type == UUID.class) {
      result = getObject(captured);
    } else if (type == LocalDate.class) {
      result = requireKind(kind == Kind.DATE || kind == Kind.TIMESTAMP, type)
          ? PgTemporal.toLocalDateTime(text(captured)).toLocalDate() : null;
    } else if (type == LocalTime.class) {
      result = requireKind(kind == Kind.TIME, type) ? PgTemporal.toLocalTime(text(captured)) : null;
    } else if (type == LocalDateTime.class) {
      result = requireKind(kind == Kind.TIMESTAMP, type) ? PgTemporal.toLocalDateTime(text(captured)) : null;
    } else if (type == OffsetDateTime.class) {
      result = requireKind(kind == Kind.TIMESTAMPTZ || kind == Kind.TIMESTAMP || kind == Kind.TIMETZ, type)
          ? offsetDateTime(text(captured)) : null;
    } else if (type == OffsetTime.class) {
      result = requireKind(kind == Kind.TIMETZ, type) ? PgTemporal.toOffsetTime(text(captured)) : null;
    } else if (type.getName().startsWith("org.postgresql.") && type.isInstance(getObject(captured))) {
      result = getObject(captured);
    } else {
      throw notSupported(type);
    }
    return type.cast(result);
  }

  private OffsetDateTime offsetDateTime(String text) throws SQLException {
    if (kind == Kind.TIMESTAMP) {
      return PgTemporal.toLocalDateTime(text).atOffset(ZoneOffset.UTC);
    }
    if (kind == Kind.TIMETZ) {
      return PgTemporal.toOffsetTime(text).atDate(LocalDate.of(1970, 1, 1));
    }
    return PgTemporal.toOffsetDateTime(text);
  }

  private boolean requireType(boolean supported, Class<?> type) throws SQLException {
    if (!supported) {
      throw notSupported(type);
    }
    return true;
  }

  private boolean requireKind(boolean supported, Class<?> type) throws SQLException {
    if (!supported) {
      throw PgErrors.of("Cannot convert the column of type " + typeName + " to requested type " + type.getName()
          + ".", PgErrors.DATA_TYPE_MISMATCH);
    }
    return true;
  }

  private SQLException notSupported(Class<?> type) {
    return PgErrors.of("conversion to " + type + " from " + typeName + " not supported",
        PgErrors.INVALID_PARAMETER_VALUE);
  }

  @Override
  public Array getArray(Object captured) {
    if (captured instanceof PgCells.ArrayCell) {
      return ((PgCells.ArrayCell) captured).toArray();
    }
    return new PgCells.NotAnArray(text(captured));
  }

  @Override
  public Blob getBlob(Object captured) throws SQLException {
    getLong(captured);
    throw new SQLFeatureNotSupportedException("large objects are not served from the cache", "0A000");
  }

  @Override
  public NClob getClob(Object captured) throws SQLException {
    getLong(captured);
    throw new SQLFeatureNotSupportedException("large objects are not served from the cache", "0A000");
  }

  // pgjdbc implements none of the national-character getters, whatever the cell holds (SQL NULL too)
  @Override
  public String getNString(Object captured) throws SQLException {
    throw new SQLFeatureNotSupportedException("Method getNString(int) is not yet implemented.", "0A000");
  }

  @Override
  public java.io.Reader getNCharacterStream(Object captured) throws SQLException {
    throw new SQLFeatureNotSupportedException("Method getNCharacterStream(int) is not yet implemented.", "0A000");
  }

  @Override
  public NClob getNClob(Object captured) throws SQLException {
    throw new SQLFeatureNotSupportedException("Method getNClob(int) is not yet implemented.", "0A000");
  }

  @Override
  public URL getURL(Object captured) throws SQLException {
    throw new SQLFeatureNotSupportedException("Method getURL(int) is not yet implemented.", "0A000");
  }
}
