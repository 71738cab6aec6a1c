package dev.cachet.cache;

import java.lang.reflect.Array;

/** Copies of mutable values, so nothing outside the cache can change what an entry holds. */
final class ValueCopies {

    private ValueCopies() {
    }

    static Object clonePrimitiveArray(Object array) {
        int n = Array.getLength(array);
        Object copy = Array.newInstance(array.getClass().getComponentType(), n);
        System.arraycopy(array, 0, copy, 0, n);
        return copy;
    }

    /** A deep copy of an array of values (used for materialized SQL arrays). */
    static Object copyArray(Object array) {
        if (array instanceof Object[]) {
            Object[] source = (Object[]) array;
            Object[] copy = (Object[]) Array.newInstance(source.getClass().getComponentType(), source.length);
            for (int i = 0; i < source.length; i++) {
                copy[i] = copyValue(source[i]);
            }
            return copy;
        }
        return clonePrimitiveArray(array);
    }

    /** Copies a known mutable value; returns immutable ones as they are. */
    static Object copyValue(Object v) {
        if (v instanceof byte[]) {
            return ((byte[]) v).clone();
        }
        if (v instanceof java.util.Date) {
            return Temporals.copy((java.util.Date) v);
        }
        if (v != null && v.getClass().isArray()) {
            return copyArray(v);
        }
        return v;
    }
}
