package dev.cachet.driver.profile;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes the exceptions pgjdbc would throw: {@code org.postgresql.util.PSQLException} with the same SQLState, so a
 * cached result fails exactly like the real one. pgjdbc is found on the class path at run time (Cachet does not
 * depend on it); without it, a plain {@link SQLException} with the same SQLState is thrown.
 */
final class PgErrors {

  static final String NUMERIC_VALUE_OUT_OF_RANGE = "22003";
  static final String BAD_DATETIME_FORMAT = "22007";
  static final String INVALID_PARAMETER_VALUE = "22023";
  static final String CANNOT_COERCE = "42846";
  static final String DATA_TYPE_MISMATCH = "42821";
  static final String NO_DATA = "02000";
  static final String OBJECT_NOT_IN_STATE = "55000";
  static final String INVALID_CURSOR_STATE = "24000";
  static final String UNDEFINED_COLUMN = "42703";

  private static final Map<String, Object> STATES = new ConcurrentHashMap<>();
  private static volatile Constructor<?> constructor;
  private static volatile boolean unavailable;

  private PgErrors() {}

  /** pgjdbc's exception for {@code message} and {@code sqlState}, or a plain one when pgjdbc is absent. */
  static SQLException of(String message, String sqlState) {
    if (!unavailable) {
      try {
        Constructor<?> c = constructor();
        Object state = STATES.computeIfAbsent(sqlState, PgErrors::findState);
        if (c != null && state != NONE) {
          return (SQLException) c.newInstance(message, state);
        }
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        unavailable = true;
      }
    }
    return new SQLException(message, sqlState);
  }

  private static final Object NONE = new Object();

  private static Constructor<?> constructor() throws ReflectiveOperationException {
    Constructor<?> c = constructor;
    if (c == null) {
      Class<?> exception = load("org.postgresql.util.PSQLException");
      Class<?> state = load("org.postgresql.util.PSQLState");
      c = exception.getConstructor(String.class, state);
      constructor = c;
    }
    return c;
  }

  private static Object findState(String sqlState) {
    try {
      Class<?> state = load("org.postgresql.util.PSQLState");
      Method getState = state.getMethod("getState");
      for (Object constant : state.getEnumConstants()) {
        if (sqlState.equals(getState.invoke(constant))) {
          return constant;
        }
      }
    } catch (ReflectiveOperationException | LinkageError e) {
      unavailable = true;
    }
    return NONE;
  }

  private static Class<?> load(String name) throws ClassNotFoundException {
    try {
      return Class.forName(name, false, PgErrors.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (context == null) {
        throw e;
      }
      return Class.forName(name, false, context);
    }
  }
}
