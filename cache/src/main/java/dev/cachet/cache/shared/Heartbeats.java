package dev.cachet.cache.shared;

/**
 * The end-to-end check of the invalidation stream: this instance publishes numbered heartbeats and expects them
 * back. The stream is <em>late</em> when the oldest heartbeat not yet back was sent longer ago than a bound; after
 * a loss, only a heartbeat sent after it proves the stream delivers again (messages on one subscription arrive in
 * the order Redis took them, so everything published before that heartbeat has arrived). Thread-safe.
 */
final class Heartbeats {

    private final long[] sentAt = new long[64];
    private volatile long sent;
    private volatile long received;
    private volatile long atLoss;

    /** Numbers the next heartbeat and records when it leaves. Called by one thread. */
    synchronized long next(long now) {
        long seq = sent + 1;
        sentAt[(int) (seq % sentAt.length)] = now;
        sent = seq;
        return seq;
    }

    /** Records a heartbeat of this instance's that came back; true when it proves delivery since the last loss. */
    boolean received(long seq) {
        synchronized (this) {
            if (seq > received) {
                received = seq;
            }
        }
        return seq > atLoss;
    }

    /** True when a heartbeat is overdue: the oldest one not yet back left more than {@code boundNanos} ago. */
    synchronized boolean late(long now, long boundNanos) {
        if (sent == 0 || received >= sent) {
            return false;
        }
        long oldest = received + 1;
        return sent - oldest >= sentAt.length || now - sentAt[(int) (oldest % sentAt.length)] > boundNanos;
    }

    /** The stream was lost now: heartbeats sent so far prove nothing about what follows. */
    void lost() {
        atLoss = sent;
    }
}
