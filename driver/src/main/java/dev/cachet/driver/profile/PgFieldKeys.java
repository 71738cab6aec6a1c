package dev.cachet.driver.profile;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.List;

/**
 * The identity of a pgjdbc result's columns, read from what pgjdbc already holds (no round trip): the server and
 * database (its URL), and per column the label, type OID and modifier, and the table OID and column position it
 * comes from. Two results with the same identity have the same metadata, so facts pgjdbc must fetch from the catalog
 * (nullability, auto-increment, base table names) can be fetched once and shared. Uses reflection on pgjdbc's
 * internals; answers null when they are not there (another pgjdbc version or driver), and metadata is then captured
 * as usual.
 */
final class PgFieldKeys {

  private static volatile Accessors accessors;
  private static volatile boolean unavailable;

  private record Accessors(Class<?> metadataClass, Field fields, Field connection, Method oid, Method mod,
      Method label, Method tableOid, Method position) {}

  private PgFieldKeys() {}

  /** The key of {@code real}'s columns, or null when it is not pgjdbc's metadata. */
  static List<Object> key(ResultSetMetaData real) {
    if (unavailable) {
      return null;
    }
    try {
      Accessors a = accessors(real);
      if (a == null || !a.metadataClass().isInstance(real)) {
        return null;
      }
      Object[] fields = (Object[]) a.fields().get(real);
      Connection connection = (Connection) a.connection().get(real);
      List<Object> key = new ArrayList<>(1 + 5 * fields.length);
      key.add(connection.getMetaData().getURL());
      for (Object field : fields) {
        key.add(a.label().invoke(field));
        key.add(a.oid().invoke(field));
        key.add(a.mod().invoke(field));
        key.add(a.tableOid().invoke(field));
        key.add(a.position().invoke(field));
      }
      return key;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError | java.sql.SQLException e) {
      unavailable = true;
      return null;
    }
  }

  /**
   * pgjdbc's own array of the result's fields, or null when {@code real} is not pgjdbc's metadata. A prepared
   * statement that pgjdbc has described once hands every later result the same array, so its identity tells that
   * the columns are those of the last result of the statement on that connection.
   */
  static Object fields(ResultSetMetaData real) {
    if (unavailable) {
      return null;
    }
    try {
      Accessors a = accessors(real);
      return a == null || !a.metadataClass().isInstance(real) ? null : a.fields().get(real);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      unavailable = true;
      return null;
    }
  }

  private static Accessors accessors(ResultSetMetaData real) throws ReflectiveOperationException {
    Accessors a = accessors;
    if (a != null) {
      return a;
    }
    Class<?> metadataClass = Class.forName("org.postgresql.jdbc.PgResultSetMetaData", false,
        real.getClass().getClassLoader());
    Class<?> fieldClass = Class.forName("org.postgresql.core.Field", false, real.getClass().getClassLoader());
    Field fields = metadataClass.getDeclaredField("fields");
    fields.setAccessible(true);
    Field connection = metadataClass.getDeclaredField("connection");
    connection.setAccessible(true);
    a = new Accessors(metadataClass, fields, connection, fieldClass.getMethod("getOID"),
        fieldClass.getMethod("getMod"), fieldClass.getMethod("getColumnLabel"), fieldClass.getMethod("getTableOid"),
        fieldClass.getMethod("getPositionInTable"));
    accessors = a;
    return a;
  }
}
