package dev.cachet.cache;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.Map;

/**
 * An SQL ARRAY read fully while teeing: its elements (copied) and its base type. Every
 * {@link #toArray()} is a fresh {@link java.sql.Array} whose {@code getArray} returns a copy.
 */
final class CapturedArray implements ValueSizes.Sized {

    private final Object elements;
    private final int baseType;
    private final String baseTypeName;

    private CapturedArray(Object elements, int baseType, String baseTypeName) {
        this.elements = elements;
        this.baseType = baseType;
        this.baseTypeName = baseTypeName;
    }

    static CapturedArray capture(Array array, ColumnCodec codec, long byteBudget) throws SQLException {
        Object elements = array.getArray();
        if (elements instanceof Object[]) {
            Object[] source = (Object[]) elements;
            Object[] copy = (Object[]) java.lang.reflect.Array.newInstance(
                    source.getClass().getComponentType(), source.length);
            for (int i = 0; i < source.length; i++) {
                copy[i] = source[i] == null ? null : codec.captureObject(source[i], byteBudget);
            }
            elements = copy;
        } else if (elements != null) {
            elements = ValueCopies.clonePrimitiveArray(elements);
        }
        return new CapturedArray(elements, array.getBaseType(), array.getBaseTypeName());
    }

    /** An array over given elements (not copied: the caller hands them over). */
    static CapturedArray of(Object[] elements, int baseType, String baseTypeName) {
        return new CapturedArray(elements, baseType, baseTypeName);
    }

    Array toArray() {
        return new CachedArray();
    }

    @Override
    public long estimatedBytes() {
        return 24 + ValueSizes.of(elements) + (baseTypeName == null ? 0 : ValueSizes.string(baseTypeName));
    }

    @Override
    public String toString() {
        return elements instanceof Object[] ? Arrays.toString((Object[]) elements) : String.valueOf(elements);
    }

    /** A read-only {@link Array} over the captured elements. */
    private final class CachedArray implements Array {

        @Override
        public String getBaseTypeName() {
            return baseTypeName;
        }

        @Override
        public int getBaseType() {
            return baseType;
        }

        @Override
        public Object getArray() {
            return elements == null ? null : ValueCopies.copyArray(elements);
        }

        @Override
        public Object getArray(Map<String, Class<?>> map) {
            return getArray();
        }

        @Override
        public Object getArray(long index, int count) throws SQLException {
            if (!(elements instanceof Object[])) {
                throw new SQLFeatureNotSupportedException("slices of primitive arrays", "0A000");
            }
            Object[] all = (Object[]) elements;
            if (index < 1 || index - 1 + count > all.length || count < 0) {
                throw SqlErrors.of("Array slice out of range: index " + index + ", count " + count, "22003");
            }
            Object[] slice = Arrays.copyOfRange(all, (int) index - 1, (int) index - 1 + count);
            return ValueCopies.copyArray(slice);
        }

        @Override
        public Object getArray(long index, int count, Map<String, Class<?>> map) throws SQLException {
            return getArray(index, count);
        }

        @Override
        public ResultSet getResultSet() throws SQLException {
            throw new SQLFeatureNotSupportedException("Array.getResultSet on a cached array", "0A000");
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
        public void free() {
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CachedArray && Arrays.deepEquals(new Object[] {elements},
                    new Object[] {((CachedArray) o).getArray()});
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(new Object[] {elements});
        }

        @Override
        public String toString() {
            return CapturedArray.this.toString();
        }
    }
}
