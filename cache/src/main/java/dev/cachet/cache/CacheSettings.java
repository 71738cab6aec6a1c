package dev.cachet.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * The shape of one {@link ResultCache}: its byte bound, default TTL, per-entry caps, how long a miss
 * waits for a concurrent fill of the same key, and how long a transaction's block on its written
 * tables may outlive a leaked connection. Immutable; made with {@link #builder()}.
 *
 * <p>Defaults: {@code maxBytes} 64 MB, {@code defaultTtl} 5 minutes, {@code maxRowsPerEntry} 10,000,
 * {@code maxBytesPerEntry} 1 MB, {@code inFlightWait} 2 seconds, {@code transactionBlockTimeout} 10 minutes,
 * the system ticker and the common fork-join pool for Caffeine's maintenance.
 */
public final class CacheSettings {

    private final long maxBytes;
    private final Duration defaultTtl;
    private final int maxRowsPerEntry;
    private final long maxBytesPerEntry;
    private final Duration inFlightWait;
    private final Duration transactionBlockTimeout;
    private final Ticker ticker;
    private final Executor executor;

    private CacheSettings(Builder b) {
        this.maxBytes = b.maxBytes;
        this.defaultTtl = b.defaultTtl;
        this.maxRowsPerEntry = b.maxRowsPerEntry;
        this.maxBytesPerEntry = b.maxBytesPerEntry;
        this.inFlightWait = b.inFlightWait;
        this.transactionBlockTimeout = b.transactionBlockTimeout;
        this.ticker = b.ticker;
        this.executor = b.executor;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static CacheSettings defaults() {
        return builder().build();
    }

    /** The bound on the summed estimated size of all entries, in bytes. */
    public long maxBytes() { return maxBytes; }

    /** The time to live of an entry stored without its own TTL. */
    public Duration defaultTtl() { return defaultTtl; }

    /** A result with more rows is not cached (its rows stream on). */
    public int maxRowsPerEntry() { return maxRowsPerEntry; }

    /** A result whose estimated size exceeds this is not cached. */
    public long maxBytesPerEntry() { return maxBytesPerEntry; }

    /** How long a miss waits for a concurrent fill of the same key before running its own query. */
    public Duration inFlightWait() { return inFlightWait; }

    /** How long after its last write a transaction's block lapses if the transaction never ends. */
    public Duration transactionBlockTimeout() { return transactionBlockTimeout; }

    /** The clock of TTLs and block timeouts (replaceable in tests). */
    public Ticker ticker() { return ticker; }

    /** Where Caffeine runs its maintenance and listeners. */
    public Executor executor() { return executor; }

    @Override
    public String toString() {
        return "CacheSettings[maxBytes=" + maxBytes + ", defaultTtl=" + defaultTtl + ", maxRowsPerEntry="
                + maxRowsPerEntry + ", maxBytesPerEntry=" + maxBytesPerEntry + ", inFlightWait=" + inFlightWait
                + ", transactionBlockTimeout=" + transactionBlockTimeout + "]";
    }

    /** Builds {@link CacheSettings}; every setter validates its argument. */
    public static final class Builder {

        private long maxBytes = 64L * 1024 * 1024;
        private Duration defaultTtl = Duration.ofMinutes(5);
        private int maxRowsPerEntry = 10_000;
        private long maxBytesPerEntry = 1024L * 1024;
        private Duration inFlightWait = Duration.ofSeconds(2);
        private Duration transactionBlockTimeout = Duration.ofMinutes(10);
        private Ticker ticker = Ticker.systemTicker();
        // Caffeine's default; the driver runs maintenance on the calling thread instead (measured faster there)
        private Executor executor = ForkJoinPool.commonPool();

        private Builder() {
        }

        public Builder maxBytes(long maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        public Builder defaultTtl(Duration ttl) {
            this.defaultTtl = positive(ttl, "defaultTtl");
            return this;
        }

        public Builder maxRowsPerEntry(int rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("maxRowsPerEntry must be >= 0: " + rows);
            }
            this.maxRowsPerEntry = rows;
            return this;
        }

        public Builder maxBytesPerEntry(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxBytesPerEntry must be >= 0: " + bytes);
            }
            this.maxBytesPerEntry = bytes;
            return this;
        }

        public Builder inFlightWait(Duration wait) {
            Objects.requireNonNull(wait, "inFlightWait");
            if (wait.isNegative()) {
                throw new IllegalArgumentException("inFlightWait must not be negative: " + wait);
            }
            this.inFlightWait = wait;
            return this;
        }

        public Builder transactionBlockTimeout(Duration timeout) {
            this.transactionBlockTimeout = positive(timeout, "transactionBlockTimeout");
            return this;
        }

        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public CacheSettings build() {
            return new CacheSettings(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
