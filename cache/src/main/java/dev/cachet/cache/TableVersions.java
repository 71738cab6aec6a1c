package dev.cachet.cache;

import java.util.Collection;

/**
 * Per-table version counters (DESIGN §6 "no stale set"), never evicted. A fill takes a
 * {@link VersionStamp} of the tables it reads before its query runs; every write through Cachet advances
 * the versions of the tables it changed; the fill is stored only while its stamp is still current.
 * Implementations: {@link LocalTableVersions} in process; a shared one (Redis) comes later.
 * Thread-safe. Table names are canonical (the caller lower-cases them).
 */
public interface TableVersions {

    /** A stamp of the current versions of {@code tables} and of the global epoch. */
    VersionStamp stamp(Collection<String> tables);

    /** Advances the version of every table in {@code tables}. */
    void advance(Collection<String> tables);

    /** Advances the global epoch: every stamp taken before becomes stale. */
    void advanceAll();

    /** The current version of one table (0 when never written). */
    long version(String table);
}
