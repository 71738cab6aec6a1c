package dev.cachet.driver.routing;

/**
 * What one probe of a PostgreSQL server found: whether it is in recovery (a standby), its WAL position (the insert
 * position on a primary, the replayed position on a standby) and its timeline.
 *
 * @param inRecovery {@code pg_is_in_recovery()}: true on a standby
 * @param position   {@code pg_current_wal_insert_lsn()} on a primary, {@code pg_last_wal_replay_lsn()} on a standby
 *                   ({@link Lsn#ZERO} when a standby has replayed nothing yet)
 * @param timeline   the timeline the position is on
 */
public record NodeStatus(boolean inRecovery, Lsn position, long timeline) {

  /** Validates the components. */
  public NodeStatus {
    if (position == null) {
      throw new NullPointerException("position");
    }
    if (timeline < 1) {
      throw new IllegalArgumentException("timeline must be positive, got " + timeline);
    }
  }

  /** A primary at insert position {@code position} on {@code timeline}. */
  public static NodeStatus primary(Lsn position, long timeline) {
    return new NodeStatus(false, position, timeline);
  }

  /** A standby that has replayed up to {@code position} on {@code timeline}. */
  public static NodeStatus standby(Lsn position, long timeline) {
    return new NodeStatus(true, position, timeline);
  }
}
