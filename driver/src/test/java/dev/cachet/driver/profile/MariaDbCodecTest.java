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
