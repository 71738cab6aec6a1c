package dev.cachet.driver.profile;

import java.lang.reflect.Method;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.Map;

/**
 * The cells {@link PgJdbcProfile} keeps besides plain text: immutable copies of what pgjdbc returned, each with the
 * text pgjdbc's other getters convert from.
 */
final class PgCells {

  private PgCells() {}

  /** A {@code bytea} cell: the text form ({@code \x…}) and the decoded bytes. */
  record Bytes(String text, byte[] bytes) {}

  /**
   * A cell whose {@code getObject} is a pgjdbc {@code PGobject} (json, jsonb, interval, …): kept as captured and
   * cloned for every read, since PGobjects are mutable.
   */
  record PgObject(String text, Object object) {
    Object copy() throws SQLException {
      try {
        Method clone = object.getClass().getMethod("clone");
        return clone.invoke(object);
      } catch (ReflectiveOperationException e) {
        throw new SQLException("cannot copy " + object.getClass().getName(), "XX000", e);
      }
    }
  }

  /** Another {@code getObject} value that needs no copy (immutable), with its text. */
  record Value(String text, Object object) {}

  /** An array cell: its text, its base type and its (deeply copied) elements. */
  record ArrayCell(String text, String baseTypeName, int baseType, Object[] elements) {

    Array toArray() {
      return new CachedArray(this);
    }
  }

  /** Deep copy of an array's elements (nested arrays, dates and byte arrays copied; immutables shared). */
  static Object[] copyElements(Object[] source) throws SQLException {
    Object[] copy = (Object[]) java.lang.reflect.Array.newInstance(source.getClass().getComponentType(), source.length);
    for (int i = 0; i < source.length; i++) {
      copy[i] = copyElement(source[i]);
    }
    return copy;
  }

  private static Object copyElement(Object e) throws SQLException {
    if (e == null || e instanceof String || e instanceof Number || e instanceof Boolean
        || e instanceof java.util.UUID || e instanceof Character) {
      return e;
    }
    if (e instanceof Object[]) {
      return copyElements((Object[]) e);
    }
    if (e instanceof byte[]) {
      return ((byte[]) e).clone();
    }
    if (e instanceof java.util.Date) {
      return ((java.util.Date) e).clone();
    }
    if (e.getClass().getName().startsWith("org.postgresql.util.PG")) {
      return new PgObject(null, e).copy();
    }
    throw new dev.cachet.cache.NotCacheableValueException("array elements of type " + e.getClass().getName());
  }

  /** A read-only {@link Array} over captured elements; each {@code getArray} returns a fresh deep copy. */
  private static final class CachedArray implements Array {
    private final ArrayCell cell;

    CachedArray(ArrayCell cell) {
      this.cell = cell;
    }

    @Override
    public String getBaseTypeName() {
      return cell.baseTypeName();
    }

    @Override
    public int getBaseType() {
      return cell.baseType();
    }

    @Override
    public Object getArray() throws SQLException {
      return copyElements(cell.elements());
    }

    @Override
    public Object getArray(Map<String, Class<?>> map) throws SQLException {
      return getArray();
    }

    @Override
    public Object getArray(long index, int count) throws SQLException {
      Object[] all = cell.elements();
      if (index < 1 || count < 0 || index - 1 + count > all.length) {
        throw PgErrors.of("The array index is out of range: " + index, PgErrors.INVALID_PARAMETER_VALUE);
      }
      return copyElements(Arrays.copyOfRange(all, (int) index - 1, (int) index - 1 + count));
    }

    @Override
    public Object getArray(long index, int count, Map<String, Class<?>> map) throws SQLException {
      return getArray(index, count);
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
      throw new SQLFeatureNotSupportedException("Array.getResultSet of a cached array", "0A000");
    }

    @Override
    public ResultSet getResultSet(Map<String, Class<?>> map) throws SQLException {
      return getResultSet();
    }

    @Override
    public ResultSet getResultSet(long index, int count) throws SQLException {
      return getResultSet();
    }

    @Override
    public ResultSet getResultSet(long index, int count, Map<String, Class<?>> map) throws SQLException {
      return getResultSet();
    }

    @Override
    public void free() {}

    @Override
    public String toString() {
      return cell.text();
    }
  }

  /**
   * What pgjdbc's {@code getArray} returns for a column that is not an array: an Array whose every use fails (pgjdbc
   * looks the element type up in the catalog and finds nothing).
   */
  static final class NotAnArray implements Array {
    private final String text;

    NotAnArray(String text) {
      this.text = text;
    }

    private static SQLException noResults() {
      return PgErrors.of("No results were returned by the query.", PgErrors.NO_DATA);
    }

    @Override
    public String getBaseTypeName() throws SQLException {
      throw noResults();
    }

    @Override
    public int getBaseType() throws SQLException {
      throw noResults();
    }

    @Override
    public Object getArray() throws SQLException {
      throw noResults();
    }

    @Override
    public Object getArray(Map<String, Class<?>> map) throws SQLException {
      throw noResults();
    }

    @Override
    public Object getArray(long index, int count) throws SQLException {
      throw noResults();
    }

    @Override
    public Object getArray(long index, int count, Map<String, Class<?>> map) throws SQLException {
      throw noResults();
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
      throw noResults();
    }

    @Override
    public ResultSet getResultSet(Map<String, Class<?>> map) throws SQLException {
      throw noResults();
    }

    @Override
    public ResultSet getResultSet(long index, int count) throws SQLException {
      throw noResults();
    }

    @Override
    public ResultSet getResultSet(long index, int count, Map<String, Class<?>> map) throws SQLException {
      throw noResults();
    }

    @Override
    public void free() {}

    @Override
    public String toString() {
      return text;
    }
  }
}
