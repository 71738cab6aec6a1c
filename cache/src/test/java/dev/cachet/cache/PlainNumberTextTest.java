package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A codec that declares plain number text ({@code ColumnCodec(true)}) has its text cells' integers and decimals read
 * from the entry's bytes: the answers are its own getters' for every text, and its getters are not asked for plain
 * numbers.
 */
class PlainNumberTextTest {

    private static final Pattern INT = Pattern.compile("-?[0-9]{1,9}");
    private static final Pattern LONG = Pattern.compile("-?[0-9]{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    private static final ResultMetadata METADATA =
            new ResultMetadata(TestResults.column("V", Types.VARCHAR, "text", "java.lang.String"));

    /** Java's parsers of the text, the way a text-transfer driver's getters read a number; sentinels otherwise. */
    private static final class TextNumbers extends ColumnCodec {
        final AtomicInteger asked = new AtomicInteger();

        TextNumbers() {
            super(true);
        }

        @Override
        public int getInt(Object captured) {
            asked.incrementAndGet();
            try {
                return Integer.parseInt((String) captured);
            } catch (NumberFormatException e) {
                return -7;
            }
        }

        @Override
        public long getLong(Object captured) {
            asked.incrementAndGet();
            try {
                return Long.parseLong((String) captured);
            } catch (NumberFormatException e) {
                return -7;
            }
        }

        @Override
        public BigDecimal getBigDecimal(Object captured) {
            asked.incrementAndGet();
            try {
                return new BigDecimal((String) captured);
            } catch (NumberFormatException e) {
                return BigDecimal.valueOf(-7);
            }
        }
    }

    @Provide
    Arbitrary<String> numberLikeText() {
        Arbitrary<String> any = Arbitraries.strings().withChars("-0123456789. +x").ofMinLength(0).ofMaxLength(22);
        Arbitrary<String> plain = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(21)
                .flatMap(digits -> Arbitraries.of("", "-").flatMap(sign -> Arbitraries.integers().between(0,
                        digits.length()).map(point -> sign + (point == 0 || point == digits.length() ? digits
                                : digits.substring(0, point) + "." + digits.substring(point)))));
        return Arbitraries.oneOf(any, plain);
    }

    @Test
    void aPlainNumberReadFromTheBytesClearsWasNullAndANullCellSetsIt() throws SQLException {
        TextNumbers codec = new TextNumbers();
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {null});
        rows.add(new Object[] {"-12.50"});
        rows.add(new Object[] {null});
        rows.add(new Object[] {"42"});
        ResultSet rs = MaterializedResult.of(METADATA, column -> codec, rows).toResultSet(null);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isZero();
        assertThat(rs.wasNull()).isTrue();
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("-12.50").hasScaleOf(2);
        assertThat(rs.wasNull()).isFalse();
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isZero();
        assertThat(rs.wasNull()).isTrue();
        assertThat(rs.getBigDecimal(1)).isNull();
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
        assertThat(rs.wasNull()).isFalse();
        assertThat(rs.getLong(1)).isEqualTo(42L);
        assertThat(codec.asked.get()).as("plain numbers and NULLs never reach the codec").isZero();
    }

    @Property(tries = 3000)
    void integersAndDecimalsAnswerAsTheCodecsGettersWould(@ForAll("numberLikeText") String text) throws SQLException {
        TextNumbers codec = new TextNumbers();
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {text});
        ResultSet rs = MaterializedResult.of(METADATA, column -> codec, rows).toResultSet(null);
        assertThat(rs.next()).isTrue();

        int asked = codec.asked.get();
        assertThat(rs.getInt(1)).isEqualTo(codec.getInt(text));
        assertThat(codec.asked.get() - asked).isEqualTo(INT.matcher(text).matches() ? 1 : 2);

        asked = codec.asked.get();
        assertThat(rs.getLong(1)).isEqualTo(codec.getLong(text));
        assertThat(codec.asked.get() - asked).isEqualTo(LONG.matcher(text).matches() ? 1 : 2);

        asked = codec.asked.get();
        BigDecimal decimal = rs.getBigDecimal(1);
        BigDecimal expected = codec.getBigDecimal(text);
        assertThat(decimal).isEqualTo(expected);
        assertThat(decimal.precision()).isEqualTo(expected.precision());
        boolean plain = DECIMAL.matcher(text).matches() && text.chars().filter(Character::isDigit).count() <= 18;
        assertThat(codec.asked.get() - asked).isEqualTo(plain ? 1 : 2);
        assertThat(rs.wasNull()).isFalse();
    }
}
