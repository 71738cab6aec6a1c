package dev.cachet.driver.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** pgjdbc's conversion rules as {@link PgJdbcCodec} reproduces them, on text cells (no server needed). */
class PgJdbcCodecTest {

  private static PgJdbcCodec codec(PgJdbcCodec.Kind kind, String typeName, int sqlType) {
    return new PgJdbcCodec(kind, typeName, sqlType);
  }

  private final PgJdbcCodec bool = codec(PgJdbcCodec.Kind.BOOL, "bool", Types.BIT);
  private final PgJdbcCodec numeric = codec(PgJdbcCodec.Kind.NUMERIC, "numeric", Types.NUMERIC);
  private final PgJdbcCodec money = codec(PgJdbcCodec.Kind.MONEY, "money", Types.DOUBLE);
  private final PgJdbcCodec text = codec(PgJdbcCodec.Kind.TEXT, "text", Types.VARCHAR);
  private final PgJdbcCodec timestamptz = codec(PgJdbcCodec.Kind.TIMESTAMPTZ, "timestamptz", Types.TIMESTAMP);

  @Test
  void booleansRenderAsTheServerSentThem() throws SQLException {
    assertThat(bool.getString("t")).isEqualTo("t");
    assertThat(bool.getBoolean("t")).isTrue();
    assertThat(bool.getBoolean("f")).isFalse();
    assertThat(bool.getObject("t")).isEqualTo(Boolean.TRUE);
    assertThat(text.getBoolean(" yes ")).isTrue();
    assertThat(text.getBoolean("off")).isFalse();
    assertThatThrownBy(() -> text.getBoolean("2")).isInstanceOfSatisfying(SQLException.class, e -> {
      assertThat(e.getSQLState()).isEqualTo("42846");
      assertThat(e.getClass().getName()).isEqualTo("org.postgresql.util.PSQLException");
    });
  }

  @Test
  void integerGettersTruncateTowardZeroAndRangeCheck() throws SQLException {
    assertThat(numeric.getInt("12.9")).isEqualTo(12);
    assertThat(numeric.getInt("-12.9")).isEqualTo(-12);
    assertThat(numeric.getByte("127.5")).isEqualTo((byte) 127);
    assertThatThrownBy(() -> numeric.getShort("40000"))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22003"));
    assertThat(numeric.getObject("NaN")).isEqualTo(Double.NaN);
    assertThat(numeric.getObject("1.50")).isEqualTo(new BigDecimal("1.50"));
  }

  @Test
  void moneyLosesItsCurrencySignForNumbersOnly() throws SQLException {
    assertThat(money.getDouble("-$0.01")).isEqualTo(-0.01);
    assertThat(money.getBigDecimal("$0.00")).isEqualTo(new BigDecimal("0.00"));
    assertThat(money.getShort("-$0.01")).isZero();
    assertThatThrownBy(() -> money.getByte("-$0.01")).isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> money.getDouble("$1,234.56")).isInstanceOf(SQLException.class);
  }

  @Test
  void getObjectByClassFollowsTheColumnType() throws SQLException {
    assertThat(text.getObject("x", String.class)).isEqualTo("x");
    assertThatThrownBy(() -> bool.getObject("t", String.class))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22023"));
    assertThatThrownBy(() -> text.getObject("2024-01-01", LocalDate.class))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42821"));
    assertThat(timestamptz.getObject("2024-02-29 19:15:30.123456+05:30", OffsetDateTime.class))
        .isEqualTo(OffsetDateTime.of(2024, 2, 29, 13, 45, 30, 123_456_000, ZoneOffset.UTC));
  }

  @Test
  void timestampsWithOffsetsIgnoreTheCalendarAndKeepMicros() throws SQLException {
    Calendar kathmandu = Calendar.getInstance(TimeZone.getTimeZone("Asia/Kathmandu"));
    Timestamp ts = timestamptz.getTimestamp("1900-01-01 00:00:00-03:30:52", kathmandu);
    assertThat(ts.getTime()).isEqualTo(-2208988800000L + (3 * 3600 + 30 * 60 + 52) * 1000L);
    Timestamp micros = timestamptz.getTimestamp("2024-02-29 13:45:30.123456+00", null);
    assertThat(micros.getNanos()).isEqualTo(123_456_000);
  }

  @Test
  void metadataOfAnotherDriverIsCapturedAsUsual() throws SQLException {
    try (java.sql.Connection h2 = java.sql.DriverManager.getConnection("jdbc:h2:mem:pgprofile");
        java.sql.Statement s = h2.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT 1 AS one, 'x' AS two")) {
      dev.cachet.cache.ResultMetadata metadata = PgJdbcProfile.INSTANCE.metadata(rs.getMetaData());
      assertThat(metadata.getColumnCount()).isEqualTo(2);
      assertThat(metadata.getColumnLabel(2)).isEqualToIgnoringCase("two");
    }
  }

  @Test
  void shortDateStringsTakePgjdbcsUncheckedFastPath() {
    assertThatThrownBy(() -> text.getDate("12", null)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
    assertThatThrownBy(() -> text.getTimestamp("hello", null))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22007"));
  }
}
