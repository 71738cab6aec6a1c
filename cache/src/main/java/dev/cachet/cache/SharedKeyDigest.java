package dev.cachet.cache;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.TemporalAccessor;
import java.util.UUID;

/**
 * The canonical encoding of a {@link QueryKey} behind {@link QueryKey#sharedDigest()}: every part, each value
 * preceded by a tag for its class, so two keys share a digest only when {@link QueryKey#equals} holds for them (up
 * to SHA-256 collisions). Bumping {@link #FORMAT} changes every digest (old shared entries are then never found).
 */
final class SharedKeyDigest {

    private static final int FORMAT = 1;

    private SharedKeyDigest() {
    }

    static byte[] of(QueryKey key) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + key.sql().length());
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeInt(FORMAT);
            SessionKey s = key.session();
            string(out, s.user());
            string(out, s.catalog());
            string(out, s.schema());
            string(out, s.role());
            string(out, s.timeZone());
            string(out, s.dialect());
            string(out, key.sql());
            out.writeInt(key.maxRows());
            out.writeInt(key.resultSetType());
            int[] types = key.sqlTypesForDigest();
            out.writeInt(types.length);
            for (int t : types) {
                out.writeInt(t);
            }
            Object[] parameters = key.parametersForDigest();
            out.writeInt(parameters.length);
            for (Object p : parameters) {
                if (!value(out, p)) {
                    return null;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
        } else {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
    }

    /** Writes a tagged value; false when its class has no canonical encoding. */
    private static boolean value(DataOutputStream out, Object v) throws IOException {
        if (v == null) {
            out.writeByte(0);
        } else if (v instanceof String) {
            out.writeByte(1);
            string(out, (String) v);
        } else if (v instanceof Integer) {
            out.writeByte(2);
            out.writeInt((Integer) v);
        } else if (v instanceof Long) {
            out.writeByte(3);
            out.writeLong((Long) v);
        } else if (v instanceof Short) {
            out.writeByte(4);
            out.writeShort((Short) v);
        } else if (v instanceof Byte) {
            out.writeByte(5);
            out.writeByte((Byte) v);
        } else if (v instanceof Boolean) {
            out.writeByte(6);
            out.writeBoolean((Boolean) v);
        } else if (v instanceof Double) {
            out.writeByte(7);
            out.writeLong(Double.doubleToRawLongBits((Double) v));
        } else if (v instanceof Float) {
            out.writeByte(8);
            out.writeInt(Float.floatToRawIntBits((Float) v));
        } else if (v instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) v;
            out.writeByte(9);
            out.writeInt(d.scale());
            bytes(out, d.unscaledValue().toByteArray());
        } else if (v instanceof BigInteger) {
            out.writeByte(10);
            bytes(out, ((BigInteger) v).toByteArray());
        } else if (v instanceof byte[]) {
            out.writeByte(11);
            bytes(out, (byte[]) v);
        } else if (v instanceof java.sql.Timestamp) {
            java.sql.Timestamp t = (java.sql.Timestamp) v;
            out.writeByte(12);
            out.writeLong(t.getTime());
            out.writeInt(t.getNanos());
        } else if (v.getClass() == java.sql.Date.class || v.getClass() == java.sql.Time.class
                || v.getClass() == java.util.Date.class) {
            out.writeByte(13);
            string(out, v.getClass().getName());
            out.writeLong(((java.util.Date) v).getTime());
        } else if (v instanceof TemporalAccessor && v.getClass().getName().startsWith("java.time.")) {
            // java.time values print every field they hold, and parse back from what they print
            out.writeByte(14);
            string(out, v.getClass().getName());
            string(out, v.toString());
        } else if (v instanceof UUID) {
            out.writeByte(15);
            out.writeLong(((UUID) v).getMostSignificantBits());
            out.writeLong(((UUID) v).getLeastSignificantBits());
        } else if (v instanceof Character) {
            out.writeByte(16);
            out.writeChar((Character) v);
        } else if (v instanceof Object[]) {
            Object[] a = (Object[]) v;
            out.writeByte(17);
            string(out, a.getClass().getComponentType().getName());
            out.writeInt(a.length);
            for (Object e : a) {
                if (!value(out, e)) {
                    return false;
                }
            }
        } else if (v.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(v);
            out.writeByte(18);
            string(out, v.getClass().getComponentType().getName());
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                if (!value(out, java.lang.reflect.Array.get(v, i))) {
                    return false;
                }
            }
        } else {
            return false;
        }
        return true;
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }
}
