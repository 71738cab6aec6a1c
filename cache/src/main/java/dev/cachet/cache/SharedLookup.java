package dev.cachet.cache;

/**
 * What a {@link SharedTier#lookup} found: a verified result, or a miss with the versions read (the stamp a fill
 * records, taken before its query runs) and the lease, when this instance took it. Immutable.
 */
public final class SharedLookup {

    private static final SharedLookup UNAVAILABLE = new SharedLookup(null, null, null, 0);

    private final MaterializedResult result;
    private final SharedTier.Stamp stamp;
    private final Object lease;
    private final long remainingTtlNanos;

    private SharedLookup(MaterializedResult result, SharedTier.Stamp stamp, Object lease, long remainingTtlNanos) {
        this.result = result;
        this.stamp = stamp;
        this.lease = lease;
        this.remainingTtlNanos = remainingTtlNanos;
    }

    /** A verified hit: the entry's versions equal the current ones ({@code stamp}); it lives {@code remaining} more. */
    public static SharedLookup hit(MaterializedResult result, SharedTier.Stamp stamp, long remainingTtlNanos) {
        return new SharedLookup(result, stamp, null, remainingTtlNanos);
    }

    /** A miss with the versions read and, when taken, the lease. */
    public static SharedLookup miss(SharedTier.Stamp stamp, Object lease) {
        return new SharedLookup(null, stamp, lease, 0);
    }

    /** A miss without versions: the shared tier could not be read (a fill then stores in process at most). */
    public static SharedLookup unavailable() {
        return UNAVAILABLE;
    }

    /** The result, or null on a miss. */
    public MaterializedResult result() { return result; }

    /** The versions read (the entry's own on a hit), or null when they could not be read. */
    public SharedTier.Stamp stamp() { return stamp; }

    /** The lease this instance holds for the key, or null. */
    public Object lease() { return lease; }

    /** How long a hit has left to live in the shared tier. */
    public long remainingTtlNanos() { return remainingTtlNanos; }
}
