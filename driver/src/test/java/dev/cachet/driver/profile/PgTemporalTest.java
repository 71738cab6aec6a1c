package dev.cachet.driver.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.cache.ColumnMetadata;
import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.ResultMetadata;
import java.sql.SQLException;
import java.util.Calendar;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.postgresql.jdbc.TimestampUtils;

/**
 * {@link PgTemporal}'s text conversions against pgjdbc's own {@code TimestampUtils}: for date/time texts as the
 * server sends them, mutated by a character here and there (Unicode whitespace and digits among them), in several
 * zones, each conversion returns pgjdbc's value or fails where pgjdbc fails, with its SQLState — also when one
 * calendar serves many calls in turn, and when a cached cell's text is read in place. One difference is deliberate:
 * text with more than nine fractional digits, which pgjdbc misreads, is bad text to Cachet.
 */
class PgTemporalTest {

  private static final String BAD_VALUE = "SQLState 22007";

  private static final Pattern TOO_PRECISE = Pattern.compile("\\.[0-9]{10}");

  private static final TimestampUtils PGJDBC = new TimestampUtils(false, TimeZone::getDefault);

  private static final List<String> ZONES = List.of("", "UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Amsterdam",
      "Australia/Lord_Howe", "Pacific/Apia", "America/Sao_Paulo");

  /** Characters a mutation inserts: separators, ASCII and Unicode whitespace, digits of other scripts, letters. */
  private static final String INSERTED = " \t\n-:.+ADBCx0 9\u00a0\u1680\u2000\u2007\u2028\u3000\u0663\uff12\ud800";

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.longs().map(seed -> text(new Random(seed)));
  }

  @Provide
  Arbitrary<String> zones() {
    return Arbitraries.of(ZONES);
  }

  private static String text(Random r) {
    StringBuilder b = new StringBuilder();
    if (r.nextInt(8) > 0) {
      int year = r.nextInt(10) == 0 ? 1 + r.nextInt(99_999) : 1500 + r.nextInt(600);
      b.append(r.nextBoolean() ? String.format("%04d", year) : Integer.toString(year)).append('-')
          .append(String.format("%02d", r.nextInt(10) == 0 ? r.nextInt(40) : 1 + r.nextInt(12))).append('-')
          .append(String.format("%02d", r.nextInt(10) == 0 ? r.nextInt(40) : 1 + r.nextInt(31)));
    }
    if (b.length() == 0 || r.nextInt(6) > 0) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(String.format("%02d:%02d:%02d", r.nextInt(25), r.nextInt(60), r.nextInt(r.nextInt(10) == 0 ? 99 : 60)));
      if (r.nextBoolean()) {
        int digits = 1 + r.nextInt(9);
        b.append('.');
        for (int i = 0; i < digits; i++) {
          b.append((char) ('0' + r.nextInt(10)));
        }
      }
    }
    if (r.nextInt(3) == 0) {
      b.append(r.nextBoolean() ? '+' : '-').append(String.format("%02d", r.nextInt(16)));
      if (r.nextBoolean()) {
        b.append(':').append(String.format("%02d", r.nextInt(60)));
        if (r.nextInt(4) == 0) {
          b.append(':').append(String.format("%02d", r.nextInt(60)));
        }
      }
    }
    if (r.nextInt(6) == 0) {
      b.append(r.nextBoolean() ? " BC" : " AD");
    }
    int mutations = r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0;
    for (int i = 0; i < mutations && b.length() > 0; i++) {
      int at = r.nextInt(b.length() + 1);
      if (r.nextBoolean() && at < b.length()) {
        b.deleteCharAt(at);
      } else {
        b.insert(at, INSERTED.charAt(r.nextInt(INSERTED.length())));
      }
    }
    return b.toString();
  }

  private static Calendar calendar(String zone) {
    return zone.isEmpty() ? null : Calendar.getInstance(TimeZone.getTimeZone(zone));
  }

  /** What a conversion gave: its value as text, or the SQLState it failed with. */
  private interface Conversion {
    Object apply() throws SQLException;
  }

  private static String outcome(Conversion conversion) {
    try {
      Object value = conversion.apply();
      if (value instanceof java.sql.Timestamp) {
        java.sql.Timestamp t = (java.sql.Timestamp) value;
        return "value " + t.getTime() + " " + t.getNanos();
      }
      return value instanceof java.util.Date ? "value " + ((java.util.Date) value).getTime() : "value " + value;
    } catch (SQLException e) {
      return "SQLState " + e.getSQLState();
    } catch (java.time.DateTimeException e) {
      // pgjdbc lets java.time's exception out for an offset out of range; Cachet reports it as a bad value (22007)
      return BAD_VALUE;
    } catch (RuntimeException e) {
      return "thrown " + e.getClass().getName();
    }
  }

  /**
   * More than nine fractional digits overflow pgjdbc's parser (an {@code IllegalArgumentException} from
   * {@code Timestamp.setNanos}, or a time a second off); Cachet fails on such text as on any other bad text.
   */
  private static boolean tooManyFractionalDigits(String text) {
    return TOO_PRECISE.matcher(text).find();
  }

  @Property(tries = 4000)
  void timestampsMatchPgjdbc(@ForAll("texts") String text, @ForAll("zones") String zone) {
    Calendar cal = calendar(zone);
    assertThat(outcome(() -> PgTemporal.toTimestamp(cal, text))).as("toTimestamp(%s, \"%s\")", zone, text)
        .isEqualTo(tooManyFractionalDigits(text) ? BAD_VALUE : outcome(() -> PGJDBC.toTimestamp(cal, text)));
  }

  /**
   * A cached cell's {@code getTimestamp} — from the entry's bytes where the codec reads the text in place — is the
   * codec's conversion of the text as a string, in the date/time kinds (the two times among them, whose conversion
   * differs, decline the in-place reading) and text.
   */
  @Property(tries = 3000)
  void aCachedCellConvertsAsItsText(@ForAll("texts") String text, @ForAll("zones") String zone,
      @ForAll("timestampKinds") PgJdbcCodec.Kind kind) throws SQLException {
    Calendar cal = calendar(zone);
    PgJdbcCodec codec = new PgJdbcCodec(kind, kind.name().toLowerCase(java.util.Locale.ROOT), kind.sqlType);
    java.sql.ResultSet rs = MaterializedResult.of(new ResultMetadata(new ColumnMetadata("v", "v", kind.sqlType,
        "timestamp", "java.sql.Timestamp", 29, 6, 29, java.sql.ResultSetMetaData.columnNullable, false, false, false,
        false, true, true, false, false, "public", "t", "db")), column -> codec,
        List.<Object[]>of(new Object[] {text})).toResultSet(null);
    assertThat(rs.next()).isTrue();
    assertThat(outcome(() -> rs.getTimestamp(1, cal))).as("%s getTimestamp(%s, \"%s\")", kind, zone, text)
        .isEqualTo(outcome(() -> codec.getTimestamp(text, cal)));
    if (cal == null) {
      assertThat(outcome(() -> rs.getObject(1))).isEqualTo(outcome(() -> codec.getObject(text)));
    }
  }

  @Provide
  Arbitrary<PgJdbcCodec.Kind> timestampKinds() {
    return Arbitraries.of(PgJdbcCodec.Kind.TIMESTAMP, PgJdbcCodec.Kind.TIMESTAMPTZ, PgJdbcCodec.Kind.TEXT,
        PgJdbcCodec.Kind.TIME, PgJdbcCodec.Kind.TIMETZ, PgJdbcCodec.Kind.DATE);
  }

  @Property(tries = 2000)
  void timesAndLocalDateTimesMatchPgjdbc(@ForAll("texts") String text, @ForAll("zones") String zone) {
    Calendar cal = calendar(zone);
    boolean bad = tooManyFractionalDigits(text);
    assertThat(outcome(() -> PgTemporal.toTime(cal, text))).as("toTime(%s, \"%s\")", zone, text)
        .isEqualTo(bad ? BAD_VALUE : outcome(() -> PGJDBC.toTime(cal, text)));
    assertThat(outcome(() -> PgTemporal.toLocalDateTime(text))).as("toLocalDateTime(\"%s\")", text)
        .isEqualTo(bad ? BAD_VALUE : outcome(() -> PGJDBC.toLocalDateTime(text)));
  }

  @Example
  void moreThanNineFractionalDigitsAreBadText() {
    for (String text : List.of("2020-01-01 12:00:00.1234567891", "12:00:00.9999999999",
        "2020-01-01 00:00:00.12345678912+02")) {
      assertThat(tooManyFractionalDigits(text)).isTrue();
      assertThat(outcome(() -> PgTemporal.toTimestamp(null, text))).as(text).isEqualTo(BAD_VALUE);
      assertThat(outcome(() -> PgTemporal.toTime(null, text))).as(text).isEqualTo(BAD_VALUE);
      assertThat(outcome(() -> PgTemporal.toLocalDateTime(text))).as(text).isEqualTo(BAD_VALUE);
    }
    assertThat(outcome(() -> PgTemporal.toTimestamp(null, "2020-01-01 12:00:00.123456789")))
        .isEqualTo(outcome(() -> PGJDBC.toTimestamp(null, "2020-01-01 12:00:00.123456789")));
  }
}
