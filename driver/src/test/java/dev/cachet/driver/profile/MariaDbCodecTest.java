package dev.cachet.driver.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.cache.ColumnMetadata;
import dev.cachet.cache.NotCacheableValueException;
import java.math.BigDecimal;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Types;
import org.junit.jupiter.api.Test;

/** MariaDB Connector/J's numeric conversions as {@link MariaDbCodec} reproduces them (no server needed). */
class MariaDbCodecTest {

  private final MariaDbCodec decimal = new MariaDbCodec(MariaDbCodec.Kind.DECIMAL, "DECIMAL");
  private final MariaDbCodec integer = new MariaDbCodec(MariaDbCodec.Kind.INTEGER, "BIGINT UNSIGNED");
  private final MariaDbCodec approximate = new MariaDbCodec(MariaDbCodec.Kind.APPROXIMATE, "DOUBLE");

  private static MariaDbCodec.Cell cell(String text, Object object) {
    return new MariaDbCodec.Cell(text, object);
  }

  /** The connector's rule for integer getters: the text's decimal truncated toward zero, refused out of range. */
  private static String truncatedRule(String text, long min, long max) {
    java.math.BigInteger value;
    try {
      value = new BigDecimal(text).toBigInteger();
    } catch (NumberFormatException e) {
      return "NumberFormatException";
    }
    if (value.compareTo(java.math.BigInteger.valueOf(min)) < 0 || value.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
      return "SQLDataException value '" + text + "' cannot be decoded";
    }
    return "value " + value.longValue();
  }

  private interface Getter {
    long get() throws SQLException;
  }

  private static String outcome(Getter getter) {
    try {
      return "value " + getter.get();
    } catch (SQLDataException e) {
      return "SQLDataException " + e.getMessage().replaceAll(" as \\w+$", "");
    } catch (SQLException e) {
      return "SQLException " + e.getMessage();
    } catch (NumberFormatException e) {
      return "NumberFormatException";
    }
  }

  @net.jqwik.api.Property(tries = 3000)
  void integerGettersTruncateTheTextsDecimal(
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.CharRange(from = '0', to = '9')
      @net.jqwik.api.constraints.StringLength(min = 1, max = 21) String digits,
      @net.jqwik.api.ForAll boolean negative, @net.jqwik.api.ForAll("fractions") String fraction) {
    String text = (negative ? "-" : "") + digits + fraction;
    MariaDbCodec.Cell c = cell(text, new BigDecimal(text));
    for (MariaDbCodec codec : new MariaDbCodec[] {integer, decimal}) {
      assertThat(outcome(() -> codec.getLong(c))).as("getLong(%s)", text)
          .isEqualTo(truncatedRule(text, Long.MIN_VALUE, Long.MAX_VALUE));
      assertThat(outcome(() -> codec.getInt(c))).as("getInt(%s)", text)
          .isEqualTo(truncatedRule(text, Integer.MIN_VALUE, Integer.MAX_VALUE));
      assertThat(outcome(() -> codec.getShort(c))).as("getShort(%s)", text)
          .isEqualTo(truncatedRule(text, Short.MIN_VALUE, Short.MAX_VALUE));
      assertThat(outcome(() -> codec.getByte(c))).as("getByte(%s)", text)
          .isEqualTo(truncatedRule(text, Byte.MIN_VALUE, Byte.MAX_VALUE));
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> fractions() {
    return net.jqwik.api.Arbitraries.oneOf(net.jqwik.api.Arbitraries.just(""),
        net.jqwik.api.Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(4).map(f -> "." + f));
  }

  @Test
  void decimalsTruncateAndNarrowToIntForBooleans() throws SQLException {
    assertThat(decimal.getInt(cell("12345.678", new BigDecimal("12345.678")))).isEqualTo(12345);
    assertThat(decimal.getBoolean(cell("-0.500", new BigDecimal("-0.500")))).isFalse();
    assertThat(decimal.getBoolean(cell("9223372036854775808", new BigDecimal("9223372036854775808")))).isFalse();
    assertThat(integer.getBoolean(cell("9223372036854775808", new java.math.BigInteger("9223372036854775808"))))
        .isTrue();
  }

  @Test
  void overflowAndUnsupportedTargetsFailLikeTheConnector() {
    assertThatThrownBy(() -> integer.getLong(cell("18446744073709551615", null)))
        .isExactlyInstanceOf(SQLDataException.class);
    assertThatThrownBy(() -> integer.getDate(cell("1", null), null)).isExactlyInstanceOf(SQLDataException.class);
    assertThatThrownBy(() -> integer.getObject(cell("1", 1), java.time.LocalDate.class))
        .isExactlyInstanceOf(SQLException.class);
  }

  @Test
  void bigDecimalComesFromTheTextNotTheDouble() throws SQLException {
    assertThat(approximate.getBigDecimal(cell("1e300", 1e300))).isEqualTo(new BigDecimal("1E+300"));
    assertThat(approximate.getBigDecimal(cell("0", 0.0)).toString()).isEqualTo("0");
    assertThat(approximate.getBoolean(cell("-0", -0.0))).isFalse();
  }

  @Test
  void aNumericColumnCellWhoseTextIsNotANumberIsNotCached() {
    // BIT(1) reported as BOOLEAN (transformedBitIsBoolean) renders "true"
    java.sql.ResultSet real = (java.sql.ResultSet) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {java.sql.ResultSet.class},
        (proxy, method, args) -> method.getName().equals("getString") ? "true" : Boolean.TRUE);
    assertThatThrownBy(() -> integer.capture(real, 1, Long.MAX_VALUE))
        .isInstanceOf(NotCacheableValueException.class);
  }

  @Test
  void scaledBigDecimalRoundsHalfDownLikeTheConnector() {
    assertThat(approximate.getBigDecimal(cell("-3.25", -3.25), 1)).isEqualTo(new BigDecimal("-3.2"));
    assertThat(approximate.getBigDecimal(cell("3.26", 3.26), 1)).isEqualTo(new BigDecimal("3.3"));
  }

  @Test
  void columnsOfOtherTypesAreNotCached() throws SQLException {
    ColumnMetadata point = new ColumnMetadata("c", "c", Types.BINARY, "GEOMETRY", "byte[]", 20, 0, 20,
        ResultSetMetaData.columnNullable, false, false, false, false, true, true, false, false, "", "t", "db");
    assertThatThrownBy(() -> MariaDbProfile.INSTANCE.codec(point)).isInstanceOf(NotCacheableValueException.class);
  }

  @Test
  void stringBinaryAndTemporalColumnsAreReplayedThroughConnectorJ() throws SQLException {
    for (String type : new String[] {"VARCHAR", "CHAR", "LONGTEXT", "JSON", "BLOB", "VARBINARY", "DATE", "DATETIME",
        "TIMESTAMP", "TIME", "YEAR", "BIT"}) {
      ColumnMetadata column = new ColumnMetadata("c", "c", Types.VARCHAR, type, "java.lang.String", 20, 0, 20,
          ResultSetMetaData.columnNullable, false, false, false, false, true, true, false, false, "", "t", "db");
      assertThat(MariaDbProfile.INSTANCE.codec(column)).as(type).isInstanceOf(MariaDbReplayCodec.class);
    }
  }
}
