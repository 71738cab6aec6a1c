package dev.cachet.driver;

import dev.cachet.parser.NotCacheableReason;

/**
 * One statement execution as Cachet saw it, handed to {@link ExecutionListener#onExecution}.
 *
 * @param sql     the statement's text as the application gave it
 * @param outcome hit, miss, not cacheable, or write
 * @param reason  why it was not cached; null for hits and misses (a write also carries
 *                {@link NotCacheableReason#NOT_A_QUERY} or the reason it could not be cached)
 * @param detail  a user-readable explanation of {@code reason}, or null
 * @param route   where it ran (or would have run, for a hit)
 * @param nanos   time spent in Cachet and the database until the statement returned to the application
 */
public record ExecutionEvent(String sql, Outcome outcome, NotCacheableReason reason, String detail, Route route,
                             long nanos) {
}
