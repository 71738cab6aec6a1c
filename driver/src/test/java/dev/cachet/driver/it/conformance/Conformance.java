package dev.cachet.driver.it.conformance;

import dev.cachet.cache.CacheSettings;
import dev.cachet.cache.FillTicket;
import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultCache;
import dev.cachet.cache.ResultTee;
import dev.cachet.cache.SessionKey;
import dev.cachet.cache.ValueProfile;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;

/**
 * Compares a result served from the cache with the real driver's for the same query: every getter of every column
 * of every row gives the same value, or throws the same exception class with the same SQLState; and every
 * {@link ResultSetMetaData} method answers the same.
 */
final class Conformance {

  /** A getter applied to one column of the current row. */
  interface Getter {
    Object get(ResultSet rs, int column) throws Exception;
  }

  /** A calendar in a zone far from any test machine's default, with a half-hour offset. */
  static final Calendar CALENDAR = Calendar.getInstance(TimeZone.getTimeZone("Asia/Kathmandu"));

  static final Map<String, Getter> GETTERS = new LinkedHashMap<>();

  static {
    GETTERS.put("getString", ResultSet::getString);
    GETTERS.put("getString(label)", (rs, c) -> rs.getString(rs.getMetaData().getColumnLabel(c)));
    GETTERS.put("getNString", ResultSet::getNString);
    GETTERS.put("getBoolean", ResultSet::getBoolean);
    GETTERS.put("getByte", ResultSet::getByte);
    GETTERS.put("getShort", ResultSet::getShort);
    GETTERS.put("getInt", ResultSet::getInt);
    GETTERS.put("getLong", ResultSet::getLong);
    GETTERS.put("getFloat", ResultSet::getFloat);
    GETTERS.put("getDouble", ResultSet::getDouble);
    GETTERS.put("getBigDecimal", ResultSet::getBigDecimal);
    GETTERS.put("getBytes", ResultSet::getBytes);
    GETTERS.put("getDate", ResultSet::getDate);
    GETTERS.put("getDate(cal)", (rs, c) -> rs.getDate(c, (Calendar) CALENDAR.clone()));
    GETTERS.put("getTime", ResultSet::getTime);
    GETTERS.put("getTime(cal)", (rs, c) -> rs.getTime(c, (Calendar) CALENDAR.clone()));
    GETTERS.put("getTimestamp", ResultSet::getTimestamp);
    GETTERS.put("getTimestamp(cal)", (rs, c) -> rs.getTimestamp(c, (Calendar) CALENDAR.clone()));
    GETTERS.put("getObject", ResultSet::getObject);
    for (Class<?> type : List.of(String.class, Boolean.class, Byte.class, Short.class, Integer.class, Long.class,
        Float.class, Double.class, BigDecimal.class, BigInteger.class, byte[].class, java.sql.Date.class, Time.class,
        Timestamp.class, LocalDate.class, LocalTime.class, LocalDateTime.class, OffsetDateTime.class,
        OffsetTime.class, ZonedDateTime.class, Instant.class, UUID.class, Array.class)) {
      GETTERS.put("getObject(" + type.getSimpleName() + ")", (rs, c) -> rs.getObject(c, type));
    }
    GETTERS.put("getArray", ResultSet::getArray);
    GETTERS.put("getCharacterStream", ResultSet::getCharacterStream);
    GETTERS.put("getBinaryStream", ResultSet::getBinaryStream);
  }

  private Conformance() {}

  /**
   * Whether a difference is one the cache module's profile SPI cannot express today (so no profile can remove it):
   * {@code CachedResultSet.getNString} answers {@code getString} without asking the codec, and a getter on an SQL NULL
   * cell returns null without asking the codec, while some drivers fail there (pgjdbc's getNString is unsupported;
   * its {@code getObject(column, Class)} checks the class against the column type before looking at the value).
   */
  static boolean isProfileSpiGap(String difference) {
    return difference.contains(" getNString: ")
        || difference.matches(".* getObject\\([A-Za-z\\[\\]]+\\): live throws .* \\| cached null \\(wasNull\\)$");
  }

  /** Runs {@code sql} once, teed through the cache with {@code profile}; the cached result, or null if none. */
  static MaterializedResult cachedOrNull(Connection connection, String sql, ValueProfile profile) throws SQLException {
    ResultCache cache = new ResultCache(CacheSettings.builder().defaultTtl(Duration.ofMinutes(5)).build());
    QueryKey key = QueryKey.of(SessionKey.of("u", null, null, null, null, "test"), sql, null, null, 0,
        ResultSet.TYPE_FORWARD_ONLY);
    FillTicket ticket = cache.beginFill(key, Set.of("t"), null);
    int rows = 0;
    try (Statement statement = connection.createStatement();
        ResultSet teed = ResultTee.wrap(statement.executeQuery(sql), statement, ticket, cache, profile)) {
      while (teed.next()) {
        rows++;
      }
    }
    if (rows == 0) {
      throw new AssertionError("no rows from " + sql);
    }
    return cache.get(key);
  }

  /** Runs {@code sql} once, teed through the cache with {@code profile}, and returns the cached result. */
  static MaterializedResult materialize(Connection connection, String sql, ValueProfile profile) throws SQLException {
    ResultCache cache = new ResultCache(CacheSettings.builder().defaultTtl(Duration.ofMinutes(5)).build());
    QueryKey key = QueryKey.of(SessionKey.of("u", null, null, null, null, "test"), sql, null, null, 0,
        ResultSet.TYPE_FORWARD_ONLY);
    FillTicket ticket = cache.beginFill(key, Set.of("t"), null);
    try (Statement statement = connection.createStatement();
        ResultSet teed = ResultTee.wrap(statement.executeQuery(sql), statement, ticket, cache, profile)) {
      while (teed.next()) {
        // the application reads through the tee; reaching the end stores the copy
      }
    }
    MaterializedResult result = cache.get(key);
    if (result == null) {
      try (Statement statement = connection.createStatement(); ResultSet real = statement.executeQuery(sql)) {
        MaterializedResult.materialize(real, profile, Integer.MAX_VALUE, Long.MAX_VALUE);
      } catch (SQLException | RuntimeException e) {
        throw new AssertionError("the result of " + sql + " could not be materialized", e);
      }
      throw new AssertionError("the result of " + sql + " was not cached: " + cache.statistics());
    }
    return result;
  }

  /**
   * Compares the cached result of {@code sql} with a fresh live one; returns one line per difference, and adds the
   * live outcomes to {@code liveOutcomes} (for reading what the real driver does).
   */
  static List<String> compare(Connection connection, String sql, ValueProfile profile, List<String> liveOutcomes)
      throws SQLException {
    recordLive(connection, sql, liveOutcomes);
    MaterializedResult materialized = materialize(connection, sql, profile);
    List<String> differences = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet live = statement.executeQuery(sql);
        ResultSet cached = materialized.toResultSet(statement)) {
      compareMetadata(live.getMetaData(), cached.getMetaData(), differences);
      int columns = live.getMetaData().getColumnCount();
      int row = 0;
      while (true) {
        boolean liveNext = live.next();
        boolean cachedNext = cached.next();
        if (liveNext != cachedNext) {
          differences.add("row " + (row + 1) + ": live next()=" + liveNext + ", cached next()=" + cachedNext);
          break;
        }
        if (!liveNext) {
          break;
        }
        row++;
        for (int c = 1; c <= columns; c++) {
          String column = live.getMetaData().getColumnLabel(c) + " (" + live.getMetaData().getColumnTypeName(c) + ")";
          for (Map.Entry<String, Getter> getter : GETTERS.entrySet()) {
            String expected = outcome(live, c, getter.getValue());
            String actual = outcome(cached, c, getter.getValue());
            if (!expected.equals(actual)) {
              differences.add("row " + row + " " + column + " " + getter.getKey() + ": live " + expected
                  + " | cached " + actual);
            }
          }
        }
      }
    }
    return differences;
  }

  /** Records what the real driver answers for every getter of every cell of {@code sql}'s result. */
  static void recordLive(Connection connection, String sql, List<String> outcomes) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet live = statement.executeQuery(sql)) {
      int columns = live.getMetaData().getColumnCount();
      for (int row = 1; live.next(); row++) {
        for (int c = 1; c <= columns; c++) {
          String column = live.getMetaData().getColumnLabel(c) + " (" + live.getMetaData().getColumnTypeName(c) + ")";
          for (Map.Entry<String, Getter> getter : GETTERS.entrySet()) {
            outcomes.add("row " + row + " " + column + " " + getter.getKey() + " -> "
                + outcome(live, c, getter.getValue()));
          }
        }
      }
    }
  }

  private static String outcome(ResultSet rs, int column, Getter getter) {
    try {
      Object value = getter.get(rs, column);
      return describe(value) + (rs.wasNull() ? " (wasNull)" : "");
    } catch (SQLException e) {
      return "throws " + e.getClass().getName() + " [" + e.getSQLState() + "]";
    } catch (Exception e) {
      return "throws " + e.getClass().getName();
    }
  }

  static String describe(Object v) throws Exception {
    if (v == null) {
      return "null";
    }
    if (v instanceof byte[]) {
      return "byte[] " + hex((byte[]) v);
    }
    if (v instanceof Timestamp) {
      return "Timestamp " + v + " ms=" + ((Timestamp) v).getTime() + " nanos=" + ((Timestamp) v).getNanos();
    }
    if (v instanceof java.util.Date) {
      return v.getClass().getName() + " " + v + " ms=" + ((java.util.Date) v).getTime();
    }
    if (v instanceof Object[]) {
      return describeElements(v);
    }
    if (v.getClass().isArray()) {
      StringBuilder s = new StringBuilder(v.getClass().getComponentType().getName()).append('[');
      for (int i = 0; i < java.lang.reflect.Array.getLength(v); i++) {
        s.append(i == 0 ? "" : ", ").append(java.lang.reflect.Array.get(v, i));
      }
      return s.append(']').toString();
    }
    if (v instanceof Array) {
      Array a = (Array) v;
      return "Array " + a.getBaseTypeName() + "/" + a.getBaseType() + " " + describeElements(a.getArray());
    }
    if (v instanceof Reader) {
      StringBuilder s = new StringBuilder();
      char[] buffer = new char[1024];
      for (int n; (n = ((Reader) v).read(buffer)) >= 0; ) {
        s.append(buffer, 0, n);
      }
      return "Reader " + s;
    }
    if (v instanceof InputStream) {
      return "InputStream " + hex(((InputStream) v).readAllBytes());
    }
    if (v.getClass().getName().startsWith("org.postgresql.util.PG")) {
      Method getType = v.getClass().getMethod("getType");
      return v.getClass().getName() + " type=" + getType.invoke(v) + " " + v;
    }
    return v.getClass().getName() + " " + v;
  }

  private static String describeElements(Object elements) throws Exception {
    if (elements instanceof Object[]) {
      List<String> parts = new ArrayList<>();
      for (Object element : (Object[]) elements) {
        parts.add(describe(element));
      }
      return elements.getClass().getComponentType().getName() + parts;
    }
    return describe(elements);
  }

  private static void compareMetadata(ResultSetMetaData live, ResultSetMetaData cached, List<String> differences)
      throws SQLException {
    if (live.getColumnCount() != cached.getColumnCount()) {
      differences.add("getColumnCount: live " + live.getColumnCount() + " | cached " + cached.getColumnCount());
      return;
    }
    for (Method method : ResultSetMetaData.class.getMethods()) {
      if (method.getParameterCount() != 1 || method.getParameterTypes()[0] != int.class) {
        continue;
      }
      for (int c = 1; c <= live.getColumnCount(); c++) {
        String expected = invoke(method, live, c);
        String actual = invoke(method, cached, c);
        if (!expected.equals(actual)) {
          differences.add("metadata column " + c + " " + method.getName() + ": live " + expected + " | cached "
              + actual);
        }
      }
    }
  }

  private static String invoke(Method method, ResultSetMetaData md, int column) {
    try {
      return String.valueOf(method.invoke(md, column));
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      return "throws " + cause.getClass().getName()
          + (cause instanceof SQLException ? " [" + ((SQLException) cause).getSQLState() + "]" : "");
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      s.append(String.format("%02x", b));
    }
    return s.toString();
  }
}
