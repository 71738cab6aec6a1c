package dev.cachet.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The result cache of one cluster (DESIGN §2): look-ups, race-free fills, invalidation, the transaction
 * block and statistics, over a {@link ResultTier} and {@link TableVersions}. Thread-safe.
 *
 * <p>The protocol a caller follows on a cacheable query:
 * <ol>
 * <li>{@link #get}: a hit returns the result; then {@link #awaitInFlight}: if another thread is filling
 *     the same key, wait (at most {@code inFlightWait}) for its result;</li>
 * <li>{@link #beginFill} <em>before</em> running the query: it stamps the versions of the tables read,
 *     or returns null when one of them is blocked by an open transaction (run uncached);</li>
 * <li>run the query and tee its rows ({@link ResultTee}); the tee ends with {@link #complete} or
 *     {@link #abandon}.</li>
 * </ol>
 * A completed fill is stored only if no table it read was invalidated since its stamp (no stale set,
 * DESIGN §6); an entry whose stamp has gone stale is never returned, even before its removal.
 */
public final class ResultCache {

    private final CacheSettings settings;
    private final TableVersions versions;
    private final ResultTier tier;
    private final CacheCounters counters = new CacheCounters();
    private final ConcurrentHashMap<QueryKey, FillTicket> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Object, Block> blocks = new ConcurrentHashMap<>();
    private final Ticker ticker;
    private final long defaultTtlNanos;
    private final long inFlightWaitNanos;
    private final long blockTimeoutNanos;

    /** A cache with the in-process tier and in-process table versions. */
    public ResultCache(CacheSettings settings) {
        this(settings, new LocalTableVersions());
    }

    /** A cache with the in-process tier over the given table versions. */
    public ResultCache(CacheSettings settings, TableVersions versions) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.versions = Objects.requireNonNull(versions, "versions");
        this.tier = new CaffeineResultTier(settings, counters);
        this.ticker = settings.ticker();
        this.defaultTtlNanos = settings.defaultTtl().toNanos();
        this.inFlightWaitNanos = settings.inFlightWait().toNanos();
        this.blockTimeoutNanos = settings.transactionBlockTimeout().toNanos();
    }

    public CacheSettings settings() {
        return settings;
    }

    public TableVersions versions() {
        return versions;
    }

    public ResultTier tier() {
        return tier;
    }

    // ---------------------------------------------------------------- look-up

    /** The cached result for {@code key}, or null on a miss. Counts a hit or a miss. */
    public MaterializedResult get(QueryKey key) {
        CacheEntry entry = tier.get(key);
        if (entry != null) {
            if (entry.stamp().isCurrent()) {
                counters.hits.increment();
                return entry.result();
            }
            // a table it read moved after it was stored and its removal has not happened yet
            if (tier.remove(entry)) {
                counters.evictionsInvalidated.increment();
            }
        }
        counters.misses.increment();
        return null;
    }

    /**
     * If another thread is filling {@code key}, waits up to {@code inFlightWait} for it and returns its
     * result; returns null at once when none is in flight or the fill in flight is already stale (a table
     * it read was invalidated since it began), and null when the fill is dropped, abandoned, doomed by an
     * invalidation while waiting (the wait ends at that invalidation) or too slow (the caller then runs
     * its own query). A fill that outlives the wait stops being waited for by later misses.
     */
    public MaterializedResult awaitInFlight(QueryKey key) {
        FillTicket ticket = inFlight.get(key);
        if (ticket == null) {
            return null;
        }
        if (!ticket.isFinished() && !ticket.stamp().isCurrent()) {
            // doomed already (it began before an invalidation, registered after it): never wait on it
            inFlight.remove(key, ticket);
            return null;
        }
        try {
            MaterializedResult result = inFlightWaitNanos == 0 ? ticket.outcome.getNow(null)
                    : ticket.outcome.get(inFlightWaitNanos, TimeUnit.NANOSECONDS);
            if (result != null && !ticket.stamp().isCurrent()) {
                // stored, then invalidated before this waiter could use it: this read may have started
                // after that invalidation, so it must not see the old result
                result = null;
            }
            if (result != null) {
                counters.inFlightHits.increment();
            } else if (!ticket.isFinished()) {
                inFlight.remove(key, ticket);
            }
            return result;
        } catch (TimeoutException e) {
            inFlight.remove(key, ticket);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }

    /** True when a fill of {@code key} is in flight. */
    public boolean isInFlight(QueryKey key) {
        return inFlight.containsKey(key);
    }

    // ---------------------------------------------------------------- fills

    /**
     * Starts a fill of {@code key}. Call it before the query runs: it stamps the current versions of
     * {@code tables}.
     *
     * @param tables the canonical names of every table the query reads (may be empty for table-less
     *               queries)
     * @param ttl    the entry's time to live, null for the default; zero or negative means "do not cache"
     * @return the ticket, or null when the result must not be cached: a table is blocked by an open
     *         transaction, the TTL is zero, or another fill of {@code key} is in flight that began less than
     *         {@code inFlightWait} ago and is still current — that fill will store the same result, and
     *         misses released together by an invalidation then start one new fill, not one each
     */
    public FillTicket beginFill(QueryKey key, Set<String> tables, Duration ttl) {
        Objects.requireNonNull(key, "key");
        long ttlNanos = ttl == null ? defaultTtlNanos : ttl.toNanos();
        if (ttlNanos <= 0) {
            return null;
        }
        for (String table : tables) {
            if (isBlocked(table)) {
                counters.fillsBlocked.increment();
                return null;
            }
        }
        List<String> tableList = List.copyOf(tables);
        FillTicket ticket = new FillTicket(key, tableList, versions.stamp(tableList), ttlNanos,
                settings.maxRowsPerEntry(), settings.maxBytesPerEntry(), ticker.read());
        FillTicket current = inFlight.putIfAbsent(key, ticket);
        if (current != null) {
            if (!current.isFinished() && ticket.startNanos() - current.startNanos() < inFlightWaitNanos
                    && current.stamp().isCurrent()) {
                return null;
            }
            // finished, stale, or older than anyone waits for (a leaked result set): this fill takes over
            inFlight.replace(key, current, ticket);
        }
        return ticket;
    }

    /**
     * Finishes a fill with its result. The result is stored unless a table it read was invalidated
     * since {@link #beginFill} (or {@link #invalidateAll} ran), a table is now blocked, or it exceeds the
     * per-entry byte cap. Waiters of the key receive the result when it was stored, else null.
     *
     * @return true when stored
     */
    public boolean complete(FillTicket ticket, MaterializedResult result) {
        if (ticket.isFinished()) {
            return false;
        }
        if (result == null) {
            abandon(ticket);
            return false;
        }
        if (result.estimatedBytes() > ticket.maxBytes() || result.rowCount() > ticket.maxRows()) {
            abandonOverCaps(ticket);
            return false;
        }
        if (!ticket.stamp().isCurrent() || anyBlocked(ticket.tables())) {
            return dropStale(ticket);
        }
        CacheEntry entry = new CacheEntry(ticket.key(), result, ticket.tables(), ticket.stamp(),
                ticket.ttlNanos());
        tier.put(entry);
        // an invalidation between the check above and the put may have missed the entry: check again
        if (!ticket.stamp().isCurrent()) {
            tier.remove(entry);
            return dropStale(ticket);
        }
        counters.fills.increment();
        finish(ticket, result);
        return true;
    }

    private boolean dropStale(FillTicket ticket) {
        if (finish(ticket, null)) {
            counters.fillsDroppedStale.increment();
        }
        return false;
    }

    /** Abandons a fill (an error, or a result set closed unread): nothing is stored, waiters stop waiting. */
    public void abandon(FillTicket ticket) {
        if (!ticket.isFinished()) {
            counters.fillsAbandoned.increment();
            finish(ticket, null);
        }
    }

    /** Abandons a fill whose result exceeded the per-entry caps or held a value that cannot be cached. */
    public void abandonOverCaps(FillTicket ticket) {
        if (!ticket.isFinished()) {
            counters.fillsAbandonedOverCaps.increment();
            finish(ticket, null);
        }
    }

    private boolean finish(FillTicket ticket, MaterializedResult result) {
        inFlight.remove(ticket.key(), ticket);
        return ticket.outcome.complete(result);
    }

    /**
     * Drops every fill in flight that read one of {@code tables} (every fill when null) and whose stamp
     * the invalidation just made stale: its waiters get null now instead of waiting for a result
     * {@link #complete} would drop, and its tee stops copying.
     */
    private void dropDoomedFills(Collection<String> tables) {
        if (inFlight.isEmpty()) {
            return;
        }
        for (FillTicket ticket : inFlight.values()) {
            if ((tables == null || readsAny(ticket.tables(), tables)) && !ticket.stamp().isCurrent()) {
                dropStale(ticket);
            }
        }
    }

    private static boolean readsAny(List<String> read, Collection<String> invalidated) {
        for (String table : read) {
            if (invalidated.contains(table)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- invalidation

    /**
     * Invalidates {@code tables}: advances their versions (so fills that stamped them before are dropped)
     * and removes every entry that read any of them. When this returns, no look-up returns such an entry,
     * and the fills in flight that read any of them are dropped: their waiters stop waiting at once.
     */
    public void invalidate(Collection<String> tables) {
        if (tables.isEmpty()) {
            return;
        }
        counters.invalidations.increment();
        versions.advance(tables);
        tier.invalidate(tables);
        dropDoomedFills(tables);
    }

    /** As {@link #invalidate(Collection)}. */
    public void invalidate(String... tables) {
        invalidate(List.of(tables));
    }

    /** Invalidates everything: every entry is removed and every fill in flight is dropped (waiters released). */
    public void invalidateAll() {
        counters.invalidateAlls.increment();
        versions.advanceAll();
        tier.invalidateAll();
        dropDoomedFills(null);
    }

    // ---------------------------------------------------------------- transaction block

    /**
     * Blocks fills of {@code tables} while the transaction {@code transactionOwner} (compared by
     * {@code equals}; a connection object) is open. Each call also extends the block's lapse deadline to
     * {@code transactionBlockTimeout} from now. The caller invalidates the tables too, at write time and
     * again at commit or rollback — which is what makes a lapsed block of a leaked connection safe: when
     * that transaction finally commits, its commit-time invalidation removes whatever was filled meanwhile.
     */
    public void blockTables(Object transactionOwner, Collection<String> tables) {
        Objects.requireNonNull(transactionOwner, "transactionOwner");
        if (tables.isEmpty()) {
            return;
        }
        long deadline = ticker.read() + blockTimeoutNanos;
        blocks.compute(transactionOwner, (owner, block) -> {
            Block b = block == null ? new Block() : block;
            b.tables.addAll(tables);
            b.deadlineNanos = deadline;
            return b;
        });
    }

    /** Ends every block of {@code transactionOwner} (commit, rollback, close, abort). */
    public void releaseBlocks(Object transactionOwner) {
        blocks.remove(transactionOwner);
    }

    /** True when an open (not lapsed) transaction has blocked {@code table}. */
    public boolean isBlocked(String table) {
        if (blocks.isEmpty()) {
            return false;
        }
        long now = ticker.read();
        for (var e : blocks.entrySet()) {
            Block block = e.getValue();
            if (now - block.deadlineNanos >= 0) {
                // re-checked under the map's lock: a blockTables call extending this very block between
                // the read above and the removal must not lose its tables
                blocks.computeIfPresent(e.getKey(), (owner, b) -> now - b.deadlineNanos >= 0 ? null : b);
            } else if (block.tables.contains(table)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyBlocked(List<String> tables) {
        if (blocks.isEmpty()) {
            return false;
        }
        for (String table : tables) {
            if (isBlocked(table)) {
                return true;
            }
        }
        return false;
    }

    private static final class Block {
        final Set<String> tables = ConcurrentHashMap.newKeySet();
        volatile long deadlineNanos;
    }

    // ---------------------------------------------------------------- statistics

    /** A snapshot of the counters and the tier's size. */
    public CacheStatistics statistics() {
        CacheCounters c = counters;
        return new CacheStatistics(c.hits.sum(), c.misses.sum(), c.inFlightHits.sum(), c.fills.sum(),
                c.fillsDroppedStale.sum(), c.fillsAbandonedOverCaps.sum(), c.fillsAbandoned.sum(),
                c.fillsBlocked.sum(), c.evictionsSize.sum(), c.evictionsExpired.sum(),
                c.evictionsInvalidated.sum(), c.invalidations.sum(), c.invalidateAlls.sum(),
                tier.entryCount(), tier.weightedBytes());
    }

    /** Runs the tier's pending maintenance now. */
    public void cleanUp() {
        tier.cleanUp();
    }

    @Override
    public String toString() {
        return "ResultCache[" + settings + "]";
    }

    /** For tests: the waiting future of an in-flight fill. */
    CompletableFuture<MaterializedResult> inFlightOutcome(QueryKey key) {
        FillTicket t = inFlight.get(key);
        return t == null ? null : t.outcome;
    }
}
