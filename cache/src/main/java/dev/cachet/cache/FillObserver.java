package dev.cachet.cache;

/**
 * Told when a stored result earns its first hit, so whoever decided to fill it can learn whether filling pays
 * (the driver's admission of a statement's misses). Attached to a fill with {@link FillTicket#observe}; called at
 * most about once per entry (two first hits racing may both call it), on the thread of the look-up that hit — keep
 * it cheap and never throw.
 */
@FunctionalInterface
public interface FillObserver {

    /** An entry filled under this observer was returned by a look-up for the first time. */
    void firstHit();
}
