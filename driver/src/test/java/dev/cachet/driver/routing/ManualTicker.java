package dev.cachet.driver.routing;

import java.time.Duration;

/** A ticker the test moves by hand. */
final class ManualTicker implements Ticker {
  private long nanos = 1_000_000_000L;

  @Override
  public synchronized long read() {
    return nanos;
  }

  synchronized void advance(Duration d) {
    nanos += d.toNanos();
  }
}
