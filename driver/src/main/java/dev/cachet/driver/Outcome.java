package dev.cachet.driver;

/** What Cachet did with one statement execution. */
public enum Outcome {
    /** Answered from the cache; the database was not asked. */
    HIT,
    /** Cacheable, not in the cache: ran on the database, and its result is kept if it is read within the caps. */
    MISS,
    /** Ran on the database without caching; {@link ExecutionEvent#reason()} says why. */
    NOT_CACHEABLE,
    /** A write: ran on the database and invalidated the cached results it may have changed. */
    WRITE
}
