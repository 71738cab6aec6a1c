package dev.cachet.driver;

/**
 * Which misses of a cacheable statement fill the cache now ({@code cachet.admission}, {@link Explanation#admission}).
 * Admission decides only whether a result is stored, never what is served: a hit is served the same way in both
 * states, and a miss that does not fill runs on the database as it would with the cache off.
 */
public enum AdmissionState {
    /** Every miss fills: the first read of a key stores its result (the default, and always with admission off). */
    FIRST_SIGHT,
    /**
     * The statement's filled results were almost never read again, so only a miss whose key was read recently
     * fills; the first read of a key just runs on the database. Returns to {@link #FIRST_SIGHT} once its keys are
     * re-read.
     */
    SECOND_SIGHT
}
