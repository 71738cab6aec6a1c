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
 *
 * <p>With a {@link SharedTier} (DESIGN §10), a caller uses {@link #lookup} in place of {@link #get} and
 * {@link #awaitInFlight}, and {@link #beginFill(Lookup, Duration)}: an in-process miss looks in the shared tier,
 * reading the entry and the current shared versions of its tables in one round trip, and takes the key's lease
 * (one query per miss across instances); a fill records the shared versions read before its query ran and goes
 * to both tiers; every invalidation also bumps the shared versions and is broadcast to the other instances. In
 * {@code strict} mode an in-process hit (or a concurrent fill's result) is served only after the shared tier
 * confirms its shared versions are still current; in {@code broadcast} mode in-process hits trust the
 * invalidation stream. The protocol and what each mode guarantees: docs/shared-tier.md.
 */
public final class ResultCache {

    private final CacheSettings settings;
    private final TableVersions versions;
    private final ResultTier tier;
    private final CaffeineResultTier caffeine;
    private final SharedTier shared;
    private final boolean verifyLocalHits;
    private volatile Runnable catalogListener;
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
        this(settings, versions, null);
    }

    /**
     * A cache with the in-process tier, in-process table versions and, behind them, {@code shared} (null for none).
     * The cache starts the shared tier and owns it from then on: {@link #close()} closes it.
     */
    public ResultCache(CacheSettings settings, SharedTier shared) {
        this(settings, new LocalTableVersions(), shared);
    }

    /** A cache with the in-process tier over the given table versions and, behind it, {@code shared} (or null). */
    public ResultCache(CacheSettings settings, TableVersions versions, SharedTier shared) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.versions = Objects.requireNonNull(versions, "versions");
        this.caffeine = new CaffeineResultTier(settings, counters);
        this.tier = caffeine;
        this.ticker = settings.ticker();
        this.defaultTtlNanos = settings.defaultTtl().toNanos();
        this.inFlightWaitNanos = settings.inFlightWait().toNanos();
        this.blockTimeoutNanos = settings.transactionBlockTimeout().toNanos();
        this.shared = shared;
        this.verifyLocalHits = shared != null && shared.verifiesLocalHits();
        if (shared != null) {
            shared.start(new LocalSide());
        }
    }

    /** Applies what other instances invalidated to the in-process tier, without bumping shared versions again. */
    private final class LocalSide implements SharedTier.LocalInvalidation {

        @Override
        public void invalidateLocal(Collection<String> tables) {
            invalidateInProcess(tables);
        }

        @Override
        public void invalidateAllLocal() {
            versions.advanceAll();
            tier.invalidateAll();
            dropDoomedFills(null);
        }

        @Override
        public void catalogChangedElsewhere() {
            Runnable l = catalogListener;
            if (l != null) {
                l.run();
            }
        }
    }

    /**
     * Runs {@code listener} when another instance changed the catalog, or when this one may have missed that it did
     * (see {@link SharedTier.LocalInvalidation#catalogChangedElsewhere}); on the shared tier's threads, so it must not
     * block. One listener; null removes it. Without a shared tier it is never run.
     */
    public void onCatalogChangedElsewhere(Runnable listener) {
        catalogListener = listener;
    }

    /**
     * Drops the in-process entries and fills that read {@code tables}, as another instance's invalidation does, without
     * bumping the shared tier's versions: for what only this instance may hold wrongly. Never blocks on Redis.
     */
    public void invalidateInProcess(Collection<String> tables) {
        if (!tables.isEmpty()) {
            versions.advance(tables);
            tier.invalidate(tables);
            dropDoomedFills(tables);
        }
    }

    /**
     * This instance committed a change of the catalog: the other instances sharing its tier are told, if any (see
     * {@link SharedTier#catalogChanged}).
     */
    public void catalogChanged(boolean certain) {
        if (shared != null) {
            shared.catalogChanged(certain);
        }
    }

    /**
     * Tells {@code listener} of every entry an invalidation removes before any look-up returned it — a fill that cost
     * a copy and earned nothing (DESIGN §13). Called on the invalidating thread; keep it cheap. One listener; null
     * removes it.
     */
    public void onWastedFill(java.util.function.Consumer<CacheEntry> listener) {
        caffeine.onWasted(listener);
    }

    /** The shared tier behind the in-process one, or null. */
    public SharedTier sharedTier() {
        return shared;
    }

    /**
     * Closes the shared tier, if any (its connections and background threads), and stops the in-process tier's
     * published clock; the in-process tier stays usable.
     */
    public void close() {
        caffeine.close();
        if (shared != null) {
            shared.close();
        }
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

    /**
     * The result for {@code key} in the in-process tier, or null on a miss. Counts a hit or a miss. With a shared
     * tier in {@code strict} mode, a hit is served only once the shared tier confirms it is current. Does not look
     * in the shared tier (that needs the tables read: {@link #lookup}).
     */
    public MaterializedResult get(QueryKey key) {
        MaterializedResult result = localGet(key);
        if (result != null) {
            counters.hits.increment();
        } else {
            counters.misses.increment();
        }
        return result;
    }

    /**
     * Counts a miss that the caller answers from the database without a look-up (the driver's second-sight admission
     * of a key not seen), as that look-up's miss would have been counted.
     */
    public void countMiss() {
        counters.misses.increment();
    }

    private MaterializedResult localGet(QueryKey key) {
        // a probe's look-ups (a statement's hits) tell the eviction policy of one access in sixteen, chosen at random:
        // each one told costs a slot in Caffeine's read buffer and, once it fills, a maintenance run; the frequency
        // and recency the policy learns stay proportional. Every other look-up is told, as before.
        CacheEntry entry = key instanceof QueryKey.Probe probe && !probe.toldToPolicy() ? caffeine.getQuietly(key)
                : tier.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.stamp().isCurrent()) {
            if (!verifyLocalHits) {
                entry.markServed();
                return entry.result();
            }
            SharedTier.Stamp stamp = entry.sharedStamp();
            if (stamp != null && shared.isCurrent(entry.tables(), stamp)) {
                entry.markServed();
                return entry.result();
            }
            // another instance wrote a table it read, or the shared tier cannot confirm it now
        }
        // a table it read moved after it was stored and its removal has not happened yet
        if (tier.remove(entry)) {
            counters.evictionsInvalidated.increment();
        }
        return null;
    }

    /**
     * Looks {@code key} up in every tier: in process; then, when {@code waitForFills}, a concurrent fill of the
     * key in this JVM (as {@link #awaitInFlight}); then the shared tier, which on a miss takes the key's lease or,
     * when {@code waitForFills} and another instance holds it, waits a bounded time for that instance's entry. A
     * shared hit is kept in process too. Counts a hit or a miss.
     *
     * @param tables the canonical names of every table the query reads
     * @return a hit, or a miss to pass to {@link #beginFill(Lookup, Duration)}
     */
    public Lookup lookup(QueryKey key, Collection<String> tables, boolean waitForFills) {
        Objects.requireNonNull(key, "key");
        MaterializedResult result = localGet(key);
        if (result != null) {
            counters.hits.increment();
            return new Lookup(key, null, result, null, null);
        }
        if (waitForFills) {
            result = awaitInFlight(key);
            if (result != null) {
                return new Lookup(key, null, result, null, null);
            }
        }
        List<String> sorted = sortedTables(tables);
        if (shared == null) {
            counters.misses.increment();
            return new Lookup(key, sorted, null, null, null);
        }
        // taken before the shared read: an invalidation that arrives after that read makes this stamp stale
        VersionStamp localStamp = versions.stamp(sorted);
        SharedLookup found = shared.lookup(key, sorted, waitForFills);
        if (found.result() != null) {
            counters.hits.increment();
            keepInProcess(key, sorted, localStamp, found);
            return new Lookup(key, sorted, found.result(), null, null);
        }
        counters.misses.increment();
        return new Lookup(key, sorted, null, found.stamp(), found.lease());
    }

    private void keepInProcess(QueryKey key, List<String> tables, VersionStamp localStamp, SharedLookup found) {
        long ttl = Math.min(found.remainingTtlNanos(), defaultTtlNanos);
        if (ttl <= 0 || !localStamp.isCurrent() || anyBlocked(tables)) {
            return;
        }
        CacheEntry entry = new CacheEntry(key, found.result(), tables, localStamp, ttl, found.stamp());
        tier.put(entry);
        if (!localStamp.isCurrent()) {
            tier.remove(entry);
        }
    }

    private static List<String> sortedTables(Collection<String> tables) {
        if (tables.size() <= 1) {
            return List.copyOf(tables);
        }
        return List.copyOf(new java.util.TreeSet<>(tables));
    }

    /**
     * What {@link #lookup} found: a result, or a miss carrying what a fill needs (the tables, the shared versions
     * read before the query, the shared lease). Pass a miss to {@link #beginFill(Lookup, Duration)} exactly once.
     */
    public static final class Lookup {

        final QueryKey key;
        final List<String> tables;
        private final MaterializedResult result;
        final SharedTier.Stamp sharedStamp;
        final Object lease;

        Lookup(QueryKey key, List<String> tables, MaterializedResult result, SharedTier.Stamp sharedStamp,
               Object lease) {
            this.key = key;
            this.tables = tables;
            this.result = result;
            this.sharedStamp = sharedStamp;
            this.lease = lease;
        }

        /** The result on a hit, else null. */
        public MaterializedResult result() {
            return result;
        }

        /** True when {@link #result()} is not null. */
        public boolean isHit() {
            return result != null;
        }

        /** True when this instance holds the shared lease of the key (it is expected to fill it). */
        public boolean holdsLease() {
            return lease != null;
        }
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
            if (result != null && verifyLocalHits
                    && (ticket.sharedStamp() == null || !shared.isCurrent(ticket.tables(), ticket.sharedStamp()))) {
                // strict: another instance may have written a table it read before this waiter started
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
        return beginFill(key, shared == null ? List.copyOf(tables) : sortedTables(tables), ttl, null, null);
    }

    /**
     * Starts the fill of a {@link #lookup} miss, as {@link #beginFill(QueryKey, Set, Duration)}; the fill records the
     * shared versions the look-up read (before the query runs) and stores to the shared tier too. When no fill
     * begins (null), the shared lease the look-up took is released.
     */
    public FillTicket beginFill(Lookup miss, Duration ttl) {
        if (miss.isHit()) {
            throw new IllegalArgumentException("a hit has nothing to fill");
        }
        FillTicket ticket = beginFill(miss.key, miss.tables, ttl, miss.sharedStamp, miss.lease);
        if (ticket == null && miss.lease != null) {
            shared.release(miss.key, miss.lease);
        }
        return ticket;
    }

    private FillTicket beginFill(QueryKey key, List<String> tableList, Duration ttl, SharedTier.Stamp sharedStamp,
                                 Object lease) {
        long ttlNanos = ttl == null ? defaultTtlNanos : ttl.toNanos();
        if (ttlNanos <= 0) {
            return null;
        }
        for (String table : tableList) {
            if (isBlocked(table)) {
                counters.fillsBlocked.increment();
                return null;
            }
        }
        FillTicket ticket = new FillTicket(key, tableList, versions.stamp(tableList), ttlNanos,
                settings.maxRowsPerEntry(), settings.maxBytesPerEntry(), ticker.read(), sharedStamp, lease);
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
        if (verifyLocalHits && ticket.sharedStamp() == null) {
            // strict, and the shared versions could not be read before the query: no tier could ever serve it
            abandon(ticket);
            return false;
        }
        CacheEntry entry = new CacheEntry(ticket.key(), result, ticket.tables(), ticket.stamp(),
                ticket.ttlNanos(), ticket.sharedStamp(), ticket.observer());
        tier.put(entry);
        // an invalidation between the check above and the put may have missed the entry: check again
        if (!ticket.stamp().isCurrent()) {
            tier.remove(entry);
            return dropStale(ticket);
        }
        counters.fills.increment();
        if (shared != null && ticket.sharedStamp() != null) {
            // the shared entry records the versions read before the query: stale or not, it is never served stale
            shared.store(ticket.key(), ticket.tables(), ticket.sharedStamp(), ticket.lease(), result,
                    ticket.ttlNanos());
            finishStored(ticket, result);
        } else {
            finish(ticket, result);
        }
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
        boolean first = ticket.outcome.complete(result);
        if (first && result == null && ticket.lease() != null) {
            shared.release(ticket.key(), ticket.lease());
        }
        return first;
    }

    /** As {@link #finish}, for a result handed to the shared tier, which releases the lease itself once stored. */
    private void finishStored(FillTicket ticket, MaterializedResult result) {
        inFlight.remove(ticket.key(), ticket);
        ticket.outcome.complete(result);
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
     * and the fills in flight that read any of them are dropped: their waiters stop waiting at once. With a
     * shared tier, it then bumps the tables' shared versions, waiting for Redis to acknowledge (at most the
     * tier's timeout; a bump not made is pending and made later), and broadcasts the invalidation to the other
     * instances.
     */
    public void invalidate(Collection<String> tables) {
        if (tables.isEmpty()) {
            return;
        }
        counters.invalidations.increment();
        versions.advance(tables);
        tier.invalidate(tables);
        dropDoomedFills(tables);
        if (shared != null) {
            shared.invalidate(tables);
        }
    }

    /** As {@link #invalidate(Collection)}. */
    public void invalidate(String... tables) {
        invalidate(List.of(tables));
    }

    /**
     * Invalidates everything: every entry is removed and every fill in flight is dropped (waiters released); with a
     * shared tier, the shared epoch is bumped and every instance told, as for {@link #invalidate(Collection)}.
     */
    public void invalidateAll() {
        counters.invalidateAlls.increment();
        versions.advanceAll();
        tier.invalidateAll();
        dropDoomedFills(null);
        if (shared != null) {
            shared.invalidateAll();
        }
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
