package dev.cachet.cache.shared;

import static dev.cachet.cache.shared.Instances.key;
import static dev.cachet.cache.shared.SharedTierSettings.Consistency.BROADCAST;
import static dev.cachet.cache.shared.SharedTierSettings.Consistency.STRICT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.cache.FillTicket;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared tier's protocol between application instances (each a {@link ResultCache} over its own tier, on one
 * in-memory Redis), with every interleaving forced: shared hits, strict and broadcast in-process hits after another
 * instance's write, the "no stale set" rule across instances and across the two tiers, and leases.
 */
class SharedTierProtocolTest {

    private final MemoryRedis redis = new MemoryRedis();
    private final Instances instances = new Instances();
    private static final QueryKey K = key("SELECT id, name FROM products WHERE id = ?", 1L);
    private static final Set<String> PRODUCTS = Set.of("products");

    @AfterEach
    void close() {
        instances.close();
    }

    private Instances.Instance instance(SharedTierSettings.Consistency consistency) {
        return instances.start(redis.store(), Instances.settings(consistency).build());
    }

    @Test
    void anInstanceHitsWhatAnotherFilledAndKeepsItInProcess() {
        Instances.Instance a = instance(STRICT);
        Instances.Instance b = instance(STRICT);
        ResultCache.Lookup miss = a.fill(K, PRODUCTS, TestCodec.row(1, "tea"));
        assertThat(miss.isHit()).isFalse();
        assertThat(miss.holdsLease()).isTrue();
        await().until(() -> a.stats().stores() == 1);

        ResultCache.Lookup found = b.cache.lookup(K, PRODUCTS, true);
        assertThat(found.isHit()).isTrue();
        assertThat(TestCodec.name(found.result())).isEqualTo("tea");
        assertThat(b.stats().hits()).isEqualTo(1);
        assertThat(b.cache.tier().entryCount()).isEqualTo(1);
        // the next read is an in-process hit, checked against Redis (strict)
        assertThat(b.cache.get(K)).isNotNull();
        assertThat(b.stats().localChecks()).isEqualTo(1);
    }

    @Test
    void strictRefusesAnInProcessHitOnceAnotherInstanceWroteEvenBeforeItsMessageArrives() {
        Instances.Instance a = instance(STRICT);
        Instances.Instance b = instance(STRICT);
        a.fill(K, PRODUCTS, TestCodec.row(1, "tea"));
        assertThat(a.cache.get(K)).isNotNull();

        redis.holdMessages = true;
        b.cache.invalidate("products"); // B's write committed; its message is still on its way
        assertThat(a.cache.get(K)).isNull();
        assertThat(a.stats().localChecksStale()).isEqualTo(1);
        assertThat(a.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
    }

    @Test
    void broadcastServesInProcessUntilTheMessageArrivesButNeverFromRedis() {
        Instances.Instance a = instance(BROADCAST);
        Instances.Instance b = instance(BROADCAST);
        a.fill(K, PRODUCTS, TestCodec.row(1, "tea"));
        await().until(() -> a.stats().stores() == 1);

        redis.holdMessages = true;
        b.cache.invalidate("products");
        // the window broadcast mode accepts: until the message arrives, A's in-process entry is served
        assertThat(a.cache.get(K)).isNotNull();
        // Redis itself never serves it: its versions are behind
        assertThat(b.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(b.stats().staleEntries()).isEqualTo(1);

        redis.deliverHeld();
        assertThat(a.stats().messagesReceived()).isEqualTo(1);
        assertThat(a.cache.get(K)).isNull();
    }

    @Test
    void aFillWhoseQueryRanBeforeAnotherInstancesWriteIsNeverServedByAnyTier() {
        Instances.Instance a = instance(STRICT);
        Instances.Instance b = instance(STRICT);
        ResultCache.Lookup miss = a.cache.lookup(K, PRODUCTS, true); // versions read: before the query
        FillTicket ticket = a.cache.beginFill(miss, null);
        // A's query reads the old row; then B's write commits (and bumps) before A stores
        redis.holdMessages = true;
        b.cache.invalidate("products");
        assertThat(a.cache.complete(ticket, TestCodec.row(1, "old"))).isTrue(); // A's JVM has not heard yet
        await().until(() -> a.stats().stores() == 1);

        assertThat(b.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(b.stats().staleEntries()).isEqualTo(1);
        assertThat(a.cache.get(K)).isNull(); // strict: its shared versions are behind
        Instances.Instance c = instance(STRICT);
        assertThat(c.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
    }

    @Test
    void broadcastDropsAFillWhenTheWritesMessageArrivesBeforeItIsStored() {
        Instances.Instance a = instance(BROADCAST);
        Instances.Instance b = instance(BROADCAST);
        ResultCache.Lookup miss = a.cache.lookup(K, PRODUCTS, true);
        FillTicket ticket = a.cache.beginFill(miss, null);
        b.cache.invalidate("products"); // delivered at once
        assertThat(a.cache.complete(ticket, TestCodec.row(1, "old"))).isFalse();
        assertThat(a.cache.get(K)).isNull();
        assertThat(a.stats().stores()).isZero();
    }

    @Test
    void aSharedHitIsNotKeptInProcessWhenAnInvalidationArrivesRightAfterItWasRead() {
        Instances.Instance a = instance(BROADCAST);
        Instances.Instance b = instance(BROADCAST);
        a.fill(K, PRODUCTS, TestCodec.row(1, "tea"));
        await().until(() -> a.stats().stores() == 1);

        // B reads entry and versions; A's write and its message land before B keeps the entry in process
        redis.afterNextVersionRead = () -> a.cache.invalidate("products");
        ResultCache.Lookup found = b.cache.lookup(K, PRODUCTS, false);
        assertThat(found.isHit()).isTrue(); // the read overlapped the write: either answer is linearizable
        assertThat(b.stats().messagesReceived()).isEqualTo(1);
        assertThat(b.cache.get(K)).isNull(); // but it was not kept: B's stamp, taken before the read, is stale
        assertThat(b.cache.tier().entryCount()).isZero();
    }

    @Test
    void operatorInvalidationsReachEveryInstance() {
        Instances.Instance a = instance(BROADCAST);
        Instances.Instance b = instance(BROADCAST);
        QueryKey other = key("SELECT count(*) FROM orders");
        a.fill(K, PRODUCTS, TestCodec.row(1, "tea"));
        a.fill(other, Set.of("orders"), TestCodec.row(2, "n"));
        b.cache.invalidateAll();
        assertThat(a.cache.get(K)).isNull();
        assertThat(a.cache.get(other)).isNull();
        assertThat(a.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(redis.field(new KeySpace("shop-db").versions(), "~epoch")).isEqualTo(1);
    }

    @Test
    void concurrentMissesOfOneKeyAcrossInstancesRunOneQuery() throws Exception {
        List<Instances.Instance> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(instance(STRICT));
        }
        ResultCache.Lookup first = all.get(0).cache.lookup(K, PRODUCTS, true);
        assertThat(first.holdsLease()).isTrue();
        List<CompletableFuture<ResultCache.Lookup>> waiting = new ArrayList<>();
        for (Instances.Instance i : all.subList(1, 4)) {
            waiting.add(CompletableFuture.supplyAsync(() -> i.cache.lookup(K, PRODUCTS, true)));
        }
        await().until(() -> all.subList(1, 4).stream().allMatch(i -> i.stats().leaseWaits() == 1));
        FillTicket ticket = all.get(0).cache.beginFill(first, null);
        all.get(0).cache.complete(ticket, TestCodec.row(1, "tea"));
        for (CompletableFuture<ResultCache.Lookup> w : waiting) {
            ResultCache.Lookup l = w.get(10, TimeUnit.SECONDS);
            assertThat(l.isHit()).isTrue();
            assertThat(TestCodec.name(l.result())).isEqualTo("tea");
        }
        assertThat(all.subList(1, 4)).allMatch(i -> i.stats().leaseWaitHits() == 1 && i.stats().leasesTaken() == 0);
    }

    @Test
    void aWaiterStopsWaitingWhenTheLeaseHolderGivesUp() throws Exception {
        Instances.Instance a = instance(STRICT);
        Instances.Instance b = instance(STRICT);
        ResultCache.Lookup first = a.cache.lookup(K, PRODUCTS, true);
        CompletableFuture<ResultCache.Lookup> waiter = CompletableFuture.supplyAsync(() -> b.cache.lookup(K, PRODUCTS,
                true));
        await().until(() -> b.stats().leaseWaits() == 1);
        FillTicket ticket = a.cache.beginFill(first, null);
        a.cache.abandon(ticket); // the query failed: the lease goes at once
        ResultCache.Lookup l = waiter.get(10, TimeUnit.SECONDS); // well before the 10 s lease wait ends
        assertThat(l.isHit()).isFalse();
        assertThat(b.stats().leaseWaitTimeouts()).isEqualTo(1);
    }

    @Test
    void aLeaseWaitIsBounded() throws Exception {
        Instances.Instance a = instance(STRICT);
        Instances.Instance b = instances.start(redis.store(),
                Instances.settings(STRICT).leaseWait(Duration.ofMillis(100)).build());
        assertThat(a.cache.lookup(K, PRODUCTS, true).holdsLease()).isTrue(); // and never fills
        ResultCache.Lookup l = b.cache.lookup(K, PRODUCTS, true);
        assertThat(l.isHit()).isFalse();
        assertThat(l.holdsLease()).isFalse();
        assertThat(b.stats().leaseWaitTimeouts()).isEqualTo(1);
        assertThat(b.cache.beginFill(l, null)).isNotNull(); // it runs its own query
    }

    @Test
    void anEntryIsSentOnlyOnceItsShapeIsStored() {
        // in cluster mode the shape and the entry live on different nodes: only the filler can order them
        redis.holdSetsEndingWith = "}:s";
        Instances.Instance a = instances.start(redis.store(),
                Instances.settings(STRICT).leaseTime(Duration.ofSeconds(30)).build());
        Instances.Instance b = instance(STRICT);
        a.fill(K, PRODUCTS, TestCodec.row(1, "tea"));
        await().until(() -> !redis.heldSets.isEmpty());
        assertThat(redis.keysEndingWith("}:e")).as("entries sent before their shape is stored").isEmpty();
        assertThat(redis.keysEndingWith("}:l")).as("the lease still tells waiters a fill is coming").hasSize(1);
        redis.holdSetsEndingWith = null;
        redis.heldSets.poll().run();
        await().until(() -> a.stats().stores() == 1);
        assertThat(redis.keysEndingWith("}:l")).isEmpty();
        ResultCache.Lookup found = b.cache.lookup(K, PRODUCTS, false);
        assertThat(found.isHit()).isTrue();
        assertThat(b.stats().badValues()).isZero();
    }

    @Test
    void anInstanceClosingRightAfterAFillStillHandsItOver() throws Exception {
        // a worker that stops after its query: the fill under way lands, and the waiters' lease goes with it
        redis.holdSetsEndingWith = "}:s";
        Instances.Instance a = instances.start(redis.store(),
                Instances.settings(STRICT).leaseTime(Duration.ofSeconds(30)).build());
        a.fill(K, PRODUCTS, TestCodec.row(1, "tea"));
        await().until(() -> !redis.heldSets.isEmpty());
        CompletableFuture<Void> closing = CompletableFuture.runAsync(a.cache::close);
        redis.holdSetsEndingWith = null;
        redis.heldSets.poll().run();
        closing.get(10, TimeUnit.SECONDS);
        assertThat(redis.keysEndingWith("}:e")).as("the entry landed before the connection closed").hasSize(1);
        assertThat(redis.keysEndingWith("}:l")).isEmpty();
        assertThat(instance(STRICT).cache.lookup(K, PRODUCTS, false).isHit()).isTrue();
    }

    @Test
    void aShapeThatIsNotStoredKeepsItsEntryOutAndReleasesTheLease() {
        redis.holdSetsEndingWith = "}:s"; // never answered: the fill's lease time (300 ms) ends the wait
        Instances.Instance a = instances.start(redis.store(),
                Instances.settings(STRICT).leaseTime(Duration.ofMillis(300)).build());
        a.fill(K, PRODUCTS, TestCodec.row(1, "tea"));
        await().until(() -> a.stats().storesSkipped() == 1);
        assertThat(a.stats().timeouts()).isEqualTo(1);
        assertThat(redis.keysEndingWith("}:e")).isEmpty();
        assertThat(redis.keysEndingWith("}:l")).as("waiters are not left waiting for a fill that never comes").isEmpty();
    }

    @Test
    void anInstanceThatFindsItsShapeGoneWritesItAgainWithItsNextFill() {
        Instances.Instance a = instance(STRICT);
        Instances.Instance b = instance(STRICT);
        a.fill(K, PRODUCTS, TestCodec.row(1, "tea"));
        await().until(() -> a.stats().stores() == 1);
        for (byte[] shapeKey : redis.keysEndingWith("}:s")) {
            a.store.delete(shapeKey).join(); // evicted by Redis under maxmemory
        }
        assertThat(a.tier.lookup(K, List.copyOf(PRODUCTS), false).result()).isNull();
        assertThat(a.stats().decodeFailures()).isEqualTo(1);
        QueryKey sameShape = key("SELECT id, name FROM products WHERE id = ?", 2L);
        a.fill(sameShape, PRODUCTS, TestCodec.row(2, "coffee"));
        await().until(() -> a.stats().stores() == 2);
        assertThat(redis.keysEndingWith("}:s")).hasSize(1);
        assertThat(b.cache.lookup(sameShape, PRODUCTS, false).isHit()).isTrue();
        assertThat(b.stats().badValues()).isZero();
    }

    @Test
    void missesInOneJvmWaitForTheLocalFillNotForRedis() throws Exception {
        Instances.Instance a = instance(STRICT);
        ResultCache.Lookup first = a.cache.lookup(K, PRODUCTS, true);
        FillTicket ticket = a.cache.beginFill(first, null);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<ResultCache.Lookup> second = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            return a.cache.lookup(K, PRODUCTS, true);
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        await().until(() -> a.cache.isInFlight(K));
        a.cache.complete(ticket, TestCodec.row(1, "tea"));
        ResultCache.Lookup l = second.get(10, TimeUnit.SECONDS);
        assertThat(l.isHit()).isTrue();
        assertThat(a.stats().leaseWaits()).isZero();
    }

    @Test
    void aCatalogChangeReachesEveryOtherInstanceAndNotItsOwn() {
        Instances.Instance a = instance(STRICT);
        Instances.Instance b = instance(BROADCAST);
        Instances.Instance ddl = instance(STRICT);
        java.util.concurrent.atomic.AtomicInteger toldA = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger toldB = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger toldOwn = new java.util.concurrent.atomic.AtomicInteger();
        a.cache.onCatalogChangedElsewhere(toldA::incrementAndGet);
        b.cache.onCatalogChangedElsewhere(toldB::incrementAndGet);
        ddl.cache.onCatalogChangedElsewhere(toldOwn::incrementAndGet);

        ddl.cache.catalogChanged(true);
        assertThat(toldA).hasValue(1);
        assertThat(toldB).hasValue(1);
        assertThat(toldOwn).as("the instance that ran the DDL read its catalog already").hasValue(0);
        assertThat(a.stats().catalogChanges()).isEqualTo(1);
        assertThat(a.stats().messagesReceived()).as("not an invalidation").isZero();
        // nothing in process was dropped for it by the tier itself: what the catalog meant is the driver's to judge
        assertThat(a.stats().localFlushes()).isZero();
    }

    @Test
    void aCallIsToldAtMostOnceAHeartbeatAndDdlAtOnce() {
        // a heartbeat of an hour: after the first round, only the test runs the maintenance rounds
        SharedTierSettings hourly = Instances.settings(STRICT).heartbeat(Duration.ofHours(1)).build();
        Instances.Instance a = instances.start(redis.store(), hourly);
        Instances.Instance calls = instances.start(redis.store(), hourly);
        await().until(() -> a.stats().state().equals("up") && calls.stats().state().equals("up"));
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        a.cache.onCatalogChangedElsewhere(told::incrementAndGet);

        calls.cache.catalogChanged(false);
        assertThat(told).as("the first at once").hasValue(1);
        calls.cache.catalogChanged(false);
        calls.cache.catalogChanged(false);
        assertThat(told).as("the others wait for the next round").hasValue(1);
        calls.tier.maintain();
        assertThat(told).as("one message for both").hasValue(2);
        calls.tier.maintain();
        assertThat(told).hasValue(2);
        calls.cache.catalogChanged(false);
        calls.cache.catalogChanged(true);
        assertThat(told).as("DDL never waits, and takes the waiting one with it").hasValue(3);
        calls.tier.maintain();
        assertThat(told).hasValue(3);
    }
}
