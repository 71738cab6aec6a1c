package dev.cachet.cache;

import java.util.Collection;
import java.util.List;

/**
 * A tier shared by every application instance of a cluster (DESIGN §10), consulted by {@link ResultCache} after an
 * in-process miss, with table versions that every instance bumps and reads. The implementation is
 * {@code dev.cachet.cache.shared.RedisSharedTier}; this interface is what {@link ResultCache} needs of it, so the
 * cache module's core never loads a Redis client.
 *
 * <p>Contract, for every method: it never throws for a fault of the shared store (slow, down, refusing, foreign
 * data) and never blocks longer than the tier's own timeout (plus, for {@link #lookup} with {@code waitForLease},
 * the bounded lease wait). A fault makes a look-up a miss, a verification false and a store a no-op; a version bump
 * that could not be made is remembered and made when the store answers again, and until then nothing that read the
 * tables concerned is trusted from the shared tier.
 */
public interface SharedTier extends AutoCloseable {

    /** The versions of some tables in the shared store at one moment: opaque to {@link ResultCache}. */
    interface Stamp {
    }

    /** The in-process side, told by the tier what other instances invalidated and when to flush. */
    interface LocalInvalidation {

        /** Another instance invalidated {@code tables}: drop the in-process entries and fills that read them. */
        void invalidateLocal(Collection<String> tables);

        /** Drop every in-process entry and fill (another instance's invalidateAll, or trust lost). */
        void invalidateAllLocal();

        /**
         * Another instance changed the catalog (DDL), or this one may have missed that one did: its stream was lost,
         * or had not delivered yet when the driver first read its catalog (so it is called each time the tier is
         * trusted again, its first time included). What the driver read from the catalog (keys, views, triggers,
         * foreign keys) may be out of date. Called on the tier's own threads: it must not block.
         */
        void catalogChangedElsewhere();
    }

    /** Starts the tier (connects in the background) and tells it where remote invalidations go. Called once. */
    void start(LocalInvalidation local);

    /**
     * True in {@code strict} mode: an in-process hit is served only when {@link #isCurrent} confirms its stamp.
     * False in {@code broadcast} mode: in-process hits trust the invalidation stream.
     */
    boolean verifiesLocalHits();

    /**
     * Looks {@code key} up after an in-process miss, reading the entry and the current versions of {@code tables}
     * in one round trip. On a miss, takes the key's lease (one query per miss across instances) or, when another
     * instance holds it and {@code waitForLease} is true, waits a bounded time for that instance's entry.
     *
     * @param tables the canonical names of the tables the query reads, sorted, without duplicates
     * @return a hit, or a miss carrying the versions read (the fill's stamp) and the lease, if taken
     */
    SharedLookup lookup(QueryKey key, List<String> tables, boolean waitForLease);

    /** True when {@code stamp} (taken for {@code tables}) still equals the current versions; false on any fault. */
    boolean isCurrent(List<String> tables, Stamp stamp);

    /**
     * Stores a fill's result, asynchronously, under the versions in {@code stamp} (taken before its query ran), and
     * releases {@code lease}. Never blocks the caller on the shared store.
     */
    void store(QueryKey key, List<String> tables, Stamp stamp, Object lease, MaterializedResult result, long ttlNanos);

    /** Releases a lease taken by {@link #lookup} for a fill that will not store (asynchronously). */
    void release(QueryKey key, Object lease);

    /**
     * Bumps the versions of {@code tables} in the shared store and publishes the invalidation to the other
     * instances; returns once the bump is acknowledged, or after the timeout (the bump is then pending).
     */
    void invalidate(Collection<String> tables);

    /** As {@link #invalidate}, for everything: bumps the global epoch. */
    void invalidateAll();

    /**
     * This instance committed a change of the catalog (DDL): tells the other instances, whose
     * {@link LocalInvalidation#catalogChangedElsewhere} it calls — at once when {@code certain}, else (a statement that
     * only may hold DDL, such as a call) at most once a heartbeat. Never blocks; when Redis cannot take it now, it is
     * sent at the next resynchronisation.
     */
    void catalogChanged(boolean certain);

    /** Stops background work and closes connections. */
    @Override
    void close();
}
