package dev.cachet.cache.shared;

import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.SharedLookup;
import dev.cachet.cache.SharedTier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared tier on Redis (DESIGN §10): versioned entries, table versions in one hash-tagged slot per Cachet
 * cluster, invalidations broadcast to every instance, one query per miss across instances through a lease, values
 * optionally encrypted — and every fault of Redis turned into a miss within the timeout, never into a failed query.
 *
 * <p><b>Trust.</b> The tier answers from Redis only while it is <em>trusted</em>: connected, and resynchronised
 * since the last lost connection. Losing a connection may lose messages (the stream) and, in a failover, version
 * bumps Redis had acknowledged; so after a loss the tier bumps the global epoch (no entry written before is served
 * again) and makes the bumps it could not make, before trusting Redis again. In {@code broadcast} mode it also
 * flushes the in-process tier when it finds the stream lost and again when the stream is back. A bump it cannot
 * make (timeout, refusal) is <em>pending</em>: until made, look-ups of those tables skip Redis. A bump refused
 * because Redis is out of memory deletes the versions hash instead — which no entry survives.
 *
 * <p>Background work runs on two daemon threads named {@code cachet-shared-…}: maintenance (connect, heartbeat,
 * resync) and stores (encoding and writing fills, so a miss never waits for Redis to take its result).
 */
public final class RedisSharedTier implements SharedTier {

    private static final Logger log = LoggerFactory.getLogger(RedisSharedTier.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long SHAPE_TTL_MILLIS = TimeUnit.DAYS.toMillis(1);
    private static final long SHAPE_REFRESH_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final int MAX_SHAPES = 4096;

    private final SharedTierSettings settings;
    private final ResultCodec<Object> codec;
    private final SharedStore store;
    private final KeySpace keys;
    private final Envelope envelope;
    private final boolean strict;
    private final long timeoutNanos;
    private final long leaseWaitNanos;
    private final Messages messages;
    private final SharedCounters counters = new SharedCounters();

    private final ConcurrentHashMap<ShapeId, Object> shapes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ShapeId, Long> shapesWritten = new ConcurrentHashMap<>();
    /** Fills sent to Redis and not yet acknowledged (shape, entry, lease release). */
    private final Set<CompletableFuture<Void>> pendingWrites = ConcurrentHashMap.newKeySet();

    private final Set<String> pendingTables = ConcurrentHashMap.newKeySet();
    private volatile boolean pendingAll;
    /** A catalog change this instance could not publish yet: sent at the next resynchronisation. */
    private volatile boolean pendingCatalog;
    /** When a catalog change was last published; {@link Long#MIN_VALUE} before the first. */
    private volatile long lastCatalogPublish = Long.MIN_VALUE;

    private volatile LocalInvalidation local;
    private volatile boolean connected;
    private volatile boolean everTrusted;
    /**
     * Losses seen (a lost connection or stream, versions found gone) and the last loss a resync made good: trusted
     * only while they are equal. Counted rather than flagged so that a loss reported while a resync is under way is
     * not cleared by that resync's end — its epoch bump may have gone to the connection that was lost. The count
     * starts at 1, the start itself, which the first round makes good: above 1, a loss happened after first contact.
     */
    private final AtomicLong losses = new AtomicLong(1);
    private volatile long resyncedThrough;
    private volatile boolean streamUp;
    private volatile boolean closed;
    private volatile String lastProblem;
    private final Heartbeats heartbeats = new Heartbeats();
    private volatile long lostAt;

    private final ScheduledExecutorService maintenance;
    private final ThreadPoolExecutor storer;

    /** A tier on Redis as {@code settings} say, with Lettuce. Connects in the background once started. */
    public RedisSharedTier(SharedTierSettings settings, ResultCodec<?> codec) {
        this(settings, codec, new LettuceStore(settings));
    }

    @SuppressWarnings("unchecked") // the codec only ever receives the shapes it decoded itself
    RedisSharedTier(SharedTierSettings settings, ResultCodec<?> codec, SharedStore store) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.codec = (ResultCodec<Object>) Objects.requireNonNull(codec, "codec");
        this.store = Objects.requireNonNull(store, "store");
        this.keys = new KeySpace(settings.cluster());
        this.envelope = new Envelope(settings.encryptionKey());
        this.strict = settings.consistency() == SharedTierSettings.Consistency.STRICT;
        this.timeoutNanos = settings.timeout().toNanos();
        this.leaseWaitNanos = settings.leaseWait().toNanos();
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        this.messages = new Messages(hex(id).getBytes(StandardCharsets.US_ASCII));
        String name = "cachet-shared-" + KeySpace.escape(settings.cluster());
        this.maintenance = new ScheduledThreadPoolExecutor(1, daemon(name));
        this.storer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(256),
                daemon(name + "-store"));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public SharedTierSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start(LocalInvalidation local) {
        this.local = Objects.requireNonNull(local, "local");
        long period = settings.heartbeat().toNanos();
        if (period > 0) {
            maintenance.scheduleWithFixedDelay(this::maintainQuietly, 0, period, TimeUnit.NANOSECONDS);
        } else {
            maintain();
        }
    }

    @Override
    public void close() {
        closed = true;
        maintenance.shutdownNow();
        storer.shutdown();
        // fills queued or under way land within one lease time at the most: after it their waiters gave up anyway
        long deadline = System.nanoTime() + settings.leaseTime().toNanos();
        try {
            storer.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            CompletableFuture.allOf(pendingWrites.toArray(new CompletableFuture<?>[0]))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // a write that failed was counted where it failed; one still under way is left to the lease's expiry
        }
        storer.shutdownNow();
        store.close();
        connected = false;
    }

    private void maintainQuietly() {
        try {
            maintain();
        } catch (RuntimeException e) {
            log.warn("shared tier maintenance failed: {}", e.toString());
        }
    }

    /**
     * One round of upkeep: connect when not connected; check the stream end to end (a heartbeat this instance
     * published must have come back); resynchronise after a loss; make pending bumps. Runs every heartbeat on the
     * maintenance thread; tests without a heartbeat call it directly.
     */
    void maintain() {
        if (closed) {
            return;
        }
        if (!connected) {
            try {
                store.connect(keys.channel(), new StoreEvents());
                connected = true;
                // the stream gets its first heartbeat's bound before it counts as lost: subscribing again at once would
                // report a loss, and cost a resync, for a subscription that is new
                lostAt = System.nanoTime();
            } catch (Exception e) {
                problem("cannot connect to Redis: " + Faults.describe(e));
                return;
            }
        }
        if (!store.isConnected()) {
            lost("connection lost"); // the client reconnects by itself; trust waits for the resync after that
            return;
        }
        checkStream();
        if (resyncNeeded() || pendingAll || !pendingTables.isEmpty() || pendingCatalog) {
            resync();
        }
        if (settings.heartbeat().toNanos() > 0) {
            store.publish(keys.channel(), messages.heartbeat(heartbeats.next(System.nanoTime())));
        }
    }

    /**
     * The stream is lost when a heartbeat is overdue by twice the timeout (or one heartbeat period, if longer): a
     * slow stream is a lost one, since broadcast mode trusts it. A lost stream is subscribed again.
     */
    private void checkStream() {
        long bound = Math.max(2 * timeoutNanos, settings.heartbeat().toNanos());
        long now = System.nanoTime();
        if (streamUp) {
            if (!heartbeats.late(now, bound)) {
                return;
            }
            lost("invalidation stream silent");
        } else if (now - lostAt <= bound) {
            return; // the client may renew the subscription by itself
        }
        // a new subscription (in cluster mode, on the slot's primary of now); once per bound while it fails
        lostAt = now;
        try {
            store.resubscribe();
        } catch (Exception e) {
            problem("cannot subscribe again: " + Faults.describe(e));
        }
    }

    /** The stream or a connection was lost: untrusted until resynchronised; broadcast flushes in-process entries. */
    private void lost(String why) {
        if (closed) {
            return;
        }
        losses.incrementAndGet();
        heartbeats.lost();
        boolean wasUp = streamUp;
        if (wasUp) {
            lostAt = System.nanoTime();
        }
        streamUp = false;
        if (wasUp) {
            counters.streamLosses.increment();
            problem(why);
            if (!strict) {
                flushLocal();
            }
        }
    }

    private void flushLocal() {
        LocalInvalidation l = local;
        if (l != null) {
            counters.localFlushes.increment();
            l.invalidateAllLocal();
        }
    }

    private boolean resyncNeeded() {
        return resyncedThrough != losses.get();
    }

    private void resync() {
        long through = losses.get(); // the losses this round makes good; a later one needs another round
        boolean recovering = resyncedThrough != through;
        try {
            List<byte[]> generation = await(store.hmget(keys.versions(), new byte[][] {KeySpace.GENERATION}));
            if (generation.get(0) == null) {
                await(store.hsetnx(keys.versions(), KeySpace.GENERATION, Long.toString(newGeneration())
                        .getBytes(StandardCharsets.US_ASCII)));
            }
            if (recovering && (everTrusted || through > 1)) {
                // a failover may have lost bumps Redis acknowledged (this instance's too, made before a loss overtook
                // its first round): nothing written before this is served again. A start-up with no loss bumps nothing
                await(store.hincrby(keys.versions(), new byte[][] {KeySpace.EPOCH}));
            }
            makePendingBumps();
        } catch (Exception e) {
            failure(e);
            return;
        }
        if (recovering) {
            resyncedThrough = through; // one maintenance thread: a round never undoes a later one
            if (resyncNeeded()) {
                return; // a loss reported during this round: the next one makes it good
            }
            everTrusted = true;
            counters.resyncs.increment();
            LocalInvalidation l = local;
            if (l != null) {
                // a catalog change published while the stream was lost, or before it first delivered (the driver may
                // have read its catalog before then), never arrived
                l.catalogChangedElsewhere();
            }
            if (lastProblem != null) {
                log.info("shared tier for cluster {} trusted again", settings.cluster());
                lastProblem = null;
            }
        }
    }

    private void makePendingBumps() throws Exception {
        if (pendingAll) {
            pendingAll = false;
            try {
                bumpAndPublish(null);
            } catch (Exception e) {
                pendingAll = true;
                throw e;
            }
        }
        if (!pendingTables.isEmpty()) {
            List<String> tables = new ArrayList<>(pendingTables);
            bumpAndPublish(tables);
            tables.forEach(pendingTables::remove);
        }
        if (pendingCatalog) {
            publishCatalog();
        }
    }

    private static long newGeneration() {
        long g;
        do {
            g = RANDOM.nextLong() & Long.MAX_VALUE;
        } while (g == 0);
        return g;
    }

    /** Receives what the store reports. */
    private final class StoreEvents implements SharedStore.Events {

        @Override
        public void message(byte[] payload) {
            onMessage(payload);
        }

        private boolean first = true;

        @Override
        public synchronized void subscribed() {
            if (!first) {
                // subscribed again after a reconnect: messages sent in between are lost, and a restart or
                // failover may have lost acknowledged bumps
                lost("subscription renewed after a reconnect");
            }
            first = false;
            if (settings.heartbeat().toNanos() > 0) {
                if (!closed) {
                    maintenance.execute(RedisSharedTier.this::maintainQuietly);
                }
            } else if (!streamUp) {
                streamBack();
            }
        }

        @Override
        public void disconnected() {
            lost("connection lost");
        }
    }

    private void onMessage(byte[] payload) {
        Messages.Message m = messages.parse(payload);
        if (m == null) {
            return; // not Cachet's
        }
        if (m.kind() == Messages.HEARTBEAT) {
            if (m.own() && !m.items().isEmpty() && heartbeats.received(parseLong(m.items().get(0))) && !streamUp) {
                streamBack();
            }
            return;
        }
        LocalInvalidation l = local;
        if (m.own() || l == null) {
            return; // this instance's own were applied in process when they were made
        }
        if (m.kind() == Messages.ALL) {
            counters.messagesReceived.increment();
            l.invalidateAllLocal();
        } else if (m.kind() == Messages.TABLES) {
            counters.messagesReceived.increment();
            l.invalidateLocal(m.items());
        } else if (m.kind() == Messages.CATALOG) {
            counters.catalogChanges.increment();
            l.catalogChangedElsewhere();
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The stream delivers (again, or for the first time): what was filled in process while it did not cannot be proven
     * current — before the first delivery too, when Redis was unreachable at start-up and the tier filled in process.
     */
    private void streamBack() {
        streamUp = true;
        if (!strict) {
            flushLocal();
        }
    }

    // ---------------------------------------------------------------- consistency

    @Override
    public boolean verifiesLocalHits() {
        return strict;
    }

    private boolean trusted() {
        return connected && !resyncNeeded() && !closed;
    }

    private boolean pendingFor(List<String> tables) {
        if (pendingAll) {
            return true;
        }
        if (pendingTables.isEmpty()) {
            return false;
        }
        for (String t : tables) {
            if (pendingTables.contains(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isCurrent(List<String> tables, Stamp stamp) {
        counters.localChecks.increment();
        if (!(stamp instanceof SharedVersions) || !trusted() || pendingFor(tables)) {
            counters.fallbacks.increment();
            return false;
        }
        try {
            SharedVersions current = SharedVersions.parse(await(store.hmget(keys.versions(),
                    KeySpace.versionFields(tables))));
            if (current.usable() && current.sameAs((SharedVersions) stamp)) {
                return true;
            }
            counters.localChecksStale.increment();
            return false;
        } catch (Exception e) {
            failure(e);
            return false;
        }
    }

    // ---------------------------------------------------------------- look-up

    @Override
    public SharedLookup lookup(QueryKey key, List<String> tables, boolean waitForLease) {
        if (!trusted() || pendingFor(tables)) {
            counters.fallbacks.increment();
            return SharedLookup.unavailable();
        }
        byte[] digest = key.sharedDigest();
        try {
            if (digest == null) {
                // cached in process only; the versions still stamp its fill
                SharedVersions current = SharedVersions.parse(await(store.hmget(keys.versions(),
                        KeySpace.versionFields(tables))));
                return current.usable() ? SharedLookup.miss(current, null) : SharedLookup.unavailable();
            }
            byte[] entryKey = keys.entry(digest);
            long deadline = System.nanoTime() + timeoutNanos;
            CompletableFuture<byte[]> entry = store.get(entryKey, settings.readFromReplicas());
            CompletableFuture<List<byte[]>> versions = store.hmget(keys.versions(), KeySpace.versionFields(tables));
            SharedVersions current = SharedVersions.parse(await(versions, deadline));
            byte[] value = awaitReplicaRead(entry, deadline);
            if (!current.usable()) {
                // the versions hash is gone (restart, flush, eviction): make a new generation first
                losses.incrementAndGet();
                counters.fallbacks.increment();
                return SharedLookup.unavailable();
            }
            SharedLookup hit = open(entryKey, value, tables, current);
            if (hit != null) {
                counters.hits.increment();
                return hit;
            }
            counters.misses.increment();
            byte[] leaseKey = keys.lease(digest);
            Lease lease = new Lease(leaseKey, token());
            boolean taken;
            byte[] again;
            try {
                // the entry is read again behind the lease, in the same round trip (same slot, same connection):
                // a fill stored and released between the first read and the lease is found, not run twice
                CompletableFuture<Boolean> set = store.setIfAbsent(leaseKey, lease.token,
                        settings.leaseTime().toMillis());
                CompletableFuture<byte[]> reread = store.get(entryKey, false);
                taken = await(set);
                again = await(reread);
            } catch (Exception e) {
                failure(e); // a refused lease (a read-only user): run the query without one
                return SharedLookup.miss(current, null);
            }
            if (taken) {
                SharedLookup late = again == null || Arrays.equals(again, value) ? null
                        : open(entryKey, again, tables, current);
                if (late != null) {
                    releaseLease(lease);
                    counters.misses.decrement();
                    counters.hits.increment();
                    return late;
                }
                counters.leasesTaken.increment();
                return SharedLookup.miss(current, lease);
            }
            return waitForLease && leaseWaitNanos > 0 ? awaitFill(entryKey, leaseKey, tables, current)
                    : SharedLookup.miss(current, null);
        } catch (Exception e) {
            failure(e);
            return SharedLookup.unavailable();
        }
    }

    /** Polls (with back-off) for another instance's fill until it lands, its lease goes, or the wait ends. */
    private SharedLookup awaitFill(byte[] entryKey, byte[] leaseKey, List<String> tables, SharedVersions current)
            throws Exception {
        counters.leaseWaits.increment();
        long end = System.nanoTime() + leaseWaitNanos;
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(25));
            long deadline = System.nanoTime() + timeoutNanos;
            // the lease is checked before the entry is read, on one connection to one slot: the holder stores, then
            // releases, so a lease found gone means its entry (if any) is there for the read that follows
            CompletableFuture<Boolean> leaseHeld = store.exists(leaseKey);
            CompletableFuture<byte[]> entry = store.get(entryKey, false);
            CompletableFuture<List<byte[]>> versions = store.hmget(keys.versions(), KeySpace.versionFields(tables));
            current = SharedVersions.parse(await(versions, deadline));
            SharedLookup hit = current.usable() ? open(entryKey, await(entry, deadline), tables, current) : null;
            if (hit != null) {
                counters.leaseWaitHits.increment();
                return hit;
            }
            if (!await(leaseHeld, deadline)) {
                break; // its holder gave up (or stored something this look-up cannot use)
            }
        }
        counters.leaseWaitTimeouts.increment();
        return current.usable() ? SharedLookup.miss(current, null) : SharedLookup.unavailable();
    }

    /** The verified result in {@code value}, or null (counted) when it is absent, bad or stale. */
    private SharedLookup open(byte[] entryKey, byte[] value, List<String> tables, SharedVersions current)
            throws Exception {
        if (value == null) {
            return null;
        }
        if (value.length > settings.maxEntryBytes()) {
            counters.oversizeEntries.increment();
            return null;
        }
        Envelope.Entry entry;
        try {
            entry = envelope.openEntry(entryKey, value);
        } catch (Envelope.BadValueException e) {
            counters.count(e.problem);
            return null;
        }
        if (entry.tablesDigest() != Envelope.tablesDigest(tables) || entry.versions().length != tables.size()) {
            counters.staleEntries.increment(); // read other tables (the catalog changed since): never served
            return null;
        }
        if (!current.sameAs(new SharedVersions(entry.generation(), entry.epoch(), entry.versions()))) {
            counters.staleEntries.increment();
            return null;
        }
        long remainingMillis = entry.expiresAtMillis() - System.currentTimeMillis();
        if (remainingMillis <= 0) {
            return null;
        }
        if (entry.codecFormat() != codec.format()) {
            counters.foreignValues.increment();
            return null;
        }
        Object shape = shape(entry.shapeDigest());
        if (shape == null) {
            counters.decodeFailures.increment();
            return null;
        }
        MaterializedResult result;
        try {
            result = codec.decode(shape, entry.rows());
        } catch (Exception | LinkageError e) {
            counters.decodeFailures.increment();
            return null;
        }
        if (result == null) {
            counters.decodeFailures.increment();
            return null;
        }
        counters.bytesRead.add(value.length);
        return SharedLookup.hit(result, current, TimeUnit.MILLISECONDS.toNanos(remainingMillis));
    }

    /** The decoded shape of {@code digest}: from memory, else read from Redis once, verified and decoded. */
    private Object shape(byte[] digest) throws Exception {
        ShapeId id = new ShapeId(digest);
        Object shape = shapes.get(id);
        if (shape != null) {
            return shape;
        }
        byte[] shapeKey = keys.shape(digest);
        byte[] value = awaitReplicaRead(store.get(shapeKey, settings.readFromReplicas()),
                System.nanoTime() + timeoutNanos);
        if (value == null && settings.readFromReplicas()) {
            value = await(store.get(shapeKey, false)); // its replica may lag behind the entry's node
        }
        if (value == null) {
            shapesWritten.remove(id); // evicted, or never written: this instance's next fill of the shape writes it
            return null;
        }
        byte[] bytes;
        try {
            bytes = envelope.openShape(shapeKey, value, codec.format());
        } catch (Envelope.BadValueException e) {
            counters.count(e.problem);
            return null;
        }
        if (!new ShapeId(shapeDigest(bytes)).equals(id)) {
            counters.corruptValues.increment();
            return null;
        }
        try {
            shape = codec.decodeShape(bytes);
        } catch (Exception | LinkageError e) {
            return null;
        }
        if (shape == null) {
            return null;
        }
        if (shapes.size() >= MAX_SHAPES) {
            shapes.clear();
        }
        shapes.put(id, shape);
        return shape;
    }

    // ---------------------------------------------------------------- fills

    @Override
    public void store(QueryKey key, List<String> tables, Stamp stamp, Object lease, MaterializedResult result,
                      long ttlNanos) {
        if (!(stamp instanceof SharedVersions) || !trusted()) {
            counters.storesSkipped.increment();
            release(key, lease);
            return;
        }
        try {
            storer.execute(() -> write(key, tables, (SharedVersions) stamp, (Lease) lease, result, ttlNanos));
        } catch (RejectedExecutionException e) {
            counters.storesSkipped.increment(); // writes fall behind (or closing): the lease lapses by itself
        }
    }

    private void write(QueryKey key, List<String> tables, SharedVersions stamp, Lease lease,
                       MaterializedResult result, long ttlNanos) {
        byte[] digest = key.sharedDigest();
        ResultCodec.Encoded encoded = digest == null ? null : encodeQuietly(result);
        if (encoded == null) {
            counters.storesSkipped.increment();
            releaseLease(lease);
            return;
        }
        long ttlMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(ttlNanos));
        byte[] shapeDigest = shapeDigest(encoded.shape());
        ShapeId shapeId = new ShapeId(shapeDigest);
        byte[] entryKey = keys.entry(digest);
        long nowMillis = System.currentTimeMillis();
        long entryExpiresAt = nowMillis + ttlMillis;
        byte[] value = envelope.sealEntry(entryKey, stamp, Envelope.tablesDigest(tables), entryExpiresAt,
                codec.format(), shapeDigest, encoded.rows());
        if (value.length > settings.maxEntryBytes()) {
            counters.storesSkipped.increment();
            releaseLease(lease);
            return;
        }
        Long shapeExpiresAt = shapesWritten.get(shapeId);
        CompletableFuture<Void> shapeStored;
        long newShapeExpiresAt;
        if (shapeExpiresAt == null || shapeExpiresAt - nowMillis < SHAPE_TTL_MILLIS - SHAPE_REFRESH_MILLIS
                || shapeExpiresAt < entryExpiresAt) {
            newShapeExpiresAt = Math.max(nowMillis + SHAPE_TTL_MILLIS, entryExpiresAt + SHAPE_REFRESH_MILLIS);
            byte[] shapeKey = keys.shape(shapeDigest);
            // Bounded by the lease, not by the query path's timeout: this runs off the query path, and waiters give
            // up on the fill when the lease lapses anyway.
            shapeStored = store.set(shapeKey, envelope.sealShape(shapeKey, codec.format(), encoded.shape()),
                    newShapeExpiresAt - nowMillis).orTimeout(settings.leaseTime().toMillis(), TimeUnit.MILLISECONDS);
        } else {
            newShapeExpiresAt = 0;
            shapeStored = CompletableFuture.completedFuture(null);
        }
        // The entry is sent once Redis has acknowledged its shape: in cluster mode the shape lives on another node than
        // the entry and its lease, so nothing else orders the two, and a reader (or a waiter released by the lease)
        // that found the entry without its shape would count a bad value and run the query again.
        CompletableFuture<Void> written = shapeStored.handle((ok, shapeFailure) -> {
            if (shapeFailure != null) {
                counters.storesSkipped.increment();
                failure(shapeFailure);
                return releaseLease(lease);
            }
            if (newShapeExpiresAt != 0) {
                if (shapesWritten.size() >= MAX_SHAPES) {
                    shapesWritten.clear();
                }
                shapesWritten.put(shapeId, newShapeExpiresAt);
            }
            // the entry, then the lease goes, on the one connection to their shared slot: waiters find the entry
            CompletableFuture<Void> entry = store.set(entryKey, value, ttlMillis).whenComplete((done, e) -> {
                if (e == null) {
                    counters.stores.increment();
                    counters.bytesWritten.add(value.length);
                } else {
                    counters.storesSkipped.increment();
                    failure(e);
                }
            });
            return CompletableFuture.allOf(entry, releaseLease(lease));
        }).thenCompose(f -> f);
        // close() lets writes under way land: an instance that stops right after a fill still hands it over
        pendingWrites.add(written);
        written.whenComplete((ok, e) -> pendingWrites.remove(written));
    }

    private ResultCodec.Encoded encodeQuietly(MaterializedResult result) {
        try {
            return codec.encode(result);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void release(QueryKey key, Object lease) {
        if (lease instanceof Lease) {
            releaseLease((Lease) lease);
        }
    }

    private CompletableFuture<Void> releaseLease(Lease lease) {
        if (lease != null && connected) {
            return store.deleteIfEquals(lease.key, lease.token);
        }
        return CompletableFuture.completedFuture(null);
    }

    private byte[] shapeDigest(byte[] shape) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(4).putInt(codec.format()).array());
            byte[] full = sha.digest(shape);
            byte[] digest = new byte[Envelope.SHAPE_DIGEST_BYTES];
            System.arraycopy(full, 0, digest, 0, digest.length);
            return digest;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] token() {
        byte[] t = new byte[16];
        RANDOM.nextBytes(t);
        return t;
    }

    // ---------------------------------------------------------------- invalidation

    @Override
    public void invalidate(Collection<String> tables) {
        if (tables.isEmpty()) {
            return;
        }
        List<String> list = List.copyOf(tables);
        counters.bumps.increment();
        if (!connected) {
            pendingTables.addAll(list);
            counters.fallbacks.increment();
            return;
        }
        try {
            bumpAndPublish(list);
        } catch (Exception e) {
            pendingTables.addAll(list);
            onBumpFailure(e);
        }
    }

    @Override
    public void invalidateAll() {
        counters.bumps.increment();
        if (!connected) {
            pendingAll = true;
            counters.fallbacks.increment();
            return;
        }
        try {
            bumpAndPublish(null);
        } catch (Exception e) {
            pendingAll = true;
            onBumpFailure(e);
        }
    }

    /** Bumps {@code tables} (null: the epoch), waits for the acknowledgement, then publishes. */
    private void bumpAndPublish(List<String> tables) throws Exception {
        byte[][] fields;
        if (tables == null) {
            fields = new byte[][] {KeySpace.EPOCH};
        } else {
            fields = new byte[tables.size()][];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = KeySpace.tableField(tables.get(i));
            }
        }
        await(store.hincrby(keys.versions(), fields));
        counters.published.increment();
        store.publish(keys.channel(), tables == null ? messages.all() : messages.tables(tables))
                .whenComplete((ok, e) -> {
                    if (e != null) {
                        failure(e);
                    }
                });
    }

    @Override
    public void catalogChanged(boolean certain) {
        if (closed) {
            return;
        }
        long last = lastCatalogPublish;
        long heartbeat = settings.heartbeat().toNanos();
        if (!connected
                || !certain && heartbeat > 0 && last != Long.MIN_VALUE && System.nanoTime() - last < heartbeat) {
            pendingCatalog = true; // the next maintenance round sends it
            return;
        }
        publishCatalog();
    }

    private void publishCatalog() {
        pendingCatalog = false;
        lastCatalogPublish = System.nanoTime();
        store.publish(keys.channel(), messages.catalog()).whenComplete((ok, e) -> {
            if (e != null) {
                pendingCatalog = true;
                failure(e);
            }
        });
    }

    private void onBumpFailure(Exception e) {
        failure(e);
        if (Faults.isOutOfMemory(e)) {
            // Redis refuses increments when full, but not deletes: without the versions hash no entry is served
            store.delete(keys.versions()).whenComplete((ok, x) -> {
                if (x == null) {
                    pendingAll = false;
                    pendingTables.clear();
                    store.publish(keys.channel(), messages.all());
                }
            });
        }
    }

    // ---------------------------------------------------------------- faults

    /**
     * Awaits a read that may have gone to a replica ({@code readFromReplicas}): a replica that cannot answer — its
     * connection not up yet, or dropped — makes it a miss, never a lost connection: what is trusted is decided by the
     * versions, read on the primary, and a miss reads the entry again there behind its lease.
     */
    private byte[] awaitReplicaRead(CompletableFuture<byte[]> read, long deadline) throws Exception {
        if (!settings.readFromReplicas()) {
            return await(read, deadline);
        }
        try {
            return await(read, deadline);
        } catch (Exception e) {
            log.debug("shared tier for cluster {}: a replica read failed ({})", settings.cluster(), Faults.describe(e));
            return null;
        }
    }

    private <T> T await(CompletableFuture<T> future) throws Exception {
        return Faults.await(future, System.nanoTime() + timeoutNanos);
    }

    private static <T> T await(CompletableFuture<T> future, long deadline) throws Exception {
        return Faults.await(future, deadline);
    }

    /** Counts a failed call; a lost connection also withdraws trust until the next resync. */
    private void failure(Throwable e) {
        counters.fallbacks.increment();
        switch (Faults.kind(e)) {
            case TIMEOUT -> counters.timeouts.increment();
            case REFUSED -> counters.refusals.increment();
            case CONNECTION -> lost("connection lost: " + Faults.describe(e));
            default -> { }
        }
        problem(Faults.describe(e));
    }

    /** Logs a problem once until the tier is trusted again. */
    private void problem(String what) {
        if (lastProblem == null) {
            log.warn("shared tier for cluster {} falls back to the in-process tier and the database: {}",
                    settings.cluster(), what);
        }
        lastProblem = what;
    }

    // ---------------------------------------------------------------- statistics

    /** A snapshot of the counters. */
    public SharedTierStatistics statistics() {
        String state = closed ? "down" : !connected ? (everTrusted ? "down" : "connecting")
                : resyncNeeded() ? "recovering" : "up";
        return counters.snapshot(state, pendingAll ? 1 : pendingTables.size());
    }

    /** True when the tier answers from Redis now (connected and trusted). */
    public boolean isTrusted() {
        return trusted();
    }

    /** True while the invalidation stream is known to deliver. */
    public boolean isStreamUp() {
        return streamUp;
    }

    @Override
    public String toString() {
        return "RedisSharedTier[" + settings + "]";
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    /** A lease on one key: its Redis key and the random token only its holder knows. */
    private record Lease(byte[] key, byte[] token) {
    }

    /** A shape digest as a map key. */
    private record ShapeId(ByteBuffer digest) {
        ShapeId(byte[] digest) {
            this(ByteBuffer.wrap(digest.clone()));
        }
    }

}
