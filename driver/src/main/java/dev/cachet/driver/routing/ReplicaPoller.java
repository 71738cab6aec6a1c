package dev.cachet.driver.routing;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps one cluster's replica states current: every interval it samples the primary's insert position and timeline,
 * then each replica's replayed position and timeline, and derives each replica's lag (DESIGN §9). The primary
 * samples also resolve {@linkplain ReadYourWrites#committedUnsampled unsampled commits} that returned before the
 * sample started.
 *
 * <p>Runs on one daemon thread named {@code cachet-replica-poller-<name>} once {@link #start()}ed, until
 * {@link #close()}. {@link #pollOnce()} runs one round on the caller's thread (tests drive it with a fake
 * {@link NodeProbe} and {@link Ticker}). A failed replica probe marks the replica failed; it is probed again after
 * its backoff. A failed primary probe is reported to the listener and leaves replica states as they were.
 */
public final class ReplicaPoller implements AutoCloseable {

  private static final AtomicInteger THREADS = new AtomicInteger();

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
  private volatile boolean closed;

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
      thread.start();
    }
  }

  /**
   * One round: the primary, then every replica whose probe is due. Returns whether the primary answered.
   */
  public boolean pollOnce() {
    long started = ticker.read();
    boolean primaryAnswered;
    String primaryName = primaryHost.get();
    NodeStatus primaryStatus = null;
    try {
      NodeStatus primary = probe.probe(primaryName);
      if (primary.inRecovery()) {
        throw new SQLException("the configured primary " + primaryName + " is in recovery (a standby)", "08000");
      }
      primaryStatus = primary;
      lagEstimator.record(started, primary.position());
      router.readYourWrites().primarySampled(primary.position(), started);
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

  /** Stops the polling thread and waits briefly for it to end. */
  @Override
  public void close() {
    Thread t;
    synchronized (lifecycle) {
      closed = true;
      t = thread;
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
    while (!closed) {
      long started = System.nanoTime();
      pollOnce();
      long remaining = intervalNanos - (System.nanoTime() - started);
      if (remaining > 0) {
        try {
          Thread.sleep(remaining / 1_000_000L, (int) (remaining % 1_000_000L));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
