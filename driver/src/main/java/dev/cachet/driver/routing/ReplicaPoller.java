package dev.cachet.driver.routing;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps one cluster's replica states current: every interval it samples the primary's insert position and timeline,
 * then each replica's replayed position and timeline, and derives each replica's lag (DESIGN §9). The primary
 * samples also resolve {@linkplain ReadYourWrites#committedUnsampled unsampled commits} that returned before the
 * sample started; a read held on the primary by such a commit {@linkplain #requestRound asks} for the next round early.
 *
 * <p>Runs on one daemon thread named {@code cachet-replica-poller-<name>} once {@link #start()}ed, until
 * {@link #close()}. {@link #pollOnce()} runs one round on the caller's thread (tests drive it with a fake
 * {@link NodeProbe} and {@link Ticker}). A failed replica probe marks the replica failed; it is probed again after
 * its backoff. A failed primary probe is reported to the listener and leaves replica states as they were.
 */
public final class ReplicaPoller implements AutoCloseable {

  private static final AtomicInteger THREADS = new AtomicInteger();

  /**
   * The least time between the starts of two rounds when rounds are {@linkplain #requestRound requested}: a burst of
   * requests costs the servers at most one round per this interval.
   */
  static final long MIN_REQUESTED_SPACING_NANOS = 5_000_000L;

  /**
   * How soon after the start of a round a requested one may start: {@link #MIN_REQUESTED_SPACING_NANOS} while rounds
   * free tables for the replicas, doubling up to the polling interval while requested rounds free none. Under a steady
   * stream of writes to a table each sample finds the next write to it unresolved, so its reads stay on the primary
   * whatever the poller does, and a round every 5 ms (three queries, one per server) only loads the servers the
   * application's statements need. Not thread-safe: the polling thread's alone.
   */
  static final class RequestedSpacing {
    private final long intervalNanos;
    private long nanos = MIN_REQUESTED_SPACING_NANOS;

    RequestedSpacing(long intervalNanos) {
      this.intervalNanos = intervalNanos;
    }

    long nanos() {
      return nanos;
    }

    /**
     * Whether a round asked for ({@code roundRequested}) starts before the interval's: only while the spacing is
     * shorter than the interval.
     */
    boolean early(boolean roundRequested) {
      return roundRequested && nanos < intervalNanos;
    }

    /** How long after the start of the last round the next one starts. */
    long nextRoundAfter(boolean roundRequested) {
      return early(roundRequested) ? nanos : intervalNanos;
    }

    /** A round ended; {@code requested} whether a request started it early, {@code freed} the tables it freed. */
    void roundEnded(boolean requested, int freed) {
      if (freed > 0) {
        nanos = MIN_REQUESTED_SPACING_NANOS;
      } else if (requested) {
        nanos = Math.min(intervalNanos, nanos * 2);
      }
    }
  }

  private final ReplicaRouter router;
  private final NodeProbe probe;
  private final Supplier<String> primaryHost;
  private final LagEstimator lagEstimator;
  private final Ticker ticker;
  private final Duration interval;
  private final String name;
  private final Consumer<SQLException> primaryFailureListener;
  private final Object lifecycle = new Object();
  private Thread thread;
  private volatile Thread running;
  private volatile boolean closed;
  /** Set by {@link #requestRound}, cleared when a round starts. */
  private volatile boolean roundRequested;
  /** Tables the last round's primary sample freed (the polling thread's). */
  private int lastRoundFreed;

  /**
   * A poller for {@code router}'s replicas.
   *
   * @param primaryHost            the current primary's {@code "host:port"} (changes on failover)
   * @param primaryFailureListener told when the primary cannot be probed (may start primary discovery)
   */
  public ReplicaPoller(ReplicaRouter router, NodeProbe probe, Supplier<String> primaryHost, LagEstimator lagEstimator,
      Ticker ticker, Duration interval, String name, Consumer<SQLException> primaryFailureListener) {
    this.router = Objects.requireNonNull(router);
    this.probe = Objects.requireNonNull(probe);
    this.primaryHost = Objects.requireNonNull(primaryHost);
    this.lagEstimator = Objects.requireNonNull(lagEstimator);
    this.ticker = Objects.requireNonNull(ticker);
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    this.interval = interval;
    this.name = Objects.requireNonNull(name);
    this.primaryFailureListener = Objects.requireNonNull(primaryFailureListener);
  }

  /** Starts the polling thread (once; later calls do nothing). */
  public void start() {
    synchronized (lifecycle) {
      if (thread != null || closed) {
        return;
      }
      thread = new Thread(this::run, "cachet-replica-poller-" + name + "-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      running = thread;
      thread.start();
    }
  }

  /**
   * Asks for a round sooner than the interval: a commit waits for a primary sample that started after it (DESIGN §9,
   * read-your-writes), and a read found its tables on the primary because of it. Requests are coalesced: the next
   * round serves every request made before it starts, and requested rounds start at least
   * {@link #MIN_REQUESTED_SPACING_NANOS} apart, more while they free no table ({@link RequestedSpacing}). Never blocks; a no-op before {@link #start()} and after
   * {@link #close()}.
   */
  public void requestRound() {
    if (roundRequested) {
      return;
    }
    roundRequested = true;
    Thread t = running;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /**
   * One round: the primary, then every replica whose probe is due. Returns whether the primary answered.
   */
  public boolean pollOnce() {
    long started = ticker.read();
    boolean primaryAnswered;
    lastRoundFreed = 0;
    String primaryName = primaryHost.get();
    NodeStatus primaryStatus = null;
    try {
      NodeStatus primary = probe.probe(primaryName);
      if (primary.inRecovery()) {
        throw new SQLException("the configured primary " + primaryName + " is in recovery (a standby)", "08000");
      }
      primaryStatus = primary;
      lagEstimator.record(started, primary.position());
      lastRoundFreed = router.readYourWrites().primarySampled(primary.position(), started);
      router.primaryObserved(primary.timeline());
      primaryAnswered = true;
    } catch (SQLException e) {
      primaryFailureListener.accept(e);
      primaryAnswered = false;
    } catch (RuntimeException e) {
      primaryFailureListener.accept(new SQLException("probing the primary failed: " + e, "08000", e));
      primaryAnswered = false;
    }
    for (ReplicaState replica : router.replicas()) {
      long now = ticker.read();
      if (replica.host().equals(primaryName)) {
        // the primary may be listed among the replicas (it can become one after a failover): never eligible now
        if (primaryStatus != null) {
          replica.recordStatus(primaryStatus, Duration.ZERO);
        }
        continue;
      }
      if (!replica.probeDue(now)) {
        continue;
      }
      try {
        NodeStatus status = probe.probe(replica.host());
        replica.recordStatus(status, lagEstimator.lagOf(status.position(), ticker.read()));
      } catch (SQLException | RuntimeException e) {
        replica.markFailed(ticker.read());
      }
    }
    return primaryAnswered;
  }

  /** How many tables the last round's primary sample freed (see {@link ReadYourWrites#primarySampled}). */
  int lastRoundFreed() {
    return lastRoundFreed;
  }

  /** Stops the polling thread and waits briefly for it to end. */
  @Override
  public void close() {
    Thread t;
    synchronized (lifecycle) {
      closed = true;
      t = thread;
      running = null;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(interval.toMillis() + 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    long intervalNanos = interval.toNanos();
    RequestedSpacing spacing = new RequestedSpacing(intervalNanos);
    boolean requested = false;
    while (!closed) {
      long started = System.nanoTime();
      roundRequested = false; // a request from now on is served by this round's sample or the next
      pollOnce();
      spacing.roundEnded(requested, lastRoundFreed);
      while (!closed) {
        boolean asked = roundRequested;
        long wait = spacing.nextRoundAfter(asked) - (System.nanoTime() - started);
        if (wait <= 0) {
          requested = spacing.early(asked);
          break;
        }
        LockSupport.parkNanos(this, wait);
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
      }
    }
  }
}
