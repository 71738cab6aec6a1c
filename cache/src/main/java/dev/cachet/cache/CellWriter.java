package dev.cachet.cache;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.Arrays;
import java.util.UUID;

/**
 * Appends captured cells in {@link Cells}' compact form to a growing buffer; values of classes the form does not
 * know go to a side array. Not thread-safe: one fill writes one result.
 */
final class CellWriter {

    private static final Object[] NO_REFS = new Object[0];

    private byte[] buf;
    private int pos;
    private Object[] refs = NO_REFS;
    private int refCount;

    CellWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** The bytes written so far. */
    int size() {
        return pos;
    }

    int refCount() {
        return refCount;
    }

    /** The bytes written, in an array of exactly that length. */
    byte[] bytes() {
        return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }

    /** The side objects, in an array of exactly that length, or null when there are none. */
    Object[] refs() {
        return refCount == 0 ? null : refCount == refs.length ? refs : Arrays.copyOf(refs, refCount);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(pos + more, buf.length * 2));
        }
    }

    /**
     * Appends one captured cell.
     *
     * @return the bytes the cell added, plus — for a side object — {@code codec}'s estimate of it
     */
    long write(Object v, ColumnCodec codec) {
        int start = pos;
        if (!Cells.encodable(v)) {
            ensure(6);
            buf[pos++] = Cells.REF;
            if (refCount == refs.length) {
                refs = Arrays.copyOf(refs, Math.max(4, refCount * 2));
            }
            refs[refCount] = v;
            varint(refCount++);
            return pos - start + 4 + codec.sizeOf(v);
        }
        write(v);
        return pos - start;
    }

    /** Appends a value of a class {@link Cells#encodable} accepts. */
    void write(Object v) {
        if (v == null) {
            ensure(1);
            buf[pos++] = Cells.NULL;
            return;
        }
        Class<?> c = v.getClass();
        if (c == String.class) {
            string((String) v);
        } else if (c == Integer.class) {
            tagged(Cells.INT, zigzag((Integer) v));
        } else if (c == Long.class) {
            tagged(Cells.LONG, zigzag((Long) v));
        } else if (c == BigDecimal.class) {
            decimal((BigDecimal) v);
        } else if (c == Timestamp.class) {
            Timestamp t = (Timestamp) v;
            tagged(Cells.TIMESTAMP, zigzag(t.getTime()));
            varint(t.getNanos());
        } else if (c == Boolean.class) {
            ensure(1);
            buf[pos++] = (Boolean) v ? Cells.TRUE : Cells.FALSE;
        } else if (c == Short.class) {
            tagged(Cells.SHORT, zigzag((Short) v));
        } else if (c == Byte.class) {
            ensure(2);
            buf[pos++] = Cells.BYTE;
            buf[pos++] = (Byte) v;
        } else if (c == Double.class) {
            ensure(9);
            buf[pos++] = Cells.DOUBLE;
            fixed64(Double.doubleToRawLongBits((Double) v));
        } else if (c == Float.class) {
            ensure(5);
            buf[pos++] = Cells.FLOAT;
            fixed32(Float.floatToRawIntBits((Float) v));
        } else if (c == BigInteger.class) {
            ensure(1);
            buf[pos++] = Cells.BIG_INTEGER;
            lengthPrefixed(((BigInteger) v).toByteArray());
        } else if (c == java.sql.Date.class) {
            tagged(Cells.SQL_DATE, zigzag(((java.sql.Date) v).getTime()));
        } else if (c == Time.class) {
            tagged(Cells.SQL_TIME, zigzag(((Time) v).getTime()));
        } else if (c == java.util.Date.class) {
            tagged(Cells.UTIL_DATE, zigzag(((java.util.Date) v).getTime()));
        } else if (c == byte[].class) {
            ensure(1);
            buf[pos++] = Cells.BYTES;
            lengthPrefixed((byte[]) v);
        } else if (c == LocalDate.class) {
            tagged(Cells.LOCAL_DATE, zigzag(((LocalDate) v).toEpochDay()));
        } else if (c == LocalTime.class) {
            tagged(Cells.LOCAL_TIME, ((LocalTime) v).toNanoOfDay());
        } else if (c == LocalDateTime.class) {
            LocalDateTime t = (LocalDateTime) v;
            tagged(Cells.LOCAL_DATE_TIME, zigzag(t.toLocalDate().toEpochDay()));
            varint(t.toLocalTime().toNanoOfDay());
        } else if (c == OffsetDateTime.class) {
            OffsetDateTime t = (OffsetDateTime) v;
            tagged(Cells.OFFSET_DATE_TIME, zigzag(t.toLocalDate().toEpochDay()));
            varint(t.toLocalTime().toNanoOfDay());
            varint(zigzag(t.getOffset().getTotalSeconds()));
        } else if (c == OffsetTime.class) {
            OffsetTime t = (OffsetTime) v;
            tagged(Cells.OFFSET_TIME, t.toLocalTime().toNanoOfDay());
            varint(zigzag(t.getOffset().getTotalSeconds()));
        } else if (c == Instant.class) {
            Instant t = (Instant) v;
            tagged(Cells.INSTANT, zigzag(t.getEpochSecond()));
            varint(t.getNano());
        } else if (c == UUID.class) {
            ensure(17);
            buf[pos++] = Cells.UUID_TAG;
            fixed64(((UUID) v).getMostSignificantBits());
            fixed64(((UUID) v).getLeastSignificantBits());
        } else if (c == Rendered.class) {
            ensure(1);
            buf[pos++] = Cells.RENDERED;
            write(((Rendered) v).value);
            write(((Rendered) v).text);
        } else if (c == CapturedBlob.class) {
            ensure(1);
            buf[pos++] = Cells.BLOB;
            lengthPrefixed(((CapturedBlob) v).bytes);
        } else if (c == CapturedClob.class) {
            ensure(1);
            buf[pos++] = Cells.CLOB;
            string(((CapturedClob) v).text);
        } else if (c == CapturedXml.class) {
            ensure(1);
            buf[pos++] = Cells.XML;
            write(((CapturedXml) v).xml);
        } else {
            throw new IllegalArgumentException("not encodable: " + c.getName());
        }
    }

    private void string(String s) {
        int n = s.length();
        boolean latin1 = true;
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) > 0xFF) {
                latin1 = false;
                break;
            }
        }
        if (latin1) {
            ensure(11 + n);
            buf[pos++] = Cells.LATIN1;
            varint(n);
            // the low byte of each char: exactly the Latin-1 text
            s.getBytes(0, n, buf, pos);
            pos += n;
        } else {
            ensure(11 + 2 * n);
            buf[pos++] = Cells.UTF16;
            varint(n);
            for (int i = 0; i < n; i++) {
                char ch = s.charAt(i);
                buf[pos++] = (byte) (ch >>> 8);
                buf[pos++] = (byte) ch;
            }
        }
    }

    private void decimal(BigDecimal d) {
        if (d.precision() <= 18) {
            // the unscaled value fits a long: no BigInteger is made (unscaledValue() would allocate one)
            long unscaled = d.scale() == 0 ? d.longValue() : d.movePointRight(d.scale()).longValue();
            tagged(Cells.DECIMAL, zigzag(d.scale()));
            varint(zigzag(unscaled));
        } else {
            tagged(Cells.BIG_DECIMAL, zigzag(d.scale()));
            lengthPrefixed(d.unscaledValue().toByteArray());
        }
    }

    private void tagged(byte tag, long v) {
        ensure(11);
        buf[pos++] = tag;
        varint(v);
    }

    private void lengthPrefixed(byte[] bytes) {
        ensure(10 + bytes.length);
        varint(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    /** Appends an unsigned LEB128 integer. */
    void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    /** Appends raw bytes. */
    void raw(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buf, pos, length);
        pos += length;
    }

    void fixed64(long v) {
        ensure(8);
        fixed32((int) (v >>> 32));
        fixed32((int) v);
    }

    void fixed32(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }
}
