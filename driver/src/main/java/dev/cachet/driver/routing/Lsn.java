package dev.cachet.driver.routing;

import java.util.Locale;

/**
 * A PostgreSQL write-ahead-log position (an {@code pg_lsn}), an unsigned 64-bit byte offset written as two hex
 * halves: {@code "16/B374D848"}.
 *
 * <p>Positions compare as unsigned numbers. Comparing positions is only meaningful on one timeline: after a
 * failover a replica's position may include commits the new primary never had (callers check the timeline).
 * Immutable and thread-safe.
 */
public final class Lsn implements Comparable<Lsn> {

  /** Position {@code 0/0}: before anything was written. */
  public static final Lsn ZERO = new Lsn(0L);

  /** The largest position, {@code FFFFFFFF/FFFFFFFF}: no replica ever reaches it, so requiring it means "the primary". */
  public static final Lsn MAX = new Lsn(-1L);

  private final long value;

  private Lsn(long value) {
    this.value = value;
  }

  /** The position at unsigned byte offset {@code value}. */
  public static Lsn of(long value) {
    return value == 0L ? ZERO : value == -1L ? MAX : new Lsn(value);
  }

  /**
   * Parses PostgreSQL's text form {@code "X/Y"} (each half 1 to 8 hex digits, either case).
   *
   * @throws IllegalArgumentException when {@code text} is not of that form
   * @throws NullPointerException when {@code text} is null
   */
  public static Lsn parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 1 || slash > 8 || text.length() - slash - 1 < 1 || text.length() - slash - 1 > 8) {
      throw new IllegalArgumentException("not a WAL position (expected hex 'X/Y'): '" + text + "'");
    }
    for (int i = 0; i < text.length(); i++) {
      if (i != slash && !isHexDigit(text.charAt(i))) {
        throw new IllegalArgumentException("not a WAL position (expected hex 'X/Y'): '" + text + "'");
      }
    }
    try {
      long high = Long.parseLong(text, 0, slash, 16);
      long low = Long.parseLong(text, slash + 1, text.length(), 16);
      return of((high << 32) | low);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a WAL position (expected hex 'X/Y'): '" + text + "'", e);
    }
  }

  private static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** The unsigned byte offset, as a (possibly negative) {@code long} bit pattern. */
  public long value() {
    return value;
  }

  /** Whether this position is at or past {@code other}. */
  public boolean isAtLeast(Lsn other) {
    return Long.compareUnsigned(value, other.value) >= 0;
  }

  /**
   * Bytes of WAL from {@code earlier} to this position; negative when {@code earlier} is in fact later.
   * (Differences beyond {@code Long.MAX_VALUE} bytes do not occur between real positions.)
   */
  public long bytesSince(Lsn earlier) {
    return value - earlier.value;
  }

  /** The later of two positions. */
  public static Lsn max(Lsn a, Lsn b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public int compareTo(Lsn other) {
    return Long.compareUnsigned(value, other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Lsn && ((Lsn) o).value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  /** PostgreSQL's text form, upper-case hex without leading zeros: {@code "16/B374D848"}. */
  @Override
  public String toString() {
    return Long.toHexString(value >>> 32).toUpperCase(Locale.ROOT) + "/"
        + Long.toHexString(value & 0xFFFF_FFFFL).toUpperCase(Locale.ROOT);
  }
}
