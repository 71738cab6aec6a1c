package dev.cachet.cache.shared;

import static dev.cachet.cache.shared.Instances.key;
import static dev.cachet.cache.shared.SharedTierSettings.Consistency.BROADCAST;
import static dev.cachet.cache.shared.SharedTierSettings.Consistency.STRICT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.cache.FillTicket;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultCache;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis down, silent, out of memory, or dropping a connection: every call still answers (a miss, a refused check,
 * a pending bump), never an exception; nothing filled or bumped before the fault is trusted after it without a
 * resync; in broadcast mode the in-process tier is flushed when the stream is lost and again when it is back.
 */
class SharedTierFaultTest {

    private static final QueryKey K = key("SELECT id, name FROM products WHERE id = ?", 3L);
    private static final Set<String> PRODUCTS = Set.of("products");
    private static final KeySpace KEYS = new KeySpace("shop-db");

    private final MemoryRedis redis = new MemoryRedis();
    private final Instances instances = new Instances();

    @AfterEach
    void close() {
        instances.close();
    }

    private Instances.Instance instance(SharedTierSettings.Consistency consistency) {
        return instances.start(redis.store(), Instances.settings(consistency).build());
    }

    @Test
    void whileRedisIsDownLookupsMissBumpsWaitAndNothingOldIsTrustedAfterwards() {
        Instances.Instance a = instance(STRICT);
        Instances.Instance b = instance(STRICT);
        a.fill(K, PRODUCTS, TestCodec.row(3, "old"));
        await().until(() -> a.stats().stores() == 1);

        redis.down = true;
        b.cache.invalidate("products"); // B's write: Redis cannot take the bump
        assertThat(b.stats().pendingBumps()).isEqualTo(1);
        assertThat(a.cache.get(K)).isNull(); // strict: an in-process hit Redis cannot confirm is not served
        ResultCache.Lookup miss = a.cache.lookup(K, PRODUCTS, true);
        assertThat(miss.isHit()).isFalse();
        assertThat(a.stats().fallbacks()).isPositive();
        a.tier.maintain();
        b.tier.maintain();
        assertThat(a.stats().state()).isEqualTo("recovering");

        redis.down = false;
        // B's own look-ups skip Redis for the table whose bump is still pending
        assertThat(b.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        b.tier.maintain();
        a.tier.maintain();
        assertThat(b.stats().pendingBumps()).isZero();
        assertThat(b.stats().state()).isEqualTo("up");
        assertThat(redis.field(KEYS.versions(), "t:products")).isEqualTo(1);
        assertThat(redis.field(KEYS.versions(), "~epoch")).isGreaterThanOrEqualTo(1); // resynced after the loss
        // the entry filled before the fault is never served again
        assertThat(a.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(instance(STRICT).cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        // and the tier resumes: a new fill is shared again
        Instances.Instance c = instance(STRICT);
        QueryKey k2 = key("SELECT 2 FROM products");
        a.fill(k2, PRODUCTS, TestCodec.row(3, "new"));
        await().until(() -> a.stats().stores() == 2);
        assertThat(c.cache.lookup(k2, PRODUCTS, false).isHit()).isTrue();
    }

    @Test
    void aSilentRedisCostsAtMostTheTimeout() throws Exception {
        Instances.Instance a = instance(STRICT);
        a.fill(K, PRODUCTS, TestCodec.row(3, "tea"));
        redis.silent = true;
        CompletableFuture<ResultCache.Lookup> lookup = CompletableFuture.supplyAsync(
                () -> a.cache.lookup(key("SELECT 9 FROM products"), PRODUCTS, true));
        assertThat(lookup.get(10, TimeUnit.SECONDS).isHit()).isFalse();
        assertThat(a.cache.get(K)).isNull();
        a.cache.invalidate("products"); // returns after the timeout; the bump is pending
        assertThat(a.stats().timeouts()).isGreaterThanOrEqualTo(3);
        assertThat(a.stats().pendingBumps()).isEqualTo(1);
        redis.silent = false;
        a.tier.maintain();
        assertThat(a.stats().pendingBumps()).isZero();
        assertThat(redis.field(KEYS.versions(), "t:products")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aBumpRefusedForMemoryDeletesTheVersionsSoNoEntrySurvives() {
        Instances.Instance a = instance(STRICT);
        Instances.Instance b = instance(STRICT);
        a.fill(K, PRODUCTS, TestCodec.row(3, "old"));
        await().until(() -> a.stats().stores() == 1);
        redis.outOfMemory = true;
        b.cache.invalidate("products");
        assertThat(b.stats().refusals() + b.stats().fallbacks()).isPositive();
        assertThat(redis.field(KEYS.versions(), "~gen")).isZero(); // the versions hash is gone
        Instances.Instance c = instance(STRICT);
        assertThat(c.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(a.cache.get(K)).isNull();
    }

    @Test
    void broadcastFlushesWhenTheStreamIsLostAndAgainWhenItIsBack() {
        Instances.Instance a = instance(BROADCAST);
        Instances.Instance b = instance(BROADCAST);
        a.fill(K, PRODUCTS, TestCodec.row(3, "old"));
        assertThat(a.cache.get(K)).isNotNull();
        await().until(() -> a.stats().stores() == 1); // the store thread is done with Redis before it goes

        MemoryRedis.Store aStore = (MemoryRedis.Store) a.store;
        aStore.drop();
        assertThat(a.cache.tier().entryCount()).isZero(); // flushed: messages may be lost from now on
        assertThat(a.stats().streamLosses()).isEqualTo(1);
        // while it is gone, A caches in process with this JVM's own guarantee, and misses B's write
        QueryKey k2 = key("SELECT 2 FROM products");
        ResultCache.Lookup miss = a.cache.lookup(k2, PRODUCTS, true);
        FillTicket t = a.cache.beginFill(miss, null);
        assertThat(a.cache.complete(t, TestCodec.row(3, "old"))).isTrue();
        b.cache.invalidate("products");
        assertThat(a.stats().messagesReceived()).isZero();

        aStore.reconnect();
        assertThat(a.cache.get(k2)).isNull(); // flushed again when the stream came back
        // the store thread may report its failed store of k2 after the reconnect: that loss too is resynchronised by
        // the next maintenance round, as every heartbeat's would
        await().untilAsserted(() -> {
            a.tier.maintain();
            assertThat(a.stats().state()).isEqualTo("up");
        });
        assertThat(a.stats().resyncs()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aBumpThatCouldNotBeMadeKeepsThatTablesLookupsAwayFromRedisUntilItIsMade() {
        Instances.Instance a = instance(STRICT);
        a.fill(K, PRODUCTS, TestCodec.row(3, "old"));
        await().until(() -> a.stats().stores() == 1);
        Instances.Instance b = instance(STRICT);
        redis.silent = true;
        b.cache.invalidate("products"); // timed out: B does not know whether Redis took it
        redis.silent = false;
        assertThat(b.stats().pendingBumps()).isEqualTo(1);
        // B's own write must be visible to B: the old entry (versions unchanged if the bump was lost) is not read
        assertThat(b.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(b.stats().hits()).isZero();
        b.tier.maintain();
        assertThat(b.stats().pendingBumps()).isZero();
        assertThat(b.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(b.stats().staleEntries()).isEqualTo(1);
    }

    @Test
    void aLossReportedWhileAResyncIsUnderWayNeedsAResyncOfItsOwn() {
        MemoryRedis.Store store = redis.store();
        Instances.Instance a = instances.start(store, Instances.settings(STRICT).build());
        assertThat(a.stats().state()).isEqualTo("up");
        store.drop();
        store.reconnect();
        assertThat(a.stats().state()).isEqualTo("recovering");
        // the connection drops again once the resync has read the generation: whether its epoch bump reached the
        // Redis of after that loss, the round cannot tell
        redis.afterNextVersionRead = () -> {
            store.drop();
            store.reconnect();
        };
        a.tier.maintain();
        assertThat(redis.field(KEYS.versions(), "~epoch")).isEqualTo(1);
        assertThat(a.stats().state()).as("trusted by a resync that began before the last loss").isEqualTo("recovering");
        assertThat(a.tier.isTrusted()).isFalse();
        a.tier.maintain();
        assertThat(a.stats().state()).isEqualTo("up");
        assertThat(redis.field(KEYS.versions(), "~epoch")).isEqualTo(2);
    }

    @Test
    void broadcastDropsWhatItFilledBeforeTheStreamFirstDelivered() {
        redis.down = true;
        Instances.Instance a = instance(BROADCAST); // Redis unreachable at start-up: A fills in process only
        a.fill(K, PRODUCTS, TestCodec.row(3, "old"));
        assertThat(a.cache.get(K)).isNotNull();
        redis.down = false;
        Instances.Instance b = instance(BROADCAST);
        b.cache.invalidate("products"); // B's write, published while A is not subscribed yet
        a.tier.maintain(); // A connects: its stream delivers from now on, but B's message went before
        assertThat(a.cache.get(K)).as("an entry filled before the stream first delivered").isNull();
        assertThat(a.stats().state()).isEqualTo("up");
    }

    @Test
    void aLossDuringTheFirstResyncBumpsTheEpochBeforeTheTierIsTrusted() {
        MemoryRedis.Store store = redis.store();
        Instances.Instance b = instance(STRICT);
        b.fill(K, PRODUCTS, TestCodec.row(3, "old"));
        await().until(() -> b.stats().stores() == 1);
        // A's first round is overtaken by a loss: whatever it bumped may be gone with it
        redis.afterNextVersionRead = () -> {
            store.drop();
            store.reconnect();
        };
        Instances.Instance a = instances.start(store, Instances.settings(STRICT).build());
        assertThat(a.stats().state()).isEqualTo("recovering");
        assertThat(redis.field(KEYS.versions(), "~epoch")).isZero();
        a.tier.maintain();
        assertThat(a.stats().state()).isEqualTo("up");
        assertThat(redis.field(KEYS.versions(), "~epoch")).isEqualTo(1);
        assertThat(a.cache.lookup(K, PRODUCTS, false).isHit()).as("written before the epoch moved").isFalse();
        // a start-up that no loss overtakes bumps nothing: instances starting do not empty the tier
        instance(STRICT);
        assertThat(redis.field(KEYS.versions(), "~epoch")).isEqualTo(1);
    }

    @Test
    void aCatalogChangeRedisCouldNotTakeIsSentWhenItAnswersAgain() {
        Instances.Instance a = instance(STRICT);
        Instances.Instance ddl = instance(STRICT);
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        a.cache.onCatalogChangedElsewhere(told::incrementAndGet);

        redis.down = true;
        ddl.cache.catalogChanged(true);
        assertThat(told).hasValue(0);
        ddl.tier.maintain(); // still down: kept
        redis.down = false;
        ddl.tier.maintain();
        assertThat(a.stats().catalogChanges()).isEqualTo(1);
        ddl.tier.maintain();
        assertThat(a.stats().catalogChanges()).as("sent once").isEqualTo(1);
    }

    @Test
    void anInstanceThatLostTheStreamReadsItsCatalogAgainOnceTrustedAgain() {
        MemoryRedis.Store store = redis.store();
        Instances.Instance a = instances.start(store, Instances.settings(STRICT).build());
        Instances.Instance ddl = instance(STRICT);
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        a.cache.onCatalogChangedElsewhere(told::incrementAndGet);

        store.drop();
        ddl.cache.catalogChanged(true); // published while A is not subscribed: A never receives it
        store.reconnect();
        assertThat(a.stats().catalogChanges()).isZero();
        assertThat(told).as("not before the resync: a change made until then would be missed too").hasValue(0);
        a.tier.maintain();
        assertThat(a.stats().state()).isEqualTo("up");
        assertThat(told).hasValue(1);
        a.tier.maintain();
        assertThat(told).as("once per loss").hasValue(1);
    }

    @Test
    void anInstanceReadsItsCatalogAgainWhenItFirstTrustsRedis() {
        redis.down = true;
        Instances.Instance a = instance(STRICT); // the driver reads its catalog while the stream does not deliver yet
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        a.cache.onCatalogChangedElsewhere(told::incrementAndGet);
        redis.down = false;
        Instances.Instance ddl = instance(STRICT);
        ddl.cache.catalogChanged(true); // published before A subscribed
        assertThat(told).hasValue(0);
        a.tier.maintain();
        assertThat(a.stats().state()).isEqualTo("up");
        assertThat(told).as("told when first trusted").hasValue(1);
    }

    @Test
    void aReplicaThatCannotAnswerMakesAMissNotALostConnection() {
        Instances.Instance a = instances.start(redis.store(), Instances.settings(STRICT).readFromReplicas(true).build());
        Instances.Instance b = instances.start(redis.store(), Instances.settings(STRICT).readFromReplicas(true).build());
        a.fill(K, PRODUCTS, TestCodec.row(3, "tea"));
        await().until(() -> a.stats().stores() == 1);

        redis.replicasDown = true; // "Currently not connected": a replica connection not up yet
        ResultCache.Lookup lookup = b.cache.lookup(K, PRODUCTS, false);
        // the entry is read again on the primary behind its lease: found there
        assertThat(lookup.isHit()).isTrue();
        assertThat(b.stats().state()).as("trust rests on the primary").isEqualTo("up");
        assertThat(b.stats().streamLosses()).isZero();
        assertThat(b.stats().fallbacks()).isZero();
    }
}
