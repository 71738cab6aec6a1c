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
 * kept from running — a machine that starves it — keeps entries that much longer. Time never goes backwards for a
 * reader: switched on, a clock publishes the time of the switch; switched off or stopped, it reads the system clock,
 * which is ahead of anything it published.
 *
 * <p><b>When it is on.</b> The thread counts each clock's hits once a second (the tier counts them anyway) and
 * publishes for a clock from {@link #ON_PER_SECOND} hits a second until they fall below {@link #OFF_PER_SECOND}. Its
 * ten wake-ups a second were measured beside a benchmark serving 5 M hits a second at 0.2% of a core by CPU samples
 * and 1.3% by the scheduler's count (the two disagree; the scheduler may charge the thread a virtual CPU's wake): at
 * most 13 ms a second, what 460,000 clock reads cost. From the rate that turns it on it saves more than it costs by
 * either count; below the rate that turns it off it reads the system clock as before. With every clock off, the
 * thread wakes once a second; with none left (stopped, or collected with their caches) it ends.
 */
final class PublishedClock implements Ticker {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long ON_PER_SECOND = 500_000;
    static final long OFF_PER_SECOND = 250_000;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long OFF = Long.MIN_VALUE;

    private static final CopyOnWriteArrayList<WeakReference<PublishedClock>> CLOCKS = new CopyOnWriteArrayList<>();
    private static Thread thread; // guarded by CLOCKS

    private final LongSupplier hits;
    private volatile long published = OFF;
    // the fields below are the ticking thread's (or a test's), under this clock's lock
    private boolean on;
    private boolean stopped;
    private long hitsThen = -1;
    private long countedAt;

    /** A clock not yet ticking: the system clock until {@link #start()} and the rate of {@code hits} switch it on. */
    PublishedClock(LongSupplier hits) {
        this.hits = hits;
    }

    /** A clock for a tier whose hits {@code hits} counts, ticked by the JVM's clock thread. */
    static PublishedClock started(LongSupplier hits) {
        PublishedClock clock = new PublishedClock(hits);
        clock.start();
        return clock;
    }

    @Override
    public long read() {
        long t = published;
        return t != OFF ? t : System.nanoTime();
    }

    private void start() {
        synchronized (CLOCKS) {
            CLOCKS.add(new WeakReference<>(this));
            if (thread == null) {
                thread = new Thread(PublishedClock::run, "cachet-clock");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    /** Reads the system clock from now on, for good; the thread forgets this clock (and ends if it was the last). */
    synchronized void stop() {
        stopped = true;
        published = OFF;
        CLOCKS.removeIf(ref -> ref.get() == this);
    }

    /** Whether it publishes (for tests and statistics). */
    boolean publishing() {
        return published != OFF;
    }

    /**
     * One step of the ticking thread at {@code now}: publishes {@code now} while on, and once a second turns on or off
     * by the hits counted since the last count. Returns whether it is on.
     */
    synchronized boolean tick(long now) {
        if (stopped) {
            return false;
        }
        if (hitsThen < 0 || now - countedAt >= SECOND) {
            long counted = hits.getAsLong();
            if (hitsThen >= 0) {
                long perSecond = (counted - hitsThen) * SECOND / Math.max(1, now - countedAt);
                on = perSecond >= (on ? OFF_PER_SECOND : ON_PER_SECOND);
            }
            hitsThen = counted;
            countedAt = now;
        }
        published = on ? now : OFF;
        return on;
    }

    /** Back to the system clock until the next {@link #tick} (its thread ended): a published time must never freeze. */
    synchronized void halt() {
        on = false;
        hitsThen = -1;
        published = OFF;
    }

    private static void run() {
        try {
            while (true) {
                long now = System.nanoTime();
                boolean anyOn = false;
                for (WeakReference<PublishedClock> ref : CLOCKS) {
                    PublishedClock clock = ref.get();
                    if (clock == null) {
                        CLOCKS.remove(ref);
                    } else if (clock.tick(now)) {
                        anyOn = true;
                    }
                }
                synchronized (CLOCKS) {
                    if (CLOCKS.isEmpty()) {
                        thread = null;
                        return;
                    }
                }
                LockSupport.parkNanos(anyOn ? TICK_NANOS : SECOND);
            }
        } catch (Throwable t) {
            // whatever ended the thread, no clock may keep a time nobody advances; the next clock started starts
            // another thread
            synchronized (CLOCKS) {
                thread = null;
            }
            for (WeakReference<PublishedClock> ref : CLOCKS) {
                PublishedClock clock = ref.get();
                if (clock != null) {
                    clock.halt();
                }
            }
            throw t;
        }
    }
}
