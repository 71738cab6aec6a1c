package dev.cachet.cache;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.NClob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Calendar;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Captures the cells of one column while a result is teed, and converts a captured cell for every getter
 * of a {@link CachedResultSet}. Obtained from a {@link ValueProfile}; one instance serves many results
 * concurrently, so a codec is immutable.
 *
 * <p>The getters receive the captured cell, never {@code null}: SQL NULL is handled by the result set
 * (getters return {@code null}, {@code 0} or {@code false} and {@code wasNull()} is true). The exceptions
 * are the national-character getters ({@link #getNString}, {@link #getNCharacterStream},
 * {@link #getNClob}), which receive {@code null} for SQL NULL so a profile can refuse them outright, and
 * {@link #getObjectOfNull}, which {@code getObject(column, Class)} calls for SQL NULL. Returned
 * values are copies whenever they are mutable. The defaults here implement the JDBC conversion table the
 * way H2 does; a driver profile subclasses this class and overrides what its driver does differently.
 *
 * <p>The default {@link #capture} reads {@code getObject}, copies mutable values, materializes LOBs and
 * arrays, and — for non-string values — also reads the driver's {@code getString}: when the driver's
 * rendering differs from {@link #render the generic one} the cell keeps both, so {@code getString}
 * reproduces any driver's format without this module knowing it.
 */
public class ColumnCodec {

    /**
     * True when this codec's integer, string, decimal and timestamp getters are this class's or the H2 profile's (no
     * other subclass overrides them): a {@link CachedResultSet} then answers {@code getInt}, {@code getLong},
     * {@code getString}, {@code getBigDecimal} and {@code getTimestamp} of such a cell straight from its bytes,
     * without boxing or a second copy — the same answers.
     */
    final boolean standardScalars;

    /** See {@link #ColumnCodec(boolean)}. */
    final boolean plainNumberText;

    /** True when this codec's class overrides {@link #timestampOfText}: a result set offers string cells to it. */
    final boolean timestampsFromText;

    /** Creates a codec; subclasses are profile-specific codecs. */
    protected ColumnCodec() {
        this(false);
    }

    /**
     * Creates a codec that may declare how its numeric getters read text.
     *
     * @param plainNumberText true when, for a string cell whose text is a plain decimal number — an optional
     *                        minus sign, digits, and at most one point followed by digits — {@link #getInt} and
     *                        {@link #getLong} return what {@code Integer.parseInt} and {@code Long.parseLong} make of
     *                        an integer text, and {@link #getBigDecimal(Object)} what {@code new BigDecimal(text)}
     *                        makes of it. A {@link CachedResultSet} then reads such a cell from its bytes, without a
     *                        {@code String}; any other text still goes to the getter.
     */
    protected ColumnCodec(boolean plainNumberText) {
        this.standardScalars = OWN_GETTERS.get(getClass());
        this.plainNumberText = plainNumberText;
        this.timestampsFromText = TIMESTAMPS_FROM_TEXT.get(getClass());
    }

    /** {@link #ownGetters} once per codec class (codecs are made per column of every statement shape). */
    private static final ClassValue<Boolean> OWN_GETTERS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return ownGetters(type);
        }
    };

    private static final ClassValue<Boolean> TIMESTAMPS_FROM_TEXT = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Class<?> k = type; k != ColumnCodec.class; k = k.getSuperclass()) {
                try {
                    k.getDeclaredMethod("timestampOfText", CharSequence.class, Calendar.class);
                    return true;
                } catch (NoSuchMethodException e) {
                    // look further up
                } catch (SecurityException e) {
                    return false;
                }
            }
            return false;
        }
    };

    private static boolean ownGetters(Class<?> c) {
        return declaredHere(c, "getInt", Object.class) && declaredHere(c, "getLong", Object.class)
                && declaredHere(c, "getLong", Object.class, String.class)
                && declaredHere(c, "getTimestamp", Object.class, Calendar.class)
                && declaredHere(c, "getString", Object.class) && declaredHere(c, "render", Object.class)
                && declaredHere(c, "getBigDecimal", Object.class);
    }

    /** Whether the nearest declaration of the method, from {@code c} up, is this class's or the H2 profile's. */
    private static boolean declaredHere(Class<?> c, String name, Class<?>... parameters) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                k.getDeclaredMethod(name, parameters);
                return k == ColumnCodec.class || k == StandardValueProfile.H2ColumnCodec.class;
            } catch (NoSuchMethodException e) {
                // look further up
            } catch (SecurityException e) {
                return false;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- capture

    /**
     * Reads the current row's cell of {@code column} from the real result set without moving its cursor.
     *
     * @param real       the driver's result set, positioned on a row
     * @param column     the 1-based column index
     * @param byteBudget how many bytes the entry may still grow by; a LOB larger than this is refused
     * <p>The default returns a {@code Timestamp}, {@code java.sql.Date}, {@code Time}, {@code java.util.Date} or
     * {@code byte[]} as the driver handed it over, uncopied: the result builder encodes it into the entry's bytes
     * before the next call, so a later change by the driver cannot reach the cache. A subclass that keeps such a
     * value inside a cell of its own must copy it ({@link #captureObject} does).
     *
     * @return the captured cell, {@code null} for SQL NULL
     * @throws NotCacheableValueException when the value cannot be cached (the copy is then dropped)
     * @throws SQLException               when the driver fails
     */
    public Object capture(ResultSet real, int column, long byteBudget) throws SQLException {
        Object value = real.getObject(column);
        if (value == null) {
            return null;
        }
        if (value instanceof String) {
            return value;
        }
        // a Timestamp, Date or byte[] the result is about to encode needs no defensive copy first
        Object captured = Cells.encodedAtOnce(value) ? value : captureObject(value, byteBudget);
        String text = real.getString(column);
        if (!Objects.equals(text, render(captured))) {
            return Rendered.of(captured, text);
        }
        return captured;
    }

    /** Copies or materializes one value obtained from the driver; refuses unknown types. */
    protected Object captureObject(Object value, long byteBudget) throws SQLException {
        if (value instanceof byte[]) {
            return ((byte[]) value).clone();
        }
        if (value instanceof java.util.Date) {
            return Temporals.copy((java.util.Date) value);
        }
        if (isImmutable(value)) {
            return value;
        }
        if (value instanceof Blob) {
            return CapturedBlob.capture((Blob) value, byteBudget);
        }
        if (value instanceof Clob) {
            return CapturedClob.capture((Clob) value, byteBudget);
        }
        if (value instanceof SQLXML) {
            String xml = ((SQLXML) value).getString();
            if (xml != null && 2L * xml.length() > byteBudget) {
                throw new NotCacheableValueException("SQLXML value larger than the per-entry byte cap");
            }
            return new CapturedXml(xml);
        }
        if (value instanceof Array) {
            return CapturedArray.capture((Array) value, this, byteBudget);
        }
        if (value.getClass().isArray()) {
            return ValueCopies.copyArray(value);
        }
        throw new NotCacheableValueException("values of type " + value.getClass().getName()
                + " are not known to be immutable");
    }

    /**
     * Whether a value can be shared as it is. True for strings, boxed primitives, {@code BigDecimal},
     * {@code BigInteger}, {@code UUID}, {@code java.time} values, {@code URL}s and enums; a profile adds
     * its driver's immutable types.
     */
    protected boolean isImmutable(Object value) {
        return value instanceof String || value instanceof Number && isImmutableNumber(value)
                || value instanceof Boolean || value instanceof Character || value instanceof UUID
                || value instanceof java.time.temporal.TemporalAccessor
                        && value.getClass().getName().startsWith("java.time.")
                || value instanceof java.time.temporal.TemporalAmount
                        && value.getClass().getName().startsWith("java.time.")
                || value instanceof URL || value instanceof Enum;
    }

    private static boolean isImmutableNumber(Object n) {
        return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                || n instanceof Double || n instanceof Float
                || n.getClass() == BigDecimal.class || n.getClass() == BigInteger.class;
    }

    /** The estimated retained size of a captured cell in bytes (0 for null and shared constants). */
    public long sizeOf(Object captured) {
        return ValueSizes.of(captured);
    }

    /**
     * The generic text of a captured value, used when the driver's {@code getString} gives the same text:
     * then only the value is kept. Any driver's rendering is still reproduced, since a differing text is
     * kept next to the value.
     */
    protected String render(Object captured) {
        Object v = plain(captured);
        if (v instanceof String) {
            return (String) v;
        }
        if (v instanceof byte[]) {
            return hex((byte[]) v);
        }
        if (v instanceof Timestamp) {
            return Temporals.render((Timestamp) v);
        }
        if (v instanceof java.sql.Date) {
            return Temporals.render((java.sql.Date) v);
        }
        if (v instanceof Time) {
            return Temporals.render((Time) v);
        }
        if (v instanceof CapturedClob) {
            return ((CapturedClob) v).text;
        }
        if (v instanceof CapturedXml) {
            return ((CapturedXml) v).xml;
        }
        if (v instanceof CapturedBlob) {
            return hex(((CapturedBlob) v).bytes);
        }
        return String.valueOf(v);
    }

    // ---------------------------------------------------------------- getters

    /** The captured value without the driver's rendering next to it. */
    protected static Object plain(Object captured) {
        return captured instanceof Rendered ? ((Rendered) captured).value : captured;
    }

    /** {@code getString}: the driver's own rendering when it was captured, else the generic one. */
    public String getString(Object captured) throws SQLException {
        if (captured instanceof Rendered) {
            return ((Rendered) captured).text;
        }
        return render(captured);
    }

    public boolean getBoolean(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (v instanceof BigDecimal) {
            return ((BigDecimal) v).signum() != 0;
        }
        if (v instanceof Double || v instanceof Float) {
            return ((Number) v).doubleValue() != 0;
        }
        if (v instanceof Number) {
            return ((Number) v).longValue() != 0;
        }
        if (v instanceof String || v instanceof CapturedClob) {
            String s = getString(captured).trim();
            if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("t") || s.equalsIgnoreCase("yes")
                    || s.equalsIgnoreCase("y")) {
                return true;
            }
            if (s.equalsIgnoreCase("false") || s.equalsIgnoreCase("f") || s.equalsIgnoreCase("no")
                    || s.equalsIgnoreCase("n")) {
                return false;
            }
            try {
                return new BigDecimal(s).signum() != 0;
            } catch (NumberFormatException e) {
                throw conversionError(captured, "BOOLEAN");
            }
        }
        throw conversionError(captured, "BOOLEAN");
    }

    public byte getByte(Object captured) throws SQLException {
        long l = getLong(captured, "TINYINT");
        if (l < Byte.MIN_VALUE || l > Byte.MAX_VALUE) {
            throw outOfRange(captured, "TINYINT");
        }
        return (byte) l;
    }

    public short getShort(Object captured) throws SQLException {
        long l = getLong(captured, "SMALLINT");
        if (l < Short.MIN_VALUE || l > Short.MAX_VALUE) {
            throw outOfRange(captured, "SMALLINT");
        }
        return (short) l;
    }

    public int getInt(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof Integer) {
            return (Integer) v;
        }
        long l = getLong(captured, "INTEGER");
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw outOfRange(captured, "INTEGER");
        }
        return (int) l;
    }

    public long getLong(Object captured) throws SQLException {
        return getLong(captured, "BIGINT");
    }

    /** Integral conversion shared by the integer getters; {@code target} names the type in errors. */
    protected long getLong(Object captured, String target) throws SQLException {
        Object v = plain(captured);
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1 : 0;
        }
        if (v instanceof BigDecimal || v instanceof BigInteger) {
            BigDecimal d = v instanceof BigDecimal ? (BigDecimal) v : new BigDecimal((BigInteger) v);
            try {
                return d.setScale(0, RoundingMode.HALF_UP).longValueExact();
            } catch (ArithmeticException e) {
                throw outOfRange(captured, target);
            }
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || d > Long.MAX_VALUE || d < Long.MIN_VALUE) {
                throw outOfRange(captured, target);
            }
            return Math.round(d);
        }
        if (v instanceof String || v instanceof CapturedClob) {
            String s = getString(captured).trim();
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                try {
                    return new BigDecimal(s).setScale(0, RoundingMode.HALF_UP).longValueExact();
                } catch (NumberFormatException | ArithmeticException e2) {
                    throw conversionError(captured, target);
                }
            }
        }
        throw conversionError(captured, target);
    }

    public float getFloat(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof Float) {
            return (Float) v;
        }
        return (float) getDouble(captured, "REAL");
    }

    public double getDouble(Object captured) throws SQLException {
        return getDouble(captured, "DOUBLE PRECISION");
    }

    protected double getDouble(Object captured, String target) throws SQLException {
        Object v = plain(captured);
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1 : 0;
        }
        if (v instanceof String || v instanceof CapturedClob) {
            try {
                return Double.parseDouble(getString(captured).trim());
            } catch (NumberFormatException e) {
                throw conversionError(captured, target);
            }
        }
        throw conversionError(captured, target);
    }

    public BigDecimal getBigDecimal(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof BigDecimal) {
            return (BigDecimal) v;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof BigInteger) {
            return new BigDecimal((BigInteger) v);
        }
        if (v instanceof Double) {
            return BigDecimal.valueOf((Double) v);
        }
        if (v instanceof Float) {
            return new BigDecimal(v.toString());
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (v instanceof String || v instanceof CapturedClob) {
            try {
                return new BigDecimal(getString(captured).trim());
            } catch (NumberFormatException e) {
                throw conversionError(captured, "NUMERIC");
            }
        }
        throw conversionError(captured, "NUMERIC");
    }

    /** The deprecated {@code getBigDecimal(column, scale)}: rounded half-up to {@code scale}. */
    public BigDecimal getBigDecimal(Object captured, int scale) throws SQLException {
        return getBigDecimal(captured).setScale(scale, RoundingMode.HALF_UP);
    }

    public byte[] getBytes(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof byte[]) {
            return ((byte[]) v).clone();
        }
        if (v instanceof CapturedBlob) {
            return ((CapturedBlob) v).bytes.clone();
        }
        if (v instanceof UUID) {
            UUID u = (UUID) v;
            return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                    .putLong(u.getLeastSignificantBits()).array();
        }
        if (v instanceof String || v instanceof CapturedClob) {
            return getString(captured).getBytes(StandardCharsets.UTF_8);
        }
        throw conversionError(captured, "VARBINARY");
    }

    /** {@code getDate} with an optional calendar whose zone interprets a zone-less value. */
    public java.sql.Date getDate(Object captured, Calendar calendar) throws SQLException {
        LocalDate date = localDate(captured);
        if (calendar == null) {
            return java.sql.Date.valueOf(date);
        }
        return new java.sql.Date(date.atStartOfDay(zone(calendar)).toInstant().toEpochMilli());
    }

    public Time getTime(Object captured, Calendar calendar) throws SQLException {
        Object v = plain(captured);
        if (v instanceof Time && calendar == null) {
            return (Time) Temporals.copy((Time) v);
        }
        LocalTime time = localTime(captured);
        ZoneId zone = calendar == null ? ZoneId.systemDefault() : zone(calendar);
        return new Time(time.atDate(LocalDate.EPOCH).atZone(zone).toInstant().toEpochMilli());
    }

    /**
     * {@link #getTimestamp(Object, Calendar)} of a cell captured as a {@code String}, given the string's characters
     * instead of the string: a result set that keeps the text in its own compact form offers it this way before it
     * makes a {@code String} of it. Returns what {@code getTimestamp} returns for that text, or {@code null} when the
     * codec does not answer from the characters (the result set then makes the string and calls
     * {@code getTimestamp}), which is also how a text that does not convert is left to {@code getTimestamp} and its
     * exception. The characters are valid only during the call. The default answers {@code null}; a codec that
     * overrides this method is offered every Latin-1 string cell, so it should decide cheaply.
     *
     * @param text     the cell's text; not to be kept
     * @param calendar as for {@link #getTimestamp(Object, Calendar)}
     */
    protected Timestamp timestampOfText(CharSequence text, Calendar calendar) {
        return null;
    }

    public Timestamp getTimestamp(Object captured, Calendar calendar) throws SQLException {
        Object v = plain(captured);
        if (v instanceof Timestamp && calendar == null) {
            return (Timestamp) Temporals.copy((Timestamp) v);
        }
        if (v instanceof OffsetDateTime) {
            return Timestamp.from(((OffsetDateTime) v).toInstant());
        }
        if (v instanceof Instant) {
            return Timestamp.from((Instant) v);
        }
        LocalDateTime dateTime = localDateTime(captured);
        if (calendar == null) {
            return Timestamp.valueOf(dateTime);
        }
        Timestamp t = Timestamp.from(dateTime.atZone(zone(calendar)).toInstant());
        return t;
    }

    public Object getObject(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof byte[]) {
            return ((byte[]) v).clone();
        }
        if (v instanceof java.util.Date) {
            return Temporals.copy((java.util.Date) v);
        }
        if (v instanceof CapturedArray) {
            return ((CapturedArray) v).toArray();
        }
        if (v instanceof CapturedBlob) {
            return new ReadOnlyBlob(((CapturedBlob) v).bytes);
        }
        if (v instanceof CapturedClob) {
            return new ReadOnlyClob(((CapturedClob) v).text);
        }
        if (v instanceof CapturedXml) {
            return new ReadOnlySqlXml(((CapturedXml) v).xml);
        }
        if (v != null && v.getClass().isArray()) {
            return ValueCopies.copyArray(v);
        }
        return v;
    }

    /** {@code getObject(column, map)}: type maps apply to user-defined types, which are never cached. */
    public Object getObject(Object captured, Map<String, Class<?>> map) throws SQLException {
        return getObject(captured);
    }

    /**
     * {@code getObject(column, type)} on an SQL NULL cell. The default returns {@code null} for any
     * non-null {@code type} (as H2 does); a profile whose driver checks the requested class against the
     * column's type first (pgjdbc: 22023 / 42821) throws here too, so NULL and non-NULL cells fail alike.
     *
     * @param type the class the application asked for; {@code null} is refused
     */
    public <T> T getObjectOfNull(Class<T> type) throws SQLException {
        if (type == null) {
            throw SqlErrors.of("type must not be null", "90008");
        }
        return null;
    }

    /** {@code getObject(column, type)} for the types JDBC 4.2 lists, {@code java.time} and {@code UUID}. */
    public <T> T getObject(Object captured, Class<T> type) throws SQLException {
        if (type == null) {
            throw SqlErrors.of("type must not be null", "90008");
        }
        return type.cast(convert(captured, type));
    }

    private Object convert(Object captured, Class<?> type) throws SQLException {
        Object v = plain(captured);
        if (type == String.class) {
            return getString(captured);
        }
        if (type == Integer.class) {
            return getInt(captured);
        }
        if (type == Long.class) {
            return getLong(captured);
        }
        if (type == Boolean.class) {
            return getBoolean(captured);
        }
        if (type == BigDecimal.class) {
            return getBigDecimal(captured);
        }
        if (type == Double.class) {
            return getDouble(captured);
        }
        if (type == Float.class) {
            return getFloat(captured);
        }
        if (type == Short.class) {
            return getShort(captured);
        }
        if (type == Byte.class) {
            return getByte(captured);
        }
        if (type == BigInteger.class) {
            return getBigDecimal(captured).toBigInteger();
        }
        if (type == byte[].class) {
            return getBytes(captured);
        }
        if (type == java.sql.Date.class) {
            return getDate(captured, null);
        }
        if (type == Time.class) {
            return getTime(captured, null);
        }
        if (type == Timestamp.class || type == java.util.Date.class) {
            return getTimestamp(captured, null);
        }
        if (type == LocalDate.class) {
            return localDate(captured);
        }
        if (type == LocalTime.class) {
            return localTime(captured);
        }
        if (type == LocalDateTime.class) {
            return localDateTime(captured);
        }
        if (type == OffsetDateTime.class) {
            return offsetDateTime(captured);
        }
        if (type == ZonedDateTime.class) {
            return offsetDateTime(captured).toZonedDateTime();
        }
        if (type == Instant.class) {
            return offsetDateTime(captured).toInstant();
        }
        if (type == OffsetTime.class) {
            if (v instanceof OffsetTime) {
                return v;
            }
            if (v instanceof OffsetDateTime) {
                return ((OffsetDateTime) v).toOffsetTime();
            }
            throw conversionError(captured, "TIME WITH TIME ZONE");
        }
        if (type == UUID.class) {
            if (v instanceof UUID) {
                return v;
            }
            if (v instanceof byte[] && ((byte[]) v).length == 16) {
                ByteBuffer b = ByteBuffer.wrap((byte[]) v);
                return new UUID(b.getLong(), b.getLong());
            }
            if (v instanceof String) {
                try {
                    return UUID.fromString(((String) v).trim());
                } catch (IllegalArgumentException e) {
                    throw conversionError(captured, "UUID");
                }
            }
            throw conversionError(captured, "UUID");
        }
        if (type == Array.class) {
            return getArray(captured);
        }
        if (type == Blob.class) {
            return getBlob(captured);
        }
        if (type == Clob.class || type == NClob.class) {
            return getClob(captured);
        }
        if (type == SQLXML.class) {
            return getSQLXML(captured);
        }
        if (type == URL.class) {
            return getURL(captured);
        }
        if (type == Object.class) {
            return getObject(captured);
        }
        Object object = getObject(captured);
        if (type.isInstance(object)) {
            return object;
        }
        throw conversionError(captured, type.getName());
    }

    public Array getArray(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof CapturedArray) {
            return ((CapturedArray) v).toArray();
        }
        throw conversionError(captured, "ARRAY");
    }

    public Blob getBlob(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof CapturedBlob) {
            return new ReadOnlyBlob(((CapturedBlob) v).bytes);
        }
        if (v instanceof byte[]) {
            return new ReadOnlyBlob((byte[]) v);
        }
        throw conversionError(captured, "BLOB");
    }

    public NClob getClob(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof CapturedClob) {
            return new ReadOnlyClob(((CapturedClob) v).text);
        }
        return new ReadOnlyClob(getString(captured));
    }

    public SQLXML getSQLXML(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof CapturedXml) {
            return new ReadOnlySqlXml(((CapturedXml) v).xml);
        }
        return new ReadOnlySqlXml(getString(captured));
    }

    public Reader getCharacterStream(Object captured) throws SQLException {
        return new StringReader(getString(captured));
    }

    // The national-character getters are the only getters that also receive SQL NULL (as null), so a
    // profile whose driver refuses them (pgjdbc: SQLFeatureNotSupportedException, 0A000) refuses them
    // whatever the cell holds.

    /**
     * {@code getNString}: by default the {@link #getString} answer.
     *
     * @param captured the captured cell, or {@code null} for SQL NULL (then the default returns null)
     */
    public String getNString(Object captured) throws SQLException {
        return captured == null ? null : getString(captured);
    }

    /**
     * {@code getNCharacterStream}: by default the {@link #getCharacterStream} answer.
     *
     * @param captured the captured cell, or {@code null} for SQL NULL (then the default returns null)
     */
    public Reader getNCharacterStream(Object captured) throws SQLException {
        return captured == null ? null : getCharacterStream(captured);
    }

    /**
     * {@code getNClob}: by default the {@link #getClob} answer.
     *
     * @param captured the captured cell, or {@code null} for SQL NULL (then the default returns null)
     */
    public NClob getNClob(Object captured) throws SQLException {
        return captured == null ? null : getClob(captured);
    }

    public InputStream getBinaryStream(Object captured) throws SQLException {
        return new ByteArrayInputStream(getBytes(captured));
    }

    public InputStream getAsciiStream(Object captured) throws SQLException {
        return new ByteArrayInputStream(getString(captured).getBytes(StandardCharsets.US_ASCII));
    }

    public URL getURL(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof URL) {
            return (URL) v;
        }
        try {
            return new URL(getString(captured));
        } catch (MalformedURLException e) {
            throw new SQLException("Not a URL: " + e.getMessage(), "22018", e);
        }
    }

    // ---------------------------------------------------------------- temporal helpers

    /** The session zone zone-less conversions use: the JVM default, as in H2's embedded sessions. */
    protected ZoneId sessionZone() {
        return ZoneId.systemDefault();
    }

    protected LocalDate localDate(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof java.sql.Date) {
            return Temporals.localDate((java.sql.Date) v);
        }
        if (v instanceof Timestamp) {
            return Temporals.localDateTime((Timestamp) v).toLocalDate();
        }
        if (v instanceof LocalDate) {
            return (LocalDate) v;
        }
        if (v instanceof LocalDateTime) {
            return ((LocalDateTime) v).toLocalDate();
        }
        if (v instanceof OffsetDateTime) {
            return ((OffsetDateTime) v).atZoneSameInstant(sessionZone()).toLocalDate();
        }
        if (v instanceof String) {
            try {
                return LocalDate.parse(((String) v).trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw badDateTime(captured, "DATE");
            }
        }
        throw conversionError(captured, "DATE");
    }

    protected LocalTime localTime(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof Time) {
            return Temporals.localTime((Time) v);
        }
        if (v instanceof Timestamp) {
            return Temporals.localDateTime((Timestamp) v).toLocalTime();
        }
        if (v instanceof LocalTime) {
            return (LocalTime) v;
        }
        if (v instanceof LocalDateTime) {
            return ((LocalDateTime) v).toLocalTime();
        }
        if (v instanceof OffsetDateTime) {
            return ((OffsetDateTime) v).atZoneSameInstant(sessionZone()).toLocalTime();
        }
        if (v instanceof OffsetTime) {
            return ((OffsetTime) v).toLocalTime();
        }
        if (v instanceof String) {
            try {
                return LocalTime.parse(((String) v).trim());
            } catch (java.time.format.DateTimeParseException e) {
                throw badDateTime(captured, "TIME");
            }
        }
        throw conversionError(captured, "TIME");
    }

    protected LocalDateTime localDateTime(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof Timestamp) {
            return Temporals.localDateTime((Timestamp) v);
        }
        if (v instanceof java.sql.Date) {
            return Temporals.localDate((java.sql.Date) v).atStartOfDay();
        }
        if (v instanceof Time) {
            return Temporals.localTime((Time) v).atDate(LocalDate.EPOCH);
        }
        if (v instanceof LocalDateTime) {
            return (LocalDateTime) v;
        }
        if (v instanceof LocalDate) {
            return ((LocalDate) v).atStartOfDay();
        }
        if (v instanceof LocalTime) {
            return ((LocalTime) v).atDate(LocalDate.EPOCH);
        }
        if (v instanceof OffsetDateTime) {
            return ((OffsetDateTime) v).atZoneSameInstant(sessionZone()).toLocalDateTime();
        }
        if (v instanceof String) {
            String s = ((String) v).trim();
            try {
                return Timestamp.valueOf(s).toLocalDateTime();
            } catch (IllegalArgumentException e) {
                try {
                    return LocalDate.parse(s).atStartOfDay();
                } catch (java.time.format.DateTimeParseException e2) {
                    throw badDateTime(captured, "TIMESTAMP");
                }
            }
        }
        throw conversionError(captured, "TIMESTAMP");
    }

    protected OffsetDateTime offsetDateTime(Object captured) throws SQLException {
        Object v = plain(captured);
        if (v instanceof OffsetDateTime) {
            return (OffsetDateTime) v;
        }
        if (v instanceof ZonedDateTime) {
            return ((ZonedDateTime) v).toOffsetDateTime();
        }
        if (v instanceof Instant) {
            return ((Instant) v).atOffset(java.time.ZoneOffset.UTC);
        }
        return localDateTime(captured).atZone(sessionZone()).toOffsetDateTime();
    }

    private static ZoneId zone(Calendar calendar) {
        return calendar.getTimeZone().toZoneId();
    }

    // ---------------------------------------------------------------- errors

    /** The exception for a value that cannot be converted to {@code target}. */
    protected SQLException conversionError(Object captured, String target) {
        return SqlErrors.of("Data conversion error converting " + describe(captured) + " to " + target,
                "22018");
    }

    /** The exception for a text that is not a valid date or time. */
    protected SQLException badDateTime(Object captured, String target) {
        return SqlErrors.of("Cannot parse " + target + " from the text value", "22007");
    }

    /** The exception for a numeric value outside the range of {@code target}. */
    protected SQLException outOfRange(Object captured, String target) {
        return SqlErrors.of("Numeric value out of range for " + target, "22003");
    }

    private static String describe(Object captured) {
        Object v = plain(captured);
        return v instanceof CapturedArray ? "ARRAY" : v instanceof CapturedBlob ? "BLOB"
                : v instanceof CapturedClob ? "CLOB" : v.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- text helpers

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

}
