package dev.cachet.cache;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Estimates the retained heap size of captured values, assuming a 64-bit JVM with compressed
 * references (12-byte object headers, 4-byte references, 8-byte alignment) — the layout of every heap
 * under 32 GB. Values the JVM shares ({@code Boolean} constants, cached small boxes) count as zero.
 */
final class ValueSizes {

    static final int HEADER = 12;
    static final int ARRAY_HEADER = 16;
    static final int REF = 4;

    private ValueSizes() {
    }

    static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }

    static long objectArray(int length) {
        return align(ARRAY_HEADER + (long) REF * length);
    }

    static long string(String s) {
        // String: header, hash, coder, hashIsZero, value reference = 24; its byte[] holds Latin-1 or UTF-16
        boolean latin1 = true;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) > 0xFF) {
                latin1 = false;
                break;
            }
        }
        return 24 + align(ARRAY_HEADER + (long) (latin1 ? n : 2 * n));
    }

    /** The estimated size of one captured value; 0 for null and shared constants. */
    static long of(Object v) {
        if (v == null || v instanceof Boolean) {
            return 0;
        }
        if (v instanceof String) {
            return string((String) v);
        }
        if (v instanceof Integer) {
            int i = (Integer) v;
            return i >= -128 && i <= 127 ? 0 : 16;
        }
        if (v instanceof Long) {
            long l = (Long) v;
            return l >= -128 && l <= 127 ? 0 : 24;
        }
        if (v instanceof Short) {
            short s = (Short) v;
            return s >= -128 && s <= 127 ? 0 : 16;
        }
        if (v instanceof Byte) {
            return 0;
        }
        if (v instanceof Double) {
            return 24;
        }
        if (v instanceof Float) {
            return 16;
        }
        if (v instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) v;
            // BigDecimal keeps a BigInteger only when the unscaled value does not fit a long (up to 18
            // digits always fit; unscaledValue() allocates, so it is asked only beyond that)
            // capture compares the driver's text with toString(), which BigDecimal then keeps
            long big = 0;
            if (d.precision() > 18) {
                BigInteger unscaled = d.unscaledValue();
                big = unscaled.bitLength() > 63 ? bigInteger(unscaled) : 0;
            }
            return 40 + big + string(d.toString());
        }
        if (v instanceof BigInteger) {
            return bigInteger((BigInteger) v);
        }
        if (v instanceof java.sql.Timestamp) {
            return 32;
        }
        if (v instanceof java.util.Date) {
            return 24;
        }
        if (v instanceof byte[]) {
            return align(ARRAY_HEADER + ((byte[]) v).length);
        }
        if (v instanceof java.time.OffsetDateTime) {
            return 24 + 24 + 24 + 24;
        }
        if (v instanceof java.time.LocalDateTime) {
            return 24 + 24 + 24;
        }
        if (v instanceof java.time.LocalDate || v instanceof java.time.LocalTime) {
            return 24;
        }
        if (v instanceof java.time.Instant) {
            return 24;
        }
        if (v instanceof java.time.OffsetTime) {
            return 24 + 24;
        }
        if (v instanceof java.time.ZonedDateTime) {
            return 24 + 24 + 24 + 24;
        }
        if (v instanceof java.util.UUID) {
            return 32;
        }
        if (v instanceof Object[]) {
            Object[] a = (Object[]) v;
            long bytes = objectArray(a.length);
            for (Object o : a) {
                bytes += of(o);
            }
            return bytes;
        }
        if (v instanceof Sized) {
            return ((Sized) v).estimatedBytes();
        }
        if (v.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(v);
            Class<?> c = v.getClass().getComponentType();
            int width = c == long.class || c == double.class ? 8 : c == int.class || c == float.class ? 4
                    : c == short.class || c == char.class ? 2 : 1;
            return align(ARRAY_HEADER + (long) width * n);
        }
        // an immutable value of a type we do not know the layout of: a fair guess
        return 32;
    }

    private static long bigInteger(BigInteger b) {
        int words = (b.bitLength() + 31) / 32;
        return 40 + align(ARRAY_HEADER + 4L * words);
    }

    /** A captured value that knows its own size (materialized arrays, rendered pairs, LOB copies). */
    interface Sized {
        long estimatedBytes();
    }
}
