package dev.cachet.cache;

import java.lang.reflect.Field;
import java.sql.ResultSetMetaData;

/**
 * What identifies the column set of an H2 result without asking its metadata anything: the expression array of the
 * compiled query that produced it. H2 hands every execution of a compiled command the same array, and compiles a
 * command again — with a new array — when a table it reads changes; the array is held by the shape that remembers it,
 * so it cannot be reused for another query. Read through H2's own fields (H2 is on the class path as a plain
 * library, so they are accessible); any other driver, a result from a remote H2 server, or an H2 whose fields differ
 * gives null, and the metadata is then compared as before ({@link StatementMetadata}).
 */
final class H2Shapes {

    private static final String METADATA = "org.h2.jdbc.JdbcResultSetMetaData";
    private static final String PADDED = "org.h2.result.ResultWithPaddedStrings";

    /** The {@code expressions} field of each H2 result class (walking up to where it is declared), or null. */
    private static final ClassValue<Field> EXPRESSIONS = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c.getName().startsWith("org.h2."); c = c.getSuperclass()) {
                Field f = accessible(c, "expressions");
                if (f != null) {
                    return f.getType().isArray() ? f : null;
                }
            }
            return null;
        }
    };

    private static volatile Field result;
    private static volatile Field source;
    private static volatile boolean unavailable;

    private H2Shapes() {
    }

    /** The object that stands for the column set of {@code md}'s result, or null when there is none to trust. */
    static Object identity(ResultSetMetaData md) {
        if (unavailable || md == null || !md.getClass().getName().equals(METADATA)) {
            return null;
        }
        try {
            Field r = result;
            if (r == null) {
                r = accessible(md.getClass(), "result");
                if (r == null) {
                    unavailable = true;
                    return null;
                }
                result = r;
            }
            Object res = r.get(md);
            if (res != null && res.getClass().getName().equals(PADDED)) {
                Field s = source;
                if (s == null) {
                    s = accessible(res.getClass(), "source");
                    if (s == null) {
                        return null;
                    }
                    source = s;
                }
                res = s.get(res);
            }
            if (res == null) {
                return null;
            }
            Field e = EXPRESSIONS.get(res.getClass());
            return e == null ? null : e.get(res);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = true;
            return null;
        }
    }

    private static Field accessible(Class<?> c, String name) {
        try {
            Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
