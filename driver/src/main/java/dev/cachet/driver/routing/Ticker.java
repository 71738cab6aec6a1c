package dev.cachet.driver.routing;

/**
 * A source of monotonic time in nanoseconds, injectable so that routing decisions that depend on time (lag,
 * failure backoff, read-your-writes sampling) can be tested deterministically.
 *
 * <p>Values are only meaningful relative to each other, like {@link System#nanoTime()}.
 */
@FunctionalInterface
public interface Ticker {

  /** Returns the current time in nanoseconds on this ticker's scale. */
  long read();

  /** The ticker backed by {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
