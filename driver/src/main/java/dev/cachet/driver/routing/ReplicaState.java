package dev.cachet.driver.routing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What Cachet knows about one replica: the last position it reported (replayed WAL position, timeline, lag), its
 * health (a failed replica stays out of the rotation and is probed again after an exponential backoff), and the
 * load figures the read strategies use (reads in flight, response time).
 *
 * <p>A replica serves reads only while {@link #eligible} holds: it answered its last probe, is a standby, is on the
 * primary's timeline and its lag is within the limit. Thread-safe; the poller writes, routing reads.
 */
public final class ReplicaState {

  /** One probe's findings, published together so readers never see a position with another probe's timeline. */
  private record Report(NodeStatus status, Duration lag) {}

  private static final double RESPONSE_WEIGHT = 0.2;

  private final String host;
  private final long initialBackoffNanos;
  private final long maxBackoffNanos;
  private final AtomicInteger inFlight = new AtomicInteger();

  private volatile Report report;
  private volatile int consecutiveFailures;
  private volatile long retryAtNanos;
  private volatile long responseNanos = -1L;

  /**
   * A replica at {@code host} ({@code "host:port"}) that, after its n-th consecutive failure, is probed again after
   * {@code initialBackoff * 2^(n-1)}, at most {@code maxBackoff}.
   */
  public ReplicaState(String host, Duration initialBackoff, Duration maxBackoff) {
    if (host == null || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need a host and 0 <= initialBackoff <= maxBackoff");
    }
    this.host = host;
    this.initialBackoffNanos = initialBackoff.toNanos();
    this.maxBackoffNanos = maxBackoff.toNanos();
  }

  /** A replica with the default backoff: 500 ms doubling up to 30 s. */
  public ReplicaState(String host) {
    this(host, Duration.ofMillis(500), Duration.ofSeconds(30));
  }

  /** The replica's address as configured, {@code "host:port"}. */
  public String host() {
    return host;
  }

  /** Records a successful probe: its status and the lag estimated for it (null when unknown). Clears failures. */
  public void recordStatus(NodeStatus status, Duration lag) {
    report = new Report(status, lag);
    consecutiveFailures = 0;
  }

  /**
   * Records a failure seen at {@code nowNanos} (a failed probe, or a read that could not reach it): the replica
   * leaves the rotation until a later probe succeeds, and is not probed again before the backoff has passed.
   */
  public synchronized void markFailed(long nowNanos) {
    int failures = consecutiveFailures + 1;
    consecutiveFailures = failures;
    long backoff = initialBackoffNanos;
    for (int i = 1; i < failures && backoff < maxBackoffNanos; i++) {
      backoff *= 2;
    }
    retryAtNanos = nowNanos + Math.min(backoff, maxBackoffNanos);
  }

  /** Whether the replica is failed (its last probe or use failed). */
  public boolean failed() {
    return consecutiveFailures > 0;
  }

  /** Consecutive failures since the last successful probe. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** Whether the poller should probe the replica at {@code nowNanos}: always when healthy, after the backoff when failed. */
  public boolean probeDue(long nowNanos) {
    return consecutiveFailures == 0 || nowNanos - retryAtNanos >= 0;
  }

  /** The last status a probe reported, or null before the first successful probe. */
  public NodeStatus status() {
    Report r = report;
    return r == null ? null : r.status();
  }

  /** The replayed position last reported, or null before the first successful probe. */
  public Lsn replayed() {
    Report r = report;
    return r == null ? null : r.status().position();
  }

  /** The lag last estimated, or null when unknown. */
  public Duration lag() {
    Report r = report;
    return r == null ? null : r.lag();
  }

  /**
   * Whether the replica may serve reads: healthy, reported as a standby on {@code primaryTimeline}, with a known lag
   * of at most {@code maxLag} (null: no limit).
   */
  public boolean eligible(long primaryTimeline, Duration maxLag) {
    Report r = report;
    if (r == null || consecutiveFailures > 0 || !r.status().inRecovery() || r.status().timeline() != primaryTimeline) {
      return false;
    }
    return maxLag == null || (r.lag() != null && r.lag().compareTo(maxLag) <= 0);
  }

  /** Whether the replica has replayed at least {@code required}. */
  public boolean hasReplayed(Lsn required) {
    Lsn replayed = replayed();
    return replayed != null && replayed.isAtLeast(required);
  }

  /** Call when a read starts on this replica (least-connections counts reads in flight). */
  public void readStarted() {
    inFlight.incrementAndGet();
  }

  /** Call when a read on this replica ends, with how long it took (fastest-response keeps a moving average). */
  public void readFinished(long elapsedNanos) {
    inFlight.decrementAndGet();
    long previous = responseNanos;
    // A lost update under contention only skips one sample of a moving average.
    responseNanos = previous < 0 ? elapsedNanos : (long) (previous + RESPONSE_WEIGHT * (elapsedNanos - previous));
  }

  /** Reads in flight on this replica. */
  public int readsInFlight() {
    return inFlight.get();
  }

  /** Moving average of read response times in nanoseconds, or -1 before the first read. */
  public long averageResponseNanos() {
    return responseNanos;
  }

  @Override
  public String toString() {
    Report r = report;
    return "Replica[" + host + (failed() ? ", failed x" + consecutiveFailures : "")
        + (r == null ? ", not probed" : ", " + r.status() + ", lag " + r.lag()) + "]";
  }
}
