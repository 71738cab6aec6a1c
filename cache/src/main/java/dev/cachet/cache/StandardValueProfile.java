package dev.cachet.cache;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.Calendar;

/**
 * The default {@link ValueProfile}: reproduces H2's result sets. On top of the generic {@link ColumnCodec}
 * it applies H2's own conversions — integers and binary strings convert into each other big-endian,
 * any value reads as a BLOB or as a one-element ARRAY of the column's type, a TIME reads as a timestamp
 * of today, INTERVAL values have numeric readings — and H2's SQLStates. Other drivers get their own
 * profiles; nothing here is assumed of them.
 */
final class StandardValueProfile implements ValueProfile {

    static final StandardValueProfile INSTANCE = new StandardValueProfile();

    // static, as the instance is a singleton: a result refers to its profile, not to other statements' metadata
    private static final StatementMetadata STATEMENTS = new StatementMetadata(INSTANCE, H2Shapes::identity);

    private StandardValueProfile() {
    }

    /**
     * The snapshot last captured for {@code statementKey}, with its codecs, when the real metadata reports
     * exactly the same facts (a comparison that allocates nothing; skipped for a result of H2's that comes from a
     * compiled query already seen to report them, {@link H2Shapes}); else a new capture.
     */
    @Override
    public ResultMetadata metadata(String statementKey, ResultSetMetaData real) throws SQLException {
        return STATEMENTS.metadata(statementKey, real);
    }

    @Override
    public ColumnCodec codec(ColumnMetadata column) {
        return new H2ColumnCodec(column);
    }

    @Override
    public SQLException invalidColumnIndex(int index, int columnCount) {
        return new SQLDataException("Invalid value \"" + index + "\" for parameter \"columnIndex\"", "90008");
    }

    @Override
    public String toString() {
        return "ValueProfile.standard()";
    }

    /** An INTERVAL cell: H2's value, its text and its numeric reading (in the interval's leading unit). */
    private static final class IntervalCell implements ValueSizes.Sized {
        final Object value;
        final String text;
        final BigDecimal number;

        IntervalCell(Object value, String text, BigDecimal number) {
            this.value = value;
            this.text = text;
            this.number = number;
        }

        @Override
        public long estimatedBytes() {
            return 24 + 40 + ValueSizes.string(text) + ValueSizes.of(number);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static final class H2ColumnCodec extends ColumnCodec {

        private final int type;
        private final String typeName;
        private final boolean interval;
        private final boolean binary;
        /** H2 renders these columns' values exactly as String.valueOf does: no need to ask getString. */
        private final boolean integral;
        /** H2 renders these columns' values with toPlainString: equal to String.valueOf unless exponential. */
        private final boolean decimal;

        H2ColumnCodec(ColumnMetadata column) {
            // H2 names DECIMAL columns' array element type NUMERIC
            this.type = column.type() == Types.DECIMAL ? Types.NUMERIC : column.type();
            this.typeName = "DECIMAL".equals(column.typeName()) ? "NUMERIC" : column.typeName();
            this.interval = typeName != null && typeName.startsWith("INTERVAL");
            this.binary = (type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY
                    || type == Types.BLOB) && !"UUID".equals(typeName);
            this.integral = type == Types.INTEGER || type == Types.BIGINT || type == Types.SMALLINT
                    || type == Types.TINYINT;
            this.decimal = type == Types.NUMERIC && "NUMERIC".equals(typeName);
        }

        @Override
        protected boolean isImmutable(Object value) {
            return super.isImmutable(value) || value.getClass().getName().equals("org.h2.api.Interval");
        }

        /** True when {@code d.toString()} equals {@code d.toPlainString()} (no exponent, JDK rules). */
        private static boolean rendersPlain(BigDecimal d) {
            return d.scale() >= 0 && (long) d.precision() - d.scale() - 1 >= -6;
        }

        @Override
        public Object capture(ResultSet real, int column, long byteBudget) throws SQLException {
            if (integral) {
                // the tee's hot path: one getObject, no getString and no rendering to compare
                Object value = real.getObject(column);
                if (value == null || value instanceof Integer || value instanceof Long || value instanceof Short
                        || value instanceof Byte) {
                    return value;
                }
                return super.capture(real, column, byteBudget);
            }
            if (decimal) {
                // H2's getString is BigDecimal.toPlainString(): skip it when toString() (the generic
                // rendering) prints the same digits, i.e. without an exponent
                Object value = real.getObject(column);
                if (value == null || value instanceof BigDecimal && rendersPlain((BigDecimal) value)) {
                    return value;
                }
                return super.capture(real, column, byteBudget);
            }
            if (!interval) {
                return super.capture(real, column, byteBudget);
            }
            Object value = real.getObject(column);
            if (value == null) {
                return null;
            }
            BigDecimal number;
            try {
                number = real.getBigDecimal(column);
            } catch (SQLException e) {
                number = null;
            }
            return new IntervalCell(captureObject(value, byteBudget), real.getString(column), number);
        }

        /** The value numeric getters read. */
        private Object numeric(Object captured) throws SQLException {
            if (captured instanceof IntervalCell) {
                IntervalCell cell = (IntervalCell) captured;
                if (cell.number == null) {
                    throw conversionError(cell.value, "NUMERIC");
                }
                return cell.number;
            }
            return captured;
        }

        /** The value other getters read. */
        private static Object value(Object captured) {
            return captured instanceof IntervalCell ? ((IntervalCell) captured).value : captured;
        }

        @Override
        public String getString(Object captured) throws SQLException {
            if (captured instanceof IntervalCell) {
                return ((IntervalCell) captured).text;
            }
            return super.getString(captured);
        }

        @Override
        public boolean getBoolean(Object captured) throws SQLException {
            if (captured instanceof IntervalCell) {
                throw conversionError(((IntervalCell) captured).value, "BOOLEAN");
            }
            return super.getBoolean(captured);
        }

        @Override
        protected long getLong(Object captured, String target) throws SQLException {
            if (captured instanceof Long || captured instanceof Integer) {
                return ((Number) captured).longValue();
            }
            Object v = plain(numeric(captured));
            if (v instanceof byte[] && binary) {
                byte[] b = (byte[]) v;
                int width = target.equals("TINYINT") ? 1 : target.equals("SMALLINT") ? 2
                        : target.equals("INTEGER") ? 4 : 8;
                if (b.length == width) {
                    long l = 0;
                    for (byte x : b) {
                        l = (l << 8) | (x & 0xFF);
                    }
                    return width == 1 ? (byte) l : width == 2 ? (short) l : width == 4 ? (int) l : l;
                }
            }
            return super.getLong(numeric(captured), target);
        }

        @Override
        public int getInt(Object captured) throws SQLException {
            if (captured instanceof Integer) {
                return (Integer) captured;
            }
            return super.getInt(captured);
        }

        @Override
        protected double getDouble(Object captured, String target) throws SQLException {
            return super.getDouble(numeric(captured), target);
        }

        @Override
        public float getFloat(Object captured) throws SQLException {
            return super.getFloat(numeric(captured));
        }

        @Override
        public BigDecimal getBigDecimal(Object captured) throws SQLException {
            return super.getBigDecimal(numeric(captured));
        }

        @Override
        public byte[] getBytes(Object captured) throws SQLException {
            Object v = plain(value(captured));
            if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                // big-endian, as wide as the column's type
                long l = ((Number) v).longValue();
                int width = type == Types.TINYINT ? 1 : type == Types.SMALLINT ? 2 : type == Types.BIGINT ? 8 : 4;
                byte[] b = new byte[width];
                for (int i = width - 1; i >= 0; i--) {
                    b[i] = (byte) l;
                    l >>= 8;
                }
                return b;
            }
            return super.getBytes(value(captured));
        }

        @Override
        public java.sql.Date getDate(Object captured, Calendar calendar) throws SQLException {
            return super.getDate(value(captured), calendar);
        }

        @Override
        public java.sql.Time getTime(Object captured, Calendar calendar) throws SQLException {
            return super.getTime(value(captured), calendar);
        }

        @Override
        public java.sql.Timestamp getTimestamp(Object captured, Calendar calendar) throws SQLException {
            return super.getTimestamp(value(captured), calendar);
        }

        @Override
        public Object getObject(Object captured) throws SQLException {
            return super.getObject(value(captured));
        }

        @Override
        public <T> T getObject(Object captured, Class<T> type) throws SQLException {
            if (type == Object.class) {
                throw new SQLDataException("Unsupported conversion to java.lang.Object", binary ? "90027" : "22018");
            }
            if (type == OffsetTime.class) {
                Object v = plain(value(captured));
                if (!(v instanceof OffsetTime) && !(v instanceof OffsetDateTime)) {
                    LocalTime time = localTime(captured);
                    return type.cast(time.atOffset(sessionZone().getRules().getOffset(
                            LocalDate.now(sessionZone()).atTime(time))));
                }
            }
            if (type == BigDecimal.class || type == Integer.class || type == Long.class || type == Short.class
                    || type == Byte.class || type == Double.class || type == Float.class
                    || type == java.math.BigInteger.class || type == Boolean.class || type == String.class
                    || type == byte[].class || type == Array.class || type == Blob.class) {
                return super.getObject(captured, type);
            }
            return super.getObject(value(captured), type);
        }

        @Override
        public Array getArray(Object captured) throws SQLException {
            Object v = plain(value(captured));
            if (v instanceof CapturedArray) {
                return ((CapturedArray) v).toArray();
            }
            return CapturedArray.of(new Object[] {getObject(captured)}, type, typeName).toArray();
        }

        @Override
        public Blob getBlob(Object captured) throws SQLException {
            Object v = plain(value(captured));
            if (v instanceof CapturedBlob) {
                return super.getBlob(v);
            }
            return new ReadOnlyBlob(getBytes(captured));
        }

        @Override
        protected LocalDateTime localDateTime(Object captured) throws SQLException {
            Object v = plain(value(captured));
            if (v instanceof java.sql.Time) {
                // H2 reads a TIME as a timestamp of the current date
                return LocalDate.now(sessionZone()).atTime(Temporals.localTime((java.sql.Time) v));
            }
            return super.localDateTime(value(captured));
        }

        @Override
        protected LocalTime localTime(Object captured) throws SQLException {
            return super.localTime(value(captured));
        }

        @Override
        protected LocalDate localDate(Object captured) throws SQLException {
            return super.localDate(value(captured));
        }
    }
}
