package dev.cachet.cache;

/**
 * Told what one fill cost the threads that read its result: the time spent copying the rows beside the application
 * and storing the copy — and reading on to the end when the application closed the result set early — not the query
 * itself nor the application's own work between rows. Attached to a fill with
 * {@link FillTicket#timeWith}; whoever decides whether caching pays can then weigh a fill against the query it
 * copies (the driver's per-table switch, DESIGN §13). Called at most once per fill, on the thread that completed it,
 * and only when the result was stored — never for an abandoned fill. Keep it cheap and never throw.
 */
@FunctionalInterface
public interface FillCostListener {

    /** The fill was stored; copying and storing took {@code nanos} nanoseconds in all. */
    void stored(long nanos);
}
