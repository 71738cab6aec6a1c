package dev.cachet.cache;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The permission to store one result, handed out by {@link ResultCache#beginFill} before the query runs.
 * It carries the key, the tables the query reads, the version stamp taken at that moment and the TTL;
 * concurrent misses of the same key wait on it ({@link ResultCache#awaitInFlight}). Finished exactly
 * once, by {@link ResultCache#complete} or {@link ResultCache#abandon} — or by an invalidation of a table
 * it read, which drops it at once; later calls are ignored.
 */
public final class FillTicket {

    private final QueryKey key;
    private final List<String> tables;
    private final VersionStamp stamp;
    private final long ttlNanos;
    private final int maxRows;
    private final long maxBytes;
    private final long startNanos;
    private final SharedTier.Stamp sharedStamp;
    private final Object lease;
    final CompletableFuture<MaterializedResult> outcome = new CompletableFuture<>();
    /** Told of the stored entry's first hit; set by the filler before it completes the fill. */
    private FillObserver observer;
    /** Told what the fill cost; null for the fills nobody times. */
    private FillCostListener costListener;

    FillTicket(QueryKey key, List<String> tables, VersionStamp stamp, long ttlNanos, int maxRows, long maxBytes,
               long startNanos, SharedTier.Stamp sharedStamp, Object lease) {
        this.sharedStamp = sharedStamp;
        this.lease = lease;
        this.key = key;
        this.tables = tables;
        this.stamp = stamp;
        this.ttlNanos = ttlNanos;
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
        this.startNanos = startNanos;
    }

    /** When the fill began, on the cache's ticker. */
    long startNanos() { return startNanos; }

    public QueryKey key() { return key; }

    /** The canonical names of the tables the query reads. */
    public List<String> tables() { return tables; }

    public VersionStamp stamp() { return stamp; }

    public long ttlNanos() { return ttlNanos; }

    /** The most rows the result may have to be stored. */
    public int maxRows() { return maxRows; }

    /** The most estimated bytes the result may take to be stored. */
    public long maxBytes() { return maxBytes; }

    /** The shared tier's versions read before the query ran, or null (no shared tier, or it could not be read). */
    public SharedTier.Stamp sharedStamp() { return sharedStamp; }

    /** The shared lease this fill holds, or null. */
    Object lease() { return lease; }

    /**
     * Asks that {@code observer} be told when the entry this fill stores earns its first hit. Call it on the filling
     * thread before the fill is completed.
     */
    public void observe(FillObserver observer) {
        this.observer = observer;
    }

    /** The observer of the stored entry's first hit, or null. */
    FillObserver observer() { return observer; }

    /**
     * Asks that the time this fill spends copying and storing its result be told to {@code listener} once it is
     * stored. Timing costs two clock reads per row, so callers time a sample of their fills. Call it on the filling
     * thread before the result set is handed to {@link ResultTee#wrap}.
     */
    public void timeWith(FillCostListener listener) {
        this.costListener = listener;
    }

    /** The listener of this fill's cost, or null when it is not timed. */
    public FillCostListener costListener() { return costListener; }

    /** True once the ticket was completed or abandoned. */
    public boolean isFinished() {
        return outcome.isDone();
    }

    @Override
    public String toString() {
        return "FillTicket[" + key + ", tables=" + tables + "]";
    }
}
