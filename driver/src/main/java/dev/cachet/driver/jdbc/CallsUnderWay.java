package dev.cachet.driver.jdbc;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides which of an {@code abort} and the owner's call under way ends a logical connection's session: exactly one
 * of them.
 *
 * <p>JDBC lets {@code abort} come from another thread while the owner runs a statement or a commit. The session's
 * books are the owner's and not thread-safe, and a commit under way may still be applied by the server after the
 * abort has returned: were the abort to close the transaction's books then (invalidate, release its blocks), another
 * connection could fill the cache from the rows as they were before that commit. So an abort that finds such a call
 * under way leaves the session's end to it, which ends the session as it returns; otherwise the abort ends it.
 *
 * <p>Only the calls that may write or end a transaction are counted — every execution but a cacheable query's
 * (writes, DDL, session and transaction statements, uncached queries, batches), an updatable result set's row
 * changes, commit, rollback and auto-commit changes — at two uncontended atomic operations each (5 ns together). A
 * cacheable query's look-up or miss is not: under an abort it may meet routing closed beside it and fail, never serve
 * or store a stale row, since fills check the tables' versions.
 *
 * <p>A commit that the abort makes fail ends the session as it returns, as a failed commit followed by a close
 * would: its writes count as committed and are invalidated, and its blocks end there.
 */
final class CallsUnderWay {

    /** Set once by the abort; the bits below it count the calls under way. */
    private static final int ABORTED = 1 << 30;

    private final AtomicInteger state = new AtomicInteger();

    /**
     * Before a counted call: false when the connection was aborted, and the call must not touch the session. A
     * refused call leaves the count as it was, so that it can never take the end from a call the abort waits for.
     */
    boolean enter() {
        int s;
        do {
            s = state.get();
            if (s >= ABORTED) {
                return false;
            }
        } while (!state.compareAndSet(s, s + 1));
        return true;
    }

    /** After a counted call, failed or not: true when an abort came meanwhile and left the session's end to it. */
    boolean exit() {
        return state.decrementAndGet() == ABORTED;
    }

    /** At the abort (once): true when no counted call is under way, so the abort ends the session itself. */
    boolean abort() {
        return (state.getAndAdd(ABORTED) & (ABORTED - 1)) == 0;
    }
}
