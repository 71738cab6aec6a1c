package dev.cachet.cache;

import java.util.List;

/**
 * One stored result with what the tier needs to keep it honest: its key, the tables it read (for
 * invalidation), the version stamp taken before its query ran, and its time to live — and, with a shared tier,
 * the shared versions it was filled under. Immutable; compared by identity, so a tier removes exactly the entry
 * it means to.
 */
public final class CacheEntry {

    private final QueryKey key;
    private final MaterializedResult result;
    private final List<String> tables;
    private final VersionStamp stamp;
    private final long ttlNanos;
    private final long weight;
    private final SharedTier.Stamp sharedStamp;
    /** Told of the first hit, or null (see {@link FillObserver}). */
    private final FillObserver observer;
    /** Set on the entry's first hit; an entry invalidated before it was a fill wasted (DESIGN §13). */
    private volatile boolean served;

    public CacheEntry(QueryKey key, MaterializedResult result, List<String> tables, VersionStamp stamp,
                      long ttlNanos) {
        this(key, result, tables, stamp, ttlNanos, null);
    }

    /** An entry that also records the shared tier's versions of its tables, taken before its query ran. */
    public CacheEntry(QueryKey key, MaterializedResult result, List<String> tables, VersionStamp stamp,
                      long ttlNanos, SharedTier.Stamp sharedStamp) {
        this(key, result, tables, stamp, ttlNanos, sharedStamp, null);
    }

    /** As above, telling {@code observer} (or nobody, when null) of the entry's first hit. */
    CacheEntry(QueryKey key, MaterializedResult result, List<String> tables, VersionStamp stamp, long ttlNanos,
               SharedTier.Stamp sharedStamp, FillObserver observer) {
        this.observer = observer;
        this.sharedStamp = sharedStamp;
        this.key = key;
        this.result = result;
        this.tables = List.copyOf(tables);
        this.stamp = stamp;
        this.ttlNanos = ttlNanos;
        this.weight = OVERHEAD + INDEX_NODE * Math.max(0L, this.tables.size() - 1L) + stampBytes(this.tables.size())
                + key.estimatedBytes() + result.estimatedBytes();
    }

    /**
     * What an entry costs besides its key, result and stamp, measured with JOL on a 64-bit JVM with compressed
     * references: this object (48 bytes), its table list (24), Caffeine's node, its slot in Caffeine's map and
     * frequency sketch (about 96) and its node in the table index (about 40).
     */
    static final int OVERHEAD = 208;
    /** Each name after the first: one more node in the table index (its set's entry, about 40 bytes). */
    static final int INDEX_NODE = 40;

    /** The size of the version stamp of {@code tables} tables (see {@link LocalTableVersions}). */
    private static long stampBytes(int tables) {
        return tables == 1 ? 40 : tables == 2 ? 48 : 32 + ValueSizes.align(ValueSizes.ARRAY_HEADER + 4L * tables)
                + ValueSizes.align(ValueSizes.ARRAY_HEADER + 8L * tables);
    }

    public QueryKey key() { return key; }

    public MaterializedResult result() { return result; }

    /** The canonical names of the tables the result read. */
    public List<String> tables() { return tables; }

    public VersionStamp stamp() { return stamp; }

    public long ttlNanos() { return ttlNanos; }

    /** The shared tier's versions of {@link #tables()} when the result was filled, or null without a shared tier. */
    public SharedTier.Stamp sharedStamp() { return sharedStamp; }

    /** True once a look-up returned this entry. */
    public boolean served() {
        return served;
    }

    /** Records a hit; written once, so hot entries are not written on every hit. */
    void markServed() {
        if (!served) {
            served = true;
            if (observer != null) {
                observer.firstHit();
            }
        }
    }

    /** The entry's weight in bytes: the result's estimate plus the key's and the entry's own. */
    public long weight() { return weight; }
}
