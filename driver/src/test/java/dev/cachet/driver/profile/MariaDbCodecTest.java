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
  void columnsOfOtherTypesAreNotCached() throws SQLException {
    ColumnMetadata varchar = new ColumnMetadata("c", "c", Types.VARCHAR, "VARCHAR", "java.lang.String", 20, 0, 20,
        ResultSetMetaData.columnNullable, false, false, false, false, true, true, false, false, "", "t", "db");
    assertThatThrownBy(() -> MariaDbProfile.INSTANCE.codec(varchar)).isInstanceOf(NotCacheableValueException.class);
  }
}
