package dev.cachet.cache;

/**
 * The versions of a set of tables at one moment, taken by {@link TableVersions#stamp}. Immutable;
 * {@link #isCurrent()} tells whether any of those tables — or the global epoch — has moved since.
 */
public interface VersionStamp {

    /** True while no table of this stamp, and no {@code advanceAll}, has advanced since it was taken. */
    boolean isCurrent();
}
