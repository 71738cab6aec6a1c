package dev.cachet.driver.jdbc;

import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultTee;
import java.sql.ResultSet;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The fills the current thread has open (result sets it is still reading while they are copied). A thread that
 * runs the same query again while its own first result is open — a nested loop over one statement's results —
 * must not wait for its own fill (it would wait the whole {@code cachet.inFlightWait} for nothing).
 *
 * <p>At most {@value #MAX} fills are remembered per thread, so a result set the application never closes holds
 * nothing for long; a thread's entry is removed once its fills are done.
 */
final class OwnFills {

    static final int MAX = 8;

    private record Fill(QueryKey key, ResultTee tee) {
    }

    /** Empty threads hold no value, so an undeployed application leaves nothing behind in pooled threads. */
    private static final ThreadLocal<ArrayDeque<Fill>> FILLS = new ThreadLocal<>();

    private OwnFills() {
    }

    static void started(QueryKey key, ResultSet teed) {
        if (teed instanceof ResultTee tee && tee.isCopying()) {
            ArrayDeque<Fill> fills = FILLS.get();
            if (fills == null) {
                fills = new ArrayDeque<>(MAX);
                FILLS.set(fills);
            }
            fills.removeIf(f -> !f.tee().isCopying());
            if (fills.size() == MAX) {
                fills.removeFirst();
            }
            fills.addLast(new Fill(key, tee));
        }
    }

    /** True when this thread has an open fill of {@code key}; forgets finished ones on the way. */
    static boolean fillingOnThisThread(QueryKey key) {
        ArrayDeque<Fill> fills = FILLS.get();
        if (fills == null) {
            return false;
        }
        boolean found = false;
        for (Iterator<Fill> it = fills.iterator(); it.hasNext(); ) {
            Fill f = it.next();
            if (!f.tee().isCopying()) {
                it.remove();
            } else if (f.key().equals(key)) {
                found = true;
            }
        }
        if (fills.isEmpty()) {
            FILLS.remove();
        }
        return found;
    }
}
