package dev.cachet.driver.profile;

import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoEra;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Arrays;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * pgjdbc's conversions of PostgreSQL's ISO date/time text (pgjdbc forces {@code DateStyle=ISO}) to JDBC and
 * {@code java.time} values, reproduced rule for rule — including its quirks (a short date string is read by a fast
 * path that does no validation; java.util calendars, so Julian dates before 1582) — so that a cached result converts
 * exactly like pgjdbc 42.7. pgjdbc parses the text's UTF-8 bytes; this class reads its characters, with digits and
 * whitespace ASCII only, which gives the same answers without encoding the text first. {@code getTimestamp} — the
 * conversion a hit runs most — reuses calendars, re-zoned for each call the way pgjdbc re-zones its one calendar per
 * connection, and skips the calendar where {@link WallTime} can answer without it; every other conversion uses
 * calendars of its own.
 */
final class PgTemporal {

  /** pgjdbc's stand-ins for {@code infinity} and {@code -infinity} (PGStatement.DATE_POSITIVE/NEGATIVE_INFINITY). */
  static final long POSITIVE_INFINITY = 9223372036825200000L;
  static final long NEGATIVE_INFINITY = -9223372036832400000L;

  private static final byte[] INFINITY = "infinity".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MINUS_INFINITY = "-infinity".getBytes(StandardCharsets.US_ASCII);

  private PgTemporal() {}

  /** The fields read from a backend date/time string. */
  static final class Parsed {
    boolean hasDate;
    int era;
    int year;
    int month;
    int day;
    boolean hasTime;
    int hour;
    int minute;
    int second;
    int nanos;
    ZoneOffset offset;

    Parsed() {
      reset();
    }

    /** The fields as before a parse: pgjdbc's defaults for what the text leaves out. */
    Parsed reset() {
      hasDate = false;
      era = GregorianCalendar.AD;
      year = 1970;
      month = 1;
      day = 1;
      hasTime = false;
      hour = 0;
      minute = 0;
      second = 0;
      nanos = 0;
      offset = null;
      return this;
    }
  }

  /** {@code getTimestamp(column, cal)} of a text value; a null calendar means the JVM's default zone. */
  static Timestamp toTimestamp(Calendar cal, String text) throws SQLException {
    if (text.isEmpty()) {
      throw badValue(text);
    }
    if (text.equals("infinity")) {
      return new Timestamp(POSITIVE_INFINITY);
    }
    if (text.equals("-infinity")) {
      return new Timestamp(NEGATIVE_INFINITY);
    }
    Timestamp canonical = canonicalTimestamp(text, cal);
    if (canonical != null) {
      return canonical;
    }
    int slot = Calendars.slot();
    Calendars calendars = Calendars.borrow(slot);
    try {
      // the text the server sends went through WallTime above; what is left (other shapes, wall times that
      // WallTime does not place) takes the calendar
      Parsed ts = parse(text, calendars.parsed.reset());
      Calendar c = calendars.of(ts.offset, cal);
      setAll(c, ts);
      Timestamp result = new Timestamp(c.getTimeInMillis());
      result.setNanos(ts.nanos);
      return result;
    } finally {
      if (cal != null) {
        calendars.forgetZone();
      }
      Calendars.giveBack(slot, calendars);
    }
  }

  /**
   * Calendars and parsed fields for {@link #toTimestamp}, lent out one caller at a time: a {@code GregorianCalendar}
   * allocates a dozen arrays and objects, more than the rest of a cached {@code getTimestamp}. Reusing one is what
   * pgjdbc does: every field the conversion reads is set again on each use, so an earlier conversion leaves nothing
   * behind. Kept in a few slots chosen by thread, not in a {@code ThreadLocal}, so that an application server's
   * threads hold nothing of Cachet's after an undeploy; a caller that finds its slot lent out makes its own.
   */
  private static final class Calendars {
    private static final int SLOTS = 16;
    private static final TimeZone PARKED_ZONE = new java.util.SimpleTimeZone(0, "UTC");
    private static final AtomicReferenceArray<Calendars> SPARE = new AtomicReferenceArray<>(SLOTS);

    static int slot() {
      return (int) Thread.currentThread().getId() & (SLOTS - 1);
    }

    static Calendars borrow(int slot) {
      Calendars c = SPARE.getAndSet(slot, null);
      return c != null ? c : new Calendars();
    }

    static void giveBack(int slot, Calendars c) {
      SPARE.set(slot, c);
    }

    final Parsed parsed = new Parsed();
    private final GregorianCalendar zoned = new GregorianCalendar();
    private GregorianCalendar offsetCalendar;
    private ZoneOffset offset;

    /** Drops the caller's zone, which may be an application's own class that must not outlive its loader here. */
    void forgetZone() {
      zoned.setTimeZone(PARKED_ZONE);
    }

    /** The calendar for a value with this offset (null: none), else in {@code cal}'s zone or the JVM's default. */
    Calendar of(ZoneOffset valueOffset, Calendar cal) {
      if (valueOffset == null) {
        zoned.setTimeZone(cal == null ? TimeZone.getDefault() : cal.getTimeZone());
        return zoned;
      }
      if (!valueOffset.equals(offset)) {
        offsetCalendar = (GregorianCalendar) offsetCalendar(valueOffset);
        offset = valueOffset;
      }
      return offsetCalendar;
    }
  }

  /** {@code getTime(column, cal)} of a text value. */
  static Time toTime(Calendar cal, String text) throws SQLException {
    Parsed ts = parse(text);
    Calendar c = ts.offset != null ? offsetCalendar(ts.offset) : calendar(cal);
    if (ts.offset == null) {
      c.set(Calendar.ERA, ts.era);
      c.set(Calendar.YEAR, ts.year);
      c.set(Calendar.MONTH, ts.month - 1);
      c.set(Calendar.DAY_OF_MONTH, ts.day);
    } else {
      c.set(Calendar.ERA, GregorianCalendar.AD);
      c.set(Calendar.YEAR, 1970);
      c.set(Calendar.MONTH, Calendar.JANUARY);
      c.set(Calendar.DAY_OF_MONTH, 1);
    }
    c.set(Calendar.HOUR_OF_DAY, ts.hour);
    c.set(Calendar.MINUTE, ts.minute);
    c.set(Calendar.SECOND, ts.second);
    c.set(Calendar.MILLISECOND, 0);
    long millis = c.getTimeInMillis() + ts.nanos / 1_000_000;
    if (ts.offset != null || (ts.year == 1970 && ts.era == GregorianCalendar.AD)) {
      return new Time(millis);
    }
    return convertToTime(millis, c.getTimeZone());
  }

  /** {@code getDate(column, cal)} of a text value. */
  static Date toDate(Calendar cal, String text) throws SQLException {
    byte[] s = text.getBytes(StandardCharsets.UTF_8);
    if (s[0] == 'i' && Arrays.equals(INFINITY, s)) {
      return new Date(POSITIVE_INFINITY);
    }
    if (s[0] == '-' && Arrays.equals(MINUS_INFINITY, s)) {
      return new Date(NEGATIVE_INFINITY);
    }
    Calendar target = calendar(cal);
    if (s.length > 13) {
      Parsed ts = parse(text);
      Calendar c = ts.offset != null ? offsetCalendar(ts.offset) : calendar(cal);
      setAll(c, ts);
      c.set(Calendar.MILLISECOND, 0);
      return convertToDate(c.getTimeInMillis(), target.getTimeZone());
    }
    Parsed ts = parseShortDate(s);
    target.clear();
    target.set(Calendar.YEAR, ts.year);
    target.set(Calendar.DAY_OF_MONTH, ts.day);
    target.set(Calendar.MONTH, ts.month - 1);
    target.set(Calendar.ERA, ts.era);
    return new Date(target.getTimeInMillis());
  }

  /** {@code getObject(column, LocalDateTime.class)} (and the basis of {@code LocalDate}). */
  static LocalDateTime toLocalDateTime(String text) throws SQLException {
    if (text.equals("infinity")) {
      return LocalDateTime.MAX;
    }
    if (text.equals("-infinity")) {
      return LocalDateTime.MIN;
    }
    Parsed ts = parse(text);
    // out-of-range fields (hour 24 among them) fail with java.time's exception, as in pgjdbc
    LocalDateTime result = LocalDateTime.of(ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second, ts.nanos);
    if (ts.era == GregorianCalendar.BC) {
      result = result.with(ChronoField.ERA, IsoEra.BCE.getValue());
    }
    return result;
  }

  /** {@code getObject(column, LocalTime.class)} of a {@code time} value. */
  static LocalTime toLocalTime(String text) throws SQLException {
    if (text.equals("24:00:00")) {
      return LocalTime.MAX;
    }
    try {
      return LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      throw badValue(text);
    }
  }

  /** {@code getObject(column, OffsetDateTime.class)} of a {@code timestamptz} value: the instant in UTC. */
  static OffsetDateTime toOffsetDateTime(String text) throws SQLException {
    if (text.equals("infinity")) {
      return OffsetDateTime.MAX;
    }
    if (text.equals("-infinity")) {
      return OffsetDateTime.MIN;
    }
    Parsed ts = parse(text);
    ZoneOffset offset = ts.offset == null ? ZoneOffset.UTC : ts.offset;
    OffsetDateTime result = toLocalDateTime(text).atOffset(offset);
    return result.withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** {@code getObject(column, OffsetTime.class)} of a {@code timetz} value, in its own offset. */
  static OffsetTime toOffsetTime(String text) throws SQLException {
    Parsed ts = parse(text);
    LocalTime time = ts.hour == 24 ? LocalTime.MAX : LocalTime.of(ts.hour, ts.minute, ts.second, ts.nanos);
    return OffsetTime.of(time, ts.offset == null ? ZoneOffset.UTC : ts.offset);
  }

  private static void setAll(Calendar c, Parsed ts) {
    c.set(Calendar.ERA, ts.era);
    c.set(Calendar.YEAR, ts.year);
    c.set(Calendar.MONTH, ts.month - 1);
    c.set(Calendar.DAY_OF_MONTH, ts.day);
    c.set(Calendar.HOUR_OF_DAY, ts.hour);
    c.set(Calendar.MINUTE, ts.minute);
    c.set(Calendar.SECOND, ts.second);
    c.set(Calendar.MILLISECOND, 0);
  }

  /** A calendar in {@code cal}'s zone, or the JVM default zone (pgjdbc's shared calendar, one per call here). */
  private static Calendar calendar(Calendar cal) {
    return new GregorianCalendar(cal == null ? TimeZone.getDefault() : cal.getTimeZone());
  }

  private static Calendar offsetCalendar(ZoneOffset offset) {
    // A fixed zone of the exact offset: TimeZone ids cannot express the seconds of historic offsets (-03:30:52).
    return new GregorianCalendar(new java.util.SimpleTimeZone(offset.getTotalSeconds() * 1000, offset.getId()));
  }

  private static Date convertToDate(long millis, TimeZone tz) {
    if (millis <= NEGATIVE_INFINITY || millis >= POSITIVE_INFINITY) {
      return new Date(millis);
    }
    Calendar c = new GregorianCalendar(tz);
    c.setTimeInMillis(millis);
    c.set(Calendar.HOUR_OF_DAY, 0);
    c.set(Calendar.MINUTE, 0);
    c.set(Calendar.SECOND, 0);
    c.set(Calendar.MILLISECOND, 0);
    return new Date(c.getTimeInMillis());
  }

  private static Time convertToTime(long millis, TimeZone tz) {
    Calendar c = new GregorianCalendar(tz);
    c.setTimeInMillis(millis);
    c.set(Calendar.ERA, GregorianCalendar.AD);
    c.set(Calendar.YEAR, 1970);
    c.set(Calendar.MONTH, Calendar.JANUARY);
    c.set(Calendar.DAY_OF_MONTH, 1);
    return new Time(c.getTimeInMillis());
  }

  /**
   * pgjdbc's fast path for strings of at most 13 bytes: digits up to '-', digits up to '-', digits to the end, an
   * optional trailing "BC". It does not validate; malformed text yields odd dates or an index error, as in pgjdbc.
   */
  private static Parsed parseShortDate(byte[] s) {
    Parsed ts = new Parsed();
    int end = s.length;
    if (s[end - 2] == 'B' && s[end - 1] == 'C') {
      end -= 3;
      ts.era = GregorianCalendar.BC;
    }
    int i = 0;
    ts.year = 0;
    while (s[i] != '-') {
      ts.year = ts.year * 10 + (s[i++] - '0');
    }
    i++;
    ts.month = 0;
    while (s[i] != '-') {
      ts.month = ts.month * 10 + (s[i++] - '0');
    }
    i++;
    ts.day = 0;
    while (i < end) {
      ts.day = ts.day * 10 + (s[i++] - '0');
    }
    return ts;
  }

  /** Reads {@code [date] [time] [offset] [AD|BC]} the way pgjdbc's backend timestamp parser does. */
  static Parsed parse(String s) throws SQLException {
    return parse(s, new Parsed());
  }

  private static Parsed parse(String s, Parsed ts) throws SQLException {
    if (parseCanonical(s, ts)) {
      return ts;
    }
    int length = s.length();
    try {
      int start = skipSpaces(s, 0);
      int end = firstNonDigit(s, start);
      if (at(s, end) == '-') {
        ts.hasDate = true;
        ts.year = number(s, start, end);
        start = end + 1;
        end = firstNonDigit(s, start);
        ts.month = number(s, start, end);
        if (at(s, end) != '-') {
          throw new NumberFormatException("date not dash-separated");
        }
        start = end + 1;
        end = firstNonDigit(s, start);
        ts.day = number(s, start, end);
        start = skipSpaces(s, end);
      }
      if (isDigit(at(s, start))) {
        ts.hasTime = true;
        end = firstNonDigit(s, start);
        ts.hour = number(s, start, end);
        if (at(s, end) != ':') {
          throw new NumberFormatException("time not colon-separated");
        }
        start = end + 1;
        end = firstNonDigit(s, start);
        ts.minute = number(s, start, end);
        if (at(s, end) != ':') {
          throw new NumberFormatException("time not colon-separated");
        }
        start = end + 1;
        end = firstNonDigit(s, start);
        ts.second = number(s, start, end);
        start = end;
        if (at(s, start) == '.') {
          end = firstNonDigit(s, start + 1);
          if (end - (start + 1) > 9) {
            // pgjdbc overflows an int here and fails with IllegalArgumentException, or returns a wrong time;
            // the server never sends more than six digits, so this is bad text and fails as such
            throw new NumberFormatException("more than nine fractional digits");
          }
          int fraction = number(s, start + 1, end);
          for (int digits = end - (start + 1); digits < 9; digits++) {
            fraction *= 10;
          }
          ts.nanos = fraction;
          start = end;
        }
        start = skipSpaces(s, start);
      }
      char sign = at(s, start);
      if (sign == '-' || sign == '+') {
        int factor = sign == '-' ? -1 : 1;
        end = firstNonDigit(s, start + 1);
        int hours = number(s, start + 1, end);
        start = end;
        int minutes = 0;
        int seconds = 0;
        if (at(s, start) == ':') {
          end = firstNonDigit(s, start + 1);
          minutes = number(s, start + 1, end);
          start = end;
        }
        if (at(s, start) == ':') {
          end = firstNonDigit(s, start + 1);
          seconds = number(s, start + 1, end);
          start = end;
        }
        ts.offset = ZoneOffset.ofHoursMinutesSeconds(factor * hours, factor * minutes, factor * seconds);
        start = skipSpaces(s, start);
      }
      if (ts.hasDate && start < length) {
        if (startsWith(s, start, 'A', 'D')) {
          ts.era = GregorianCalendar.AD;
          start += 2;
        } else if (startsWith(s, start, 'B', 'C')) {
          ts.era = GregorianCalendar.BC;
          start += 2;
        }
      }
      if (start < length) {
        throw new NumberFormatException("trailing text");
      }
      if (!ts.hasTime && !ts.hasDate) {
        throw new NumberFormatException("neither date nor time");
      }
    } catch (NumberFormatException | java.time.DateTimeException e) {
      throw badValue(s);
    }
    return ts;
  }

  /**
   * {@link #toTimestamp} of a {@code timestamp}'s text in the ISO style ({@link #parseCanonical}), without a calendar
   * or a parse object, where {@link WallTime} places its wall time; {@code null} for any other text, and for such a
   * text whose wall time {@code WallTime} does not place (the calendar decides those).
   */
  static Timestamp canonicalTimestamp(CharSequence s, Calendar cal) {
    // parseCanonical's reading again, into locals: filling a Parsed here allocates it (+56 B a hit, JMH -prof gc)
    int length = s.length();
    if (!canonicalShape(s, length)) {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int fraction = length > 19 ? digits(s, 20, length) : 0;
    if ((year | month | day | hour | minute | second | fraction) < 0) {
      return null;
    }
    long millis = WallTime.toEpochMillis(cal == null ? TimeZone.getDefault() : cal.getTimeZone(), year, month, day,
        hour, minute, second);
    if (millis == WallTime.UNKNOWN) {
      return null;
    }
    Timestamp result = new Timestamp(millis);
    result.setNanos(nanos(fraction, length));
    return result;
  }

  /** Whether {@code s} has the ISO style's separators and length ({@link #parseCanonical}); digits not checked. */
  private static boolean canonicalShape(CharSequence s, int length) {
    return length >= 19 && length != 20 && length <= 29 && s.charAt(4) == '-' && s.charAt(7) == '-'
        && s.charAt(10) == ' ' && s.charAt(13) == ':' && s.charAt(16) == ':' && (length == 19 || s.charAt(19) == '.');
  }

  /** The nanoseconds of the fraction digits of a canonical text of this length. */
  private static int nanos(int fraction, int length) {
    for (int digits = length > 19 ? length - 20 : 9; digits < 9; digits++) {
      fraction *= 10;
    }
    return fraction;
  }

  /**
   * Reads the text a server sends for a {@code timestamp} in the ISO style — exactly {@code YYYY-MM-DD HH:MM:SS}, then
   * optionally {@code .} and one to nine digits, nothing else — into {@code ts}, which the general parser reads the
   * same way; false, with {@code ts} untouched, for any other text.
   */
  private static boolean parseCanonical(String s, Parsed ts) {
    int length = s.length();
    if (!canonicalShape(s, length)) {
      return false;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int fraction = length > 19 ? digits(s, 20, length) : 0;
    if ((year | month | day | hour | minute | second | fraction) < 0) {
      return false;
    }
    ts.hasDate = true;
    ts.year = year;
    ts.month = month;
    ts.day = day;
    ts.hasTime = true;
    ts.hour = hour;
    ts.minute = minute;
    ts.second = second;
    ts.nanos = nanos(fraction, length);
    return true;
  }

  /** The number the ASCII digits {@code s[start, end)} spell, or -1 if one is not such a digit. */
  private static int digits(CharSequence s, int start, int end) {
    int n = 0;
    for (int i = start; i < end; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      n = n * 10 + d;
    }
    return n;
  }

  static SQLException badValue(String text) {
    return PgErrors.of("Bad value for type timestamp/date/time: " + text, PgErrors.BAD_DATETIME_FORMAT);
  }

  private static boolean startsWith(String s, int at, char a, char b) {
    return at + 1 < s.length() && s.charAt(at) == a && s.charAt(at + 1) == b;
  }

  private static char at(String s, int index) {
    return index >= 0 && index < s.length() ? s.charAt(index) : 0;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int skipSpaces(String s, int start) {
    int i = start;
    // pgjdbc tests the text's UTF-8 bytes: no character beyond ASCII is whitespace to it
    while (i < s.length() && s.charAt(i) < 0x80 && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int firstNonDigit(String s, int start) {
    int i = start;
    while (i < s.length() && isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int number(String s, int start, int end) {
    if (start >= end) {
      throw new NumberFormatException("expected a number");
    }
    int n = 0;
    for (int i = start; i < end; i++) {
      n = n * 10 + (s.charAt(i) - '0');
    }
    return n;
  }
}
