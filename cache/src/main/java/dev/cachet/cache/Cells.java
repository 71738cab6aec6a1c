package dev.cachet.cache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The compact form of captured cells: every cell of a result, row after row, in one {@code byte[]} — a tag byte,
 * then the value in a few bytes (variable-length integers, strings as Latin-1 bytes when they fit, else UTF-16).
 * What a codec captured is given back by {@link #read} as an equal value of the same class (a fresh copy of a
 * mutable one), so codecs work on captured values exactly as before. A captured value of a class this form does not
 * know (a profile's own cell type, an SQL ARRAY, an H2 INTERVAL…) is kept as it is in a side array and the bytes
 * hold its index ({@link #REF}).
 *
 * <p>This layout is also the body of {@link ResultEncoding}'s wire format, so it never changes meaning: a new value
 * type gets a new tag.
 */
final class Cells {

    static final byte NULL = 0;
    static final byte TRUE = 1;
    static final byte FALSE = 2;
    static final byte INT = 3;
    static final byte LONG = 4;
    static final byte SHORT = 5;
    static final byte BYTE = 6;
    static final byte DOUBLE = 7;
    static final byte FLOAT = 8;
    static final byte LATIN1 = 9;
    static final byte UTF16 = 10;
    static final byte DECIMAL = 11;
    static final byte BIG_DECIMAL = 12;
    static final byte BIG_INTEGER = 13;
    static final byte TIMESTAMP = 14;
    static final byte SQL_DATE = 15;
    static final byte SQL_TIME = 16;
    static final byte UTIL_DATE = 17;
    static final byte BYTES = 18;
    static final byte LOCAL_DATE = 19;
    static final byte LOCAL_TIME = 20;
    static final byte LOCAL_DATE_TIME = 21;
    static final byte OFFSET_DATE_TIME = 22;
    static final byte OFFSET_TIME = 23;
    static final byte INSTANT = 24;
    static final byte UUID_TAG = 25;
    /** A value cell followed by a string or NULL cell: a {@link Rendered} pair. */
    static final byte RENDERED = 26;
    static final byte BLOB = 27;
    static final byte CLOB = 28;
    static final byte XML = 29;
    /** An index into the side array of values kept as objects. */
    static final byte REF = 30;
    /** One past the last tag; bytes at or beyond it are corrupt. */
    static final byte TAGS = 31;

    private Cells() {
    }

    /** True when the byte form holds {@code v} itself; false when it must be kept as a side object. */
    static boolean encodable(Object v) {
        if (v == null) {
            return true;
        }
        Class<?> c = v.getClass();
        return c == String.class || c == Integer.class || c == Long.class || c == BigDecimal.class
                || c == Timestamp.class || c == Boolean.class || c == Short.class || c == Byte.class
                || c == Double.class || c == Float.class || c == BigInteger.class || c == java.sql.Date.class
                || c == Time.class || c == java.util.Date.class || c == byte[].class || c == LocalDate.class
                || c == LocalTime.class || c == LocalDateTime.class || c == OffsetDateTime.class
                || c == OffsetTime.class || c == Instant.class || c == UUID.class || c == CapturedBlob.class
                || c == CapturedClob.class || c == CapturedXml.class
                || c == Rendered.class && encodable(((Rendered) v).value) && !(((Rendered) v).value instanceof Rendered);
    }

    /**
     * True for a mutable value whose class the byte form holds itself ({@code Timestamp}, {@code java.sql.Date},
     * {@code Time}, {@code java.util.Date}, {@code byte[]}): a result builder encodes such a captured cell before it
     * returns, so nothing can change it later and the codec need not copy it first.
     */
    static boolean encodedAtOnce(Object v) {
        Class<?> c = v.getClass();
        return c == Timestamp.class || c == java.sql.Date.class || c == Time.class || c == java.util.Date.class
                || c == byte[].class;
    }

    // ---------------------------------------------------------------- reading

    /**
     * The value of the cell at {@code pos}: an equal value of the class captured (a fresh instance of mutable
     * ones), {@code null} for SQL NULL.
     *
     * @param refs the side array, or null when the result has none
     */
    static Object read(byte[] b, int pos, Object[] refs) {
        byte tag = b[pos++];
        switch (tag) {
            case NULL:
                return null;
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            case INT:
                return (int) zigzag(varint(b, pos));
            case LONG:
                return zigzag(varint(b, pos));
            case SHORT:
                return (short) zigzag(varint(b, pos));
            case BYTE:
                return b[pos];
            case DOUBLE:
                return Double.longBitsToDouble(fixed64(b, pos));
            case FLOAT:
                return Float.intBitsToFloat((int) fixed32(b, pos));
            case LATIN1:
            case UTF16:
                return string(b, pos - 1);
            case DECIMAL: {
                long scale = varint(b, pos);
                pos += varintLength(b, pos);
                return BigDecimal.valueOf(zigzag(varint(b, pos)), (int) zigzag(scale));
            }
            case BIG_DECIMAL: {
                int scale = (int) zigzag(varint(b, pos));
                pos += varintLength(b, pos);
                return new BigDecimal(bigInteger(b, pos), scale);
            }
            case BIG_INTEGER:
                return bigInteger(b, pos);
            case TIMESTAMP: {
                long millis = zigzag(varint(b, pos));
                pos += varintLength(b, pos);
                Timestamp t = new Timestamp(millis);
                t.setNanos((int) varint(b, pos));
                return t;
            }
            case SQL_DATE:
                return new java.sql.Date(zigzag(varint(b, pos)));
            case SQL_TIME:
                return new Time(zigzag(varint(b, pos)));
            case UTIL_DATE:
                return new java.util.Date(zigzag(varint(b, pos)));
            case BYTES:
                return bytes(b, pos);
            case LOCAL_DATE:
                return LocalDate.ofEpochDay(zigzag(varint(b, pos)));
            case LOCAL_TIME:
                return LocalTime.ofNanoOfDay(varint(b, pos));
            case LOCAL_DATE_TIME: {
                long day = zigzag(varint(b, pos));
                pos += varintLength(b, pos);
                return LocalDateTime.of(LocalDate.ofEpochDay(day), LocalTime.ofNanoOfDay(varint(b, pos)));
            }
            case OFFSET_DATE_TIME: {
                long day = zigzag(varint(b, pos));
                pos += varintLength(b, pos);
                long nanos = varint(b, pos);
                pos += varintLength(b, pos);
                return OffsetDateTime.of(LocalDate.ofEpochDay(day), LocalTime.ofNanoOfDay(nanos),
                        ZoneOffset.ofTotalSeconds((int) zigzag(varint(b, pos))));
            }
            case OFFSET_TIME: {
                long nanos = varint(b, pos);
                pos += varintLength(b, pos);
                return OffsetTime.of(LocalTime.ofNanoOfDay(nanos),
                        ZoneOffset.ofTotalSeconds((int) zigzag(varint(b, pos))));
            }
            case INSTANT: {
                long seconds = zigzag(varint(b, pos));
                pos += varintLength(b, pos);
                return Instant.ofEpochSecond(seconds, varint(b, pos));
            }
            case UUID_TAG:
                return new UUID(fixed64(b, pos), fixed64(b, pos + 8));
            case RENDERED: {
                Object value = read(b, pos, refs);
                int text = skip(b, pos);
                return Rendered.of(value, (String) read(b, text, refs));
            }
            case BLOB:
                return new CapturedBlob(bytes(b, pos));
            case CLOB:
                return new CapturedClob(string(b, pos));
            case XML:
                return new CapturedXml(b[pos] == NULL ? null : string(b, pos));
            case REF:
                return refs[(int) varint(b, pos)];
            default:
                throw new IllegalStateException("corrupt cell: tag " + tag);
        }
    }

    /** The LATIN1 string cell at {@code pos} (small enough to be inlined into a getter). */
    static String latin1(byte[] b, int pos) {
        return new String(b, textStart(b, pos), textLength(b, pos), StandardCharsets.ISO_8859_1);
    }

    /** Where the text of the LATIN1 cell at {@code pos} starts. */
    static int textStart(byte[] b, int pos) {
        return pos + 1 + varintLength(b, pos + 1);
    }

    /** The length in bytes of the text of the LATIN1 cell at {@code pos}. */
    static int textLength(byte[] b, int pos) {
        return (int) varint(b, pos + 1);
    }

    /** What {@link #plainInteger} returns for text that is not a plain integer of at most the digits asked. */
    static final long NOT_PLAIN = Long.MIN_VALUE;

    /**
     * The LATIN1 cell at {@code pos} as an integer when its text is an optional minus sign and 1 to
     * {@code maxDigits} (at most 18) digits, else {@link #NOT_PLAIN}.
     */
    static long plainInteger(byte[] b, int pos, int maxDigits) {
        int i = textStart(b, pos);
        int end = i + textLength(b, pos);
        boolean negative = i < end && b[i] == '-';
        i += negative ? 1 : 0;
        if (end - i < 1 || end - i > maxDigits) {
            return NOT_PLAIN;
        }
        long value = 0;
        for (; i < end; i++) {
            int digit = b[i] - '0';
            if (digit < 0 || digit > 9) {
                return NOT_PLAIN;
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    /**
     * The LATIN1 cell at {@code pos} as {@code new BigDecimal(text)} would read it, when its text is an optional minus
     * sign, digits, and at most one point followed by digits, 18 digits in all at most; else {@code null}.
     */
    static BigDecimal plainDecimal(byte[] b, int pos) {
        int i = textStart(b, pos);
        int end = i + textLength(b, pos);
        boolean negative = i < end && b[i] == '-';
        i += negative ? 1 : 0;
        long unscaled = 0;
        int digits = 0;
        int point = -1;
        for (; i < end; i++) {
            byte c = b[i];
            if (c == '.' && point < 0 && digits > 0) {
                point = digits;
            } else if (c >= '0' && c <= '9' && ++digits <= 18) {
                unscaled = unscaled * 10 + (c - '0');
            } else {
                return null;
            }
        }
        if (digits == 0 || digits > 18 || point == digits) {
            return null;
        }
        return BigDecimal.valueOf(negative ? -unscaled : unscaled, point < 0 ? 0 : digits - point);
    }

    /** The DECIMAL cell at {@code pos}. */
    static BigDecimal decimal(byte[] b, int pos) {
        pos++;
        long scale = varint(b, pos);
        pos += varintLength(b, pos);
        return BigDecimal.valueOf(zigzag(varint(b, pos)), (int) zigzag(scale));
    }

    /** The TIMESTAMP cell at {@code pos}, a fresh instance. */
    static Timestamp timestamp(byte[] b, int pos) {
        pos++;
        long millis = zigzag(varint(b, pos));
        pos += varintLength(b, pos);
        Timestamp t = new Timestamp(millis);
        t.setNanos((int) varint(b, pos));
        return t;
    }

    /** True when the cell at {@code pos} is SQL NULL. */
    static boolean isNull(byte[] b, int pos) {
        return b[pos] == NULL;
    }

    /** The position just past the cell at {@code pos}. */
    static int skip(byte[] b, int pos) {
        byte tag = b[pos++];
        switch (tag) {
            case NULL:
            case TRUE:
            case FALSE:
                return pos;
            case BYTE:
                return pos + 1;
            case INT:
            case LONG:
            case SHORT:
            case SQL_DATE:
            case SQL_TIME:
            case UTIL_DATE:
            case LOCAL_DATE:
            case LOCAL_TIME:
            case REF:
                return pos + varintLength(b, pos);
            case DOUBLE:
                return pos + 8;
            case FLOAT:
                return pos + 4;
            case LATIN1:
            case BYTES:
            case BIG_INTEGER:
            case BLOB:
                return lengthPrefixed(b, pos, 1);
            case UTF16:
                return lengthPrefixed(b, pos, 2);
            case CLOB:
            case XML:
                return skip(b, pos);
            case DECIMAL:
            case TIMESTAMP:
            case LOCAL_DATE_TIME:
            case OFFSET_TIME:
            case INSTANT:
                pos += varintLength(b, pos);
                return pos + varintLength(b, pos);
            case BIG_DECIMAL:
                pos += varintLength(b, pos);
                return lengthPrefixed(b, pos, 1);
            case OFFSET_DATE_TIME:
                pos += varintLength(b, pos);
                pos += varintLength(b, pos);
                return pos + varintLength(b, pos);
            case UUID_TAG:
                return pos + 16;
            case RENDERED:
                return skip(b, skip(b, pos));
            default:
                throw new IllegalStateException("corrupt cell: tag " + tag);
        }
    }

    private static int lengthPrefixed(byte[] b, int pos, int width) {
        long n = varint(b, pos);
        if (n > b.length) {
            throw new IllegalStateException("corrupt cell: a length of " + n + " in " + b.length + " bytes");
        }
        return pos + varintLength(b, pos) + (int) (n * width);
    }

    /** The string cell (LATIN1 or UTF16 tag) at {@code pos}. */
    static String string(byte[] b, int pos) {
        byte tag = b[pos++];
        int n = (int) varint(b, pos);
        pos += varintLength(b, pos);
        if (tag == LATIN1) {
            return new String(b, pos, n, StandardCharsets.ISO_8859_1);
        }
        if (tag != UTF16) {
            throw new IllegalStateException("corrupt cell: tag " + tag + " where a string was expected");
        }
        char[] c = new char[n];
        for (int i = 0; i < n; i++, pos += 2) {
            c[i] = (char) ((b[pos] & 0xFF) << 8 | (b[pos + 1] & 0xFF));
        }
        return new String(c);
    }

    private static byte[] bytes(byte[] b, int pos) {
        int n = (int) varint(b, pos);
        pos += varintLength(b, pos);
        byte[] out = new byte[n];
        System.arraycopy(b, pos, out, 0, n);
        return out;
    }

    private static BigInteger bigInteger(byte[] b, int pos) {
        int n = (int) varint(b, pos);
        pos += varintLength(b, pos);
        return new BigInteger(b, pos, n);
    }

    // ---------------------------------------------------------------- primitives

    /** An unsigned LEB128 integer at {@code pos} (at most 10 bytes). */
    static long varint(byte[] b, int pos) {
        long v = 0;
        int shift = 0;
        while (true) {
            byte x = b[pos++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
            shift += 7;
            if (shift > 63) {
                throw new IllegalStateException("corrupt cell: variable-length integer too long");
            }
        }
    }

    /**
     * Eight bytes at a time, little-endian: the first byte of a variable-length integer is the lowest of the word.
     */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long SIGN_BITS = 0x8080808080808080L;

    static int varintLength(byte[] b, int pos) {
        if (pos <= b.length - Long.BYTES) {
            // the last byte is the first without its high bit, found without a branch per byte: a loop's exit, its
            // place changing from cell to cell, was mispredicted often enough to cost a tenth of an H2 hit
            long ends = ~(long) WORDS.get(b, pos) & SIGN_BITS;
            if (ends != 0) {
                return (Long.numberOfTrailingZeros(ends) >>> 3) + 1;
            }
        }
        int n = 1;
        while (b[pos++] < 0) {
            n++;
        }
        return n;
    }

    static long zigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    static long fixed64(byte[] b, int pos) {
        return fixed32(b, pos) << 32 | fixed32(b, pos + 4);
    }

    static long fixed32(byte[] b, int pos) {
        return ((b[pos] & 0xFFL) << 24) | ((b[pos + 1] & 0xFFL) << 16) | ((b[pos + 2] & 0xFFL) << 8) | (b[pos + 3] & 0xFFL);
    }
}
