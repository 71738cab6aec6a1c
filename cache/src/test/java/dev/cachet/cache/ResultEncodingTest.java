package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Round trips through {@link ResultEncoding} and the in-process compact form ({@link Cells}) over every value class
 * the built-in profiles capture — and every damaged input failing with {@link ResultEncodingException}, never
 * decoding into another result.
 */
class ResultEncodingTest {

    private static final ResultMetadata ONE_COLUMN = new ResultMetadata(
            TestResults.column("V", Types.OTHER, "OTHER", "java.lang.Object"));

    // ---------------------------------------------------------------- values

    @Provide
    Arbitrary<Object> values() {
        Arbitrary<String> strings = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> latin1 = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(40);
        Arbitrary<Long> longs = Arbitraries.longs();
        Arbitrary<Long> millis = Arbitraries.longs().between(-62_135_596_800_000L, 253_402_300_799_000L);
        Arbitrary<Integer> nanos = Arbitraries.integers().between(0, 999_999_999);
        Arbitrary<Object> plain = Arbitraries.oneOf(
                Arbitraries.just(null),
                strings.map(s -> s), latin1.map(s -> s),
                Arbitraries.integers().map(i -> i), longs.map(l -> l),
                Arbitraries.shorts().map(s -> s), Arbitraries.bytes().map(b -> b),
                Arbitraries.of(true, false).map(b -> b),
                Arbitraries.doubles().map(d -> d), Arbitraries.of(Double.NaN, -0.0d, Double.NEGATIVE_INFINITY).map(d -> d),
                Arbitraries.floats().map(f -> f), Arbitraries.of(Float.NaN, -0.0f).map(f -> f),
                Combinators.combine(longs, Arbitraries.integers().between(-40, 40))
                        .as((u, s) -> (Object) BigDecimal.valueOf(u, s)),
                Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(),
                        BigInteger.TEN.pow(30)), Arbitraries.integers().between(-40, 40))
                        .as((u, s) -> (Object) new BigDecimal(u, s)),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)).map(b -> b),
                Combinators.combine(millis, nanos).as((m, n) -> {
                    Timestamp t = new Timestamp(m);
                    t.setNanos(n);
                    return (Object) t;
                }),
                millis.map(m -> (Object) new java.sql.Date(m)), millis.map(m -> (Object) new Time(m)),
                millis.map(m -> (Object) new java.util.Date(m)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(b -> b),
                Arbitraries.longs().between(-365_243_219_162L, 365_241_780_471L).map(d -> (Object) LocalDate.ofEpochDay(d)),
                Arbitraries.longs().between(0, 86_399_999_999_999L).map(n -> (Object) LocalTime.ofNanoOfDay(n)),
                Combinators.combine(Arbitraries.longs().between(-100_000, 100_000), Arbitraries.longs().between(0, 86_399_999_999_999L))
                        .as((d, n) -> (Object) LocalDateTime.of(LocalDate.ofEpochDay(d), LocalTime.ofNanoOfDay(n))),
                Combinators.combine(Arbitraries.longs().between(-100_000, 100_000), Arbitraries.longs().between(0, 86_399_999_999_999L),
                        Arbitraries.integers().between(-64_800, 64_800))
                        .as((d, n, o) -> (Object) OffsetDateTime.of(LocalDate.ofEpochDay(d), LocalTime.ofNanoOfDay(n),
                                ZoneOffset.ofTotalSeconds(o))),
                Combinators.combine(Arbitraries.longs().between(0, 86_399_999_999_999L), Arbitraries.integers().between(-64_800, 64_800))
                        .as((n, o) -> (Object) OffsetTime.of(LocalTime.ofNanoOfDay(n), ZoneOffset.ofTotalSeconds(o))),
                Combinators.combine(Arbitraries.longs().between(-31_557_014_167_219_200L, 31_556_889_864_403_199L), nanos)
                        .as((s, n) -> (Object) Instant.ofEpochSecond(s, n)),
                Combinators.combine(longs, longs).as((a, b) -> (Object) new UUID(a, b)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(b -> (Object) new CapturedBlob(b)),
                strings.map(s -> (Object) new CapturedClob(s)),
                strings.injectNull(0.2).map(s -> (Object) new CapturedXml(s)));
        // a value with the driver's own rendering beside it, as the generic codec keeps it
        Arbitrary<Object> rendered = Combinators.combine(plain.filter(v -> v != null && !(v instanceof CapturedXml)
                && !(v instanceof CapturedClob) && !(v instanceof CapturedBlob)), strings.injectNull(0.1))
                .as((v, text) -> (Object) Rendered.of(v, text));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, plain), net.jqwik.api.Tuple.of(1, rendered));
    }

    @Property(tries = 2000)
    void everyValueRoundTripsThroughTheCompactForm(@ForAll("values") Object value) {
        CellWriter writer = new CellWriter(4);
        writer.write(value, new ColumnCodec() { });
        byte[] bytes = writer.bytes();
        assertThat(writer.refs()).isNull();
        assertThat(Cells.skip(bytes, 0)).isEqualTo(bytes.length);
        assertSame(Cells.read(bytes, 0, null), value);
    }

    @Property(tries = 500)
    void resultsRoundTripThroughTheEncoding(@ForAll("tables") List<Object[]> rows,
                                           @ForAll @IntRange(min = 1003, max = 1005) int type) throws Exception {
        MaterializedResult result = MaterializedResult.of(metadata(rows.isEmpty() ? 3 : rows.get(0).length),
                ValueProfile.standard(), rows);
        byte[] entry = ResultEncoding.encode(result);
        ResultShape sent = ResultEncoding.shapeOf(result);
        ResultShape received = ResultEncoding.decodeShape(sent.bytes(), ValueProfile.standard());
        assertThat(received.id()).isEqualTo(sent.id()).isEqualTo(ResultEncoding.shapeId(entry));
        MaterializedResult decoded = ResultEncoding.decode(entry, received);
        assertThat(decoded.rowCount()).isEqualTo(rows.size());
        assertThat(decoded.columnCount()).isEqualTo(result.columnCount());
        assertThat(decoded.cells()).isEqualTo(result.cells());
        ResultSet rs = decoded.toResultSet(null);
        for (Object[] row : rows) {
            assertThat(rs.next()).isTrue();
            for (int i = 0; i < row.length; i++) {
                assertSame(((CachedResultSet) rs).result().cellsForTest(rs.getRow() - 1, i), row[i]);
            }
        }
        assertThat(rs.next()).isFalse();
        for (int i = 1; i <= result.columnCount(); i++) {
            assertThat(received.metadata().getColumnLabel(i)).isEqualTo(result.metadata().getColumnLabel(i));
            assertThat(received.metadata().getColumnType(i)).isEqualTo(result.metadata().getColumnType(i));
            assertThat(received.metadata().getColumnTypeName(i)).isEqualTo(result.metadata().getColumnTypeName(i));
            assertThat(received.metadata().isNullable(i)).isEqualTo(result.metadata().isNullable(i));
        }
    }

    @Provide
    Arbitrary<List<Object[]>> tables() {
        return Arbitraries.integers().between(1, 6).flatMap(columns ->
                values().array(Object[].class).ofSize(columns).list().ofMaxSize(12));
    }

    // ---------------------------------------------------------------- damage

    @Property(tries = 300)
    void everyTruncationFails(@ForAll("tables") List<Object[]> rows, @ForAll @IntRange(min = 0, max = 10_000) int cut)
            throws Exception {
        MaterializedResult result = MaterializedResult.of(metadata(rows.isEmpty() ? 3 : rows.get(0).length),
                ValueProfile.standard(), rows);
        byte[] entry = ResultEncoding.encode(result);
        byte[] truncated = Arrays.copyOf(entry, cut % entry.length);
        assertThatThrownBy(() -> ResultEncoding.decode(truncated, ResultEncoding.shapeOf(result)))
                .isInstanceOf(ResultEncodingException.class);
        byte[] shape = ResultEncoding.shapeOf(result).bytes();
        byte[] truncatedShape = Arrays.copyOf(shape, cut % shape.length);
        assertThatThrownBy(() -> ResultEncoding.decodeShape(truncatedShape, ValueProfile.standard()))
                .isInstanceOf(ResultEncodingException.class);
    }

    @Property(tries = 500)
    void everyDamagedByteFails(@ForAll("tables") List<Object[]> rows, @ForAll @IntRange(min = 0, max = 10_000) int at,
                               @ForAll @IntRange(min = 1, max = 255) int flip) throws Exception {
        MaterializedResult result = MaterializedResult.of(metadata(rows.isEmpty() ? 3 : rows.get(0).length),
                ValueProfile.standard(), rows);
        byte[] entry = ResultEncoding.encode(result);
        entry[at % entry.length] ^= (byte) flip;
        assertThatThrownBy(() -> ResultEncoding.decode(entry, ResultEncoding.shapeOf(result)))
                .isInstanceOf(ResultEncodingException.class);
        byte[] shape = ResultEncoding.shapeOf(result).bytes();
        shape[at % shape.length] ^= (byte) flip;
        assertThatThrownBy(() -> ResultEncoding.decodeShape(shape, ValueProfile.standard()))
                .isInstanceOf(ResultEncodingException.class);
    }

    @Property(tries = 300)
    void foreignBytesFail(@ForAll @Size(max = 200) byte[] junk) {
        assertThatThrownBy(() -> ResultEncoding.decode(junk, shape(3))).isInstanceOf(ResultEncodingException.class);
        assertThatThrownBy(() -> ResultEncoding.decodeShape(junk, ValueProfile.standard()))
                .isInstanceOf(ResultEncodingException.class);
    }

    @Property(tries = 100)
    void anEntryIsNeverReadThroughAnotherShape(@ForAll("tables") List<Object[]> rows) throws Exception {
        int columns = rows.isEmpty() ? 3 : rows.get(0).length;
        MaterializedResult result = MaterializedResult.of(metadata(columns), ValueProfile.standard(), rows);
        byte[] entry = ResultEncoding.encode(result);
        ResultShape other = ResultEncoding.shapeOf(MaterializedResult.of(new ResultMetadata(
                TestResults.column("OTHER", Types.VARCHAR, "VARCHAR", "java.lang.String")), ValueProfile.standard(),
                List.of()));
        assertThatThrownBy(() -> ResultEncoding.decode(entry, other)).isInstanceOf(ResultEncodingException.class)
                .hasMessageContaining("shape");
    }

    @Property(tries = 20)
    void aShapeIsReadOnlyByItsOwnProfile(@ForAll @IntRange(min = 1, max = 5) int columns) throws Exception {
        byte[] bytes = shape(columns).bytes();
        assertThatThrownBy(() -> ResultEncoding.decodeShape(bytes, ValueProfile.generic()))
                .isInstanceOf(ResultEncodingException.class).hasMessageContaining("made by");
    }

    @Property(tries = 20)
    void anotherVersionIsRefused(@ForAll @IntRange(min = 2, max = 255) int version) throws Exception {
        MaterializedResult result = MaterializedResult.of(metadata(1), ValueProfile.standard(),
                List.<Object[]>of(new Object[] {42}));
        byte[] entry = ResultEncoding.encode(result);
        entry[2] = (byte) version;
        assertThatThrownBy(() -> ResultEncoding.decode(entry, ResultEncoding.shapeOf(result)))
                .isInstanceOf(ResultEncodingException.class).hasMessageContaining("version");
    }

    @Property(tries = 10)
    void aResultHoldingSideObjectsIsNotEncoded(@ForAll @IntRange(min = 1, max = 3) int n) throws SQLException {
        MaterializedResult result = MaterializedResult.of(ONE_COLUMN, ValueProfile.standard(),
                List.<Object[]>of(new Object[] {CapturedArray.of(new Object[] {n}, Types.INTEGER, "INTEGER")}));
        assertThatThrownBy(() -> ResultEncoding.encode(result)).isInstanceOf(ResultEncodingException.class)
                .hasMessageContaining("CapturedArray");
    }

    // ---------------------------------------------------------------- helpers

    private static ResultShape shape(int columns) throws SQLException {
        return ResultEncoding.shapeOf(MaterializedResult.of(metadata(columns), ValueProfile.standard(), List.of()));
    }

    private static ResultMetadata metadata(int columns) {
        ColumnMetadata[] c = new ColumnMetadata[columns];
        for (int i = 0; i < columns; i++) {
            c[i] = TestResults.column("C" + i, Types.OTHER, "OTHER", "java.lang.Object");
        }
        return new ResultMetadata(c);
    }

    private static void assertSame(Object decoded, Object original) {
        if (original == null) {
            assertThat(decoded).isNull();
            return;
        }
        assertThat(decoded).isNotNull();
        assertThat(decoded.getClass()).isEqualTo(original.getClass());
        if (original instanceof Rendered) {
            assertSame(((Rendered) decoded).value, ((Rendered) original).value);
            assertThat(((Rendered) decoded).text).isEqualTo(((Rendered) original).text);
        } else if (original instanceof byte[]) {
            assertThat((byte[]) decoded).isEqualTo((byte[]) original);
        } else if (original instanceof CapturedBlob) {
            assertThat(((CapturedBlob) decoded).bytes).isEqualTo(((CapturedBlob) original).bytes);
        } else if (original instanceof CapturedClob) {
            assertThat(((CapturedClob) decoded).text).isEqualTo(((CapturedClob) original).text);
        } else if (original instanceof CapturedXml) {
            assertThat(((CapturedXml) decoded).xml).isEqualTo(((CapturedXml) original).xml);
        } else if (original instanceof Timestamp) {
            assertThat(((Timestamp) decoded).getTime()).isEqualTo(((Timestamp) original).getTime());
            assertThat(((Timestamp) decoded).getNanos()).isEqualTo(((Timestamp) original).getNanos());
        } else if (original instanceof java.util.Date) {
            assertThat(((java.util.Date) decoded).getTime()).isEqualTo(((java.util.Date) original).getTime());
        } else if (original instanceof BigDecimal) {
            assertThat(((BigDecimal) decoded).unscaledValue()).isEqualTo(((BigDecimal) original).unscaledValue());
            assertThat(((BigDecimal) decoded).scale()).isEqualTo(((BigDecimal) original).scale());
        } else {
            // Double and Float compare their bits (NaN equal to itself, -0.0 not equal to 0.0)
            assertThat(decoded).isEqualTo(original);
        }
    }
}
