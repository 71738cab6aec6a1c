package dev.cachet.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.lang.ref.WeakReference;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The clock the in-process tier's Caffeine cache reads for every hit's expiry check: the system clock, or — while
 * the tier serves enough hits a second for it to pay — a time that one daemon thread of the JVM publishes every
 * {@link #TICK_NANOS}, which takes a clock read (28 ns on a virtual machine's {@code kvm-clock}, a tenth of an
 * in-memory hit) off each hit.
 *
 * <p><b>Precision.</b> While the thread runs on time, the published time lags the system clock by less than a tick:
 * an entry lives up to a tick shorter (its write time lags) or longer (its reads' time lags) than its TTL. A thread
 * kept from running — a machine that starves it — keeps entries that much longer. A reader's time goes back at most
 * by the moment between the thread's clock read and its publishing (a reader that read the system clock in between,
 * as the clock switches on); switched off or stopped, a clock reads the system clock, which is ahead of anything it
 * published. Caffeine's expiry tolerates both.
 *
 * <p><b>When it is on.</b> The thread counts each clock's hits once a second (the tier counts them anyway) and
 * publishes for a clock from {@link #ON_PER_SECOND} hits a second until they fall below {@link #OFF_PER_SECOND}. Its
 * ten wake-ups a second were measured beside a benchmark serving 5 M hits a second at 0.2% of a core by CPU samples
 * and 1.3% by the scheduler's count (the two disagree; the scheduler may charge the thread a virtual CPU's wake): at
 * most 13 ms a second, what 460,000 clock reads cost. From the rate that turns it on it saves more than it costs by
 * either count; below the rate that turns it off it reads the system clock as before. With every clock off, the
 * thread wakes once a second, and ends after {@link #IDLE_NANOS} so (or at once with no clock left, or when
 * interrupted); the next fill of a tier ({@link #keepTicking()}) starts it again. It holds no context class loader and
 * inherits no thread-locals, so it pins no application's classes.
 */
final class PublishedClock implements Ticker {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long ON_PER_SECOND = 500_000;
    static final long OFF_PER_SECOND = 250_000;
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long OFF = Long.MIN_VALUE;

    private static final CopyOnWriteArrayList<WeakReference<PublishedClock>> CLOCKS = new CopyOnWriteArrayList<>();
    /** Whether the ticking thread runs; written under {@code CLOCKS}, read without it by {@link #keepTicking()}. */
    private static volatile boolean running;

    private final LongSupplier hits;
    private final LongSupplier time;
    private volatile long published = OFF;
    // the fields below are the ticking thread's (or a test's), under this clock's lock
    private boolean on;
    private boolean stopped;
    private long hitsThen = -1;
    private long countedAt;

    /**
     * A clock not yet ticking, publishing {@code time} (the system clock's {@code nanoTime}, or a test's) while the
     * rate of {@code hits} keeps it on.
     */
    PublishedClock(LongSupplier hits, LongSupplier time) {
        this.hits = hits;
        this.time = time;
    }

    /** A clock for a tier whose hits {@code hits} counts, ticked by the JVM's clock thread. */
    static PublishedClock started(LongSupplier hits) {
        PublishedClock clock = new PublishedClock(hits, System::nanoTime);
        synchronized (CLOCKS) {
            CLOCKS.add(new WeakReference<>(clock));
        }
        keepTicking();
        return clock;
    }

    @Override
    public long read() {
        long t = published;
        return t != OFF ? t : System.nanoTime();
    }

    /** Starts the ticking thread unless it runs: it ends when idle, and a tier's fills call this (one volatile read). */
    static void keepTicking() {
        if (running) {
            return;
        }
        synchronized (CLOCKS) {
            if (!running && !CLOCKS.isEmpty()) {
                Thread t = new Thread(null, PublishedClock::run, "cachet-clock", 0, false);
                t.setDaemon(true);
                t.setContextClassLoader(null);
                running = true;
                t.start();
            }
        }
    }

    /** Reads the system clock from now on, for good; the thread forgets this clock (and ends if it was the last). */
    synchronized void stop() {
        stopped = true;
        published = OFF;
        CLOCKS.removeIf(ref -> ref.get() == this);
    }

    /** Back to the system clock until the next {@link #tick}, counting afresh (its thread ended). */
    synchronized void halt() {
        on = false;
        hitsThen = -1;
        published = OFF;
    }

    /** Whether it publishes (for tests). */
    boolean publishing() {
        return published != OFF;
    }

    /**
     * One step of the ticking thread: once a second turns on or off by the hits counted since the last count, then
     * publishes the time while on — read just before it is published, so a reader's step back stays as short as it
     * can be. Returns whether it is on.
     */
    synchronized boolean tick() {
        if (stopped) {
            return false;
        }
        long now = time.getAsLong();
        if (hitsThen < 0 || now - countedAt >= SECOND) {
            long counted = hits.getAsLong();
            if (hitsThen >= 0) {
                double perSecond = (counted - hitsThen) * (double) SECOND / Math.max(1, now - countedAt);
                on = perSecond >= (on ? OFF_PER_SECOND : ON_PER_SECOND);
            }
            hitsThen = counted;
            countedAt = now;
        }
        published = on ? time.getAsLong() : OFF;
        return on;
    }

    private static void run() {
        long idleSince = System.nanoTime();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                boolean anyOn = false;
                for (WeakReference<PublishedClock> ref : CLOCKS) {
                    PublishedClock clock = ref.get();
                    if (clock == null) {
                        CLOCKS.remove(ref);
                    } else if (clock.tick()) {
                        anyOn = true;
                    }
                }
                long now = System.nanoTime();
                if (anyOn) {
                    idleSince = now;
                }
                synchronized (CLOCKS) {
                    if (CLOCKS.isEmpty() || now - idleSince >= IDLE_NANOS) {
                        // every clock is off (or gone): nothing to publish until a fill starts the thread again
                        running = false;
                        return;
                    }
                }
                LockSupport.parkNanos(anyOn ? TICK_NANOS : SECOND);
            }
        } finally {
            // ended idle, interrupted (an application server stopping threads) or by an error: no clock may keep a
            // time nobody advances; indexed, so that an OutOfMemoryError does not stop it at an iterator
            synchronized (CLOCKS) {
                running = false;
            }
            for (int i = 0; i < CLOCKS.size(); i++) {
                try {
                    PublishedClock clock = CLOCKS.get(i).get();
                    if (clock != null) {
                        clock.halt();
                    }
                } catch (IndexOutOfBoundsException removedMeanwhile) {
                    break;
                }
            }
        }
    }
}
