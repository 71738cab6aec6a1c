package dev.cachet.driver.routing;

import java.time.Duration;

/**
 * Estimates how far behind a replica is in time from a history of the primary's WAL insert positions
 * (DESIGN §9): a replica that has replayed position P is as current as the primary was at the last moment it
 * stood at or before P, so its lag is the time since then.
 *
 * <p>Unlike {@code now() - pg_last_xact_replay_timestamp()}, this does not grow while the primary is idle: a
 * replica that has replayed the primary's latest sampled position has no lag. The estimate is conservative: the
 * primary passed P somewhere between two samples, and the earlier one is used, so the lag can be overstated by
 * up to one sampling interval but never understated.
 *
 * <p>Samples are kept in a bounded ring; a run of samples at one position keeps only its latest time (that is
 * all the estimate needs), so an idle primary does not push useful history out. Thread-safe.
 */
public final class LagEstimator {

  private final long[] times;
  private final long[] positions;
  private int newest = -1;
  private int size;

  /** An estimator remembering up to {@code capacity} distinct primary positions. */
  public LagEstimator(int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity must be at least 2, got " + capacity);
    }
    times = new long[capacity];
    positions = new long[capacity];
  }

  /**
   * Records that the primary's insert position was {@code primaryInsert} at {@code nanos} (the time the sample was
   * taken, on the same {@link Ticker} as later {@link #lagOf} calls). Samples must arrive in time order; one whose
   * position is behind the newest (a new primary after failover) clears the history first.
   */
  public synchronized void record(long nanos, Lsn primaryInsert) {
    long position = primaryInsert.value();
    if (size > 0) {
      int cmp = Long.compareUnsigned(position, positions[newest]);
      if (cmp == 0) {
        times[newest] = nanos;
        return;
      }
      if (cmp < 0) {
        clear();
      }
    }
    newest = (newest + 1) % times.length;
    times[newest] = nanos;
    positions[newest] = position;
    if (size < times.length) {
      size++;
    }
  }

  /** Forgets every sample (after a failover the old primary's positions mean nothing). */
  public synchronized void clear() {
    size = 0;
    newest = -1;
  }

  /** The newest sampled primary position, or null before the first sample. */
  public synchronized Lsn latestPrimaryPosition() {
    return size == 0 ? null : Lsn.of(positions[newest]);
  }

  /**
   * The lag at {@code nowNanos} of a replica that has replayed up to {@code replayed}: zero when it has replayed the
   * newest sampled position; otherwise the time since the last sample at or before {@code replayed}; when even the
   * oldest remembered sample is ahead of it, the time since that oldest sample (a lower bound, already as long as
   * the history). Null before the first sample: nothing is known yet.
   */
  public synchronized Duration lagOf(Lsn replayed, long nowNanos) {
    if (size == 0) {
      return null;
    }
    long position = replayed.value();
    if (Long.compareUnsigned(position, positions[newest]) >= 0) {
      return Duration.ZERO;
    }
    int index = newest;
    for (int i = 1; i < size; i++) {
      index = (index - 1 + times.length) % times.length;
      if (Long.compareUnsigned(positions[index], position) <= 0) {
        return Duration.ofNanos(Math.max(0L, nowNanos - times[index]));
      }
    }
    return Duration.ofNanos(Math.max(0L, nowNanos - times[index]));
  }
}
