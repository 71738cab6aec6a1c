package dev.cachet.cache.shared;

import static dev.cachet.cache.shared.Instances.key;
import static dev.cachet.cache.shared.SharedTierSettings.Consistency.STRICT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultMetadata;
import dev.cachet.cache.ValueProfile;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Values Cachet must not use — foreign, corrupt, under another encryption key, unencrypted where a key is set,
 * moved under another key, over the size cap, with their shape gone — are misses, counted, never served and never
 * an exception.
 */
class SharedTierBadInputTest {

    private static final QueryKey K = key("SELECT id, name FROM products WHERE id = ?", 7L);
    private static final Set<String> PRODUCTS = Set.of("products");
    private static final KeySpace KEYS = new KeySpace("shop-db");

    private final MemoryRedis redis = new MemoryRedis();
    private final Instances instances = new Instances();

    @AfterEach
    void close() {
        instances.close();
    }

    private Instances.Instance instance(EncryptionKey key, int maxEntryBytes) {
        return instances.start(redis.store(), Instances.settings(STRICT).encryptionKey(key)
                .maxEntryBytes(maxEntryBytes).build());
    }

    private Instances.Instance instance(EncryptionKey key) {
        return instance(key, 1024 * 1024);
    }

    private byte[] entryKey() {
        return KEYS.entry(K.sharedDigest());
    }

    private void filledBy(Instances.Instance a) {
        a.fill(K, PRODUCTS, TestCodec.row(7, "kettle"));
        await().until(() -> a.stats().stores() == 1);
    }

    private static EncryptionKey aesKey(int seed) {
        byte[] raw = new byte[32];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (seed * 31 + i);
        }
        return EncryptionKey.of(raw);
    }

    @Test
    void aForeignValueUnderCachetsKeyIsAMiss() {
        Instances.Instance b = instance(null);
        redis.putRaw(entryKey(), "{\"session\":\"abc\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(b.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(b.stats().foreignValues()).isEqualTo(1);
        assertThat(b.stats().hits()).isZero();
    }

    @Test
    void aCorruptValueIsAMiss() {
        Instances.Instance a = instance(null);
        Instances.Instance b = instance(null);
        filledBy(a);
        byte[] value = redis.raw(entryKey()).clone();
        value[value.length - 6] ^= 0x40; // a flipped bit in a row
        redis.putRaw(entryKey(), value);
        assertThat(b.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(b.stats().corruptValues()).isEqualTo(1);
    }

    @Test
    void encryptedValuesAreReadOnlyWithTheSameKey() {
        Instances.Instance a = instance(aesKey(1));
        filledBy(a);
        byte[] value = redis.raw(entryKey());
        assertThat(new String(value, StandardCharsets.ISO_8859_1)).doesNotContain("kettle");

        Instances.Instance other = instance(aesKey(2));
        assertThat(other.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(other.stats().wrongKeyValues()).isEqualTo(1);

        Instances.Instance plain = instance(null);
        assertThat(plain.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(plain.stats().wrongKeyValues()).isEqualTo(1);

        Instances.Instance same = instance(aesKey(1));
        MaterializedResult r = same.cache.lookup(K, PRODUCTS, false).result();
        assertThat(r).isNotNull();
        assertThat(TestCodec.name(r)).isEqualTo("kettle");
    }

    @Test
    void anUnencryptedValueIsRefusedWhereAKeyIsSet() {
        filledBy(instance(null));
        Instances.Instance b = instance(aesKey(1));
        assertThat(b.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(b.stats().wrongKeyValues()).isEqualTo(1);
    }

    @Test
    void aValueMovedUnderAnotherKeyFailsToAuthenticate() {
        filledBy(instance(aesKey(1)));
        QueryKey other = key("SELECT id, name FROM products WHERE id = ?", 8L);
        redis.putRaw(KEYS.entry(other.sharedDigest()), redis.raw(entryKey()));
        Instances.Instance b = instance(aesKey(1));
        assertThat(b.cache.lookup(other, PRODUCTS, false).isHit()).isFalse();
        assertThat(b.stats().corruptValues()).isEqualTo(1);
    }

    @Test
    void entriesOverTheCapAreNeitherStoredNorRead() throws Exception {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(new Object[] {(long) i, "name of product number " + i});
        }
        MaterializedResult big = MaterializedResult.of(new ResultMetadata(
                TestCodec.column("ID", Types.BIGINT, "BIGINT", "java.lang.Long"),
                TestCodec.column("NAME", Types.VARCHAR, "CHARACTER VARYING", "java.lang.String")),
                ValueProfile.standard(), rows);

        Instances.Instance small = instance(null, 1024);
        small.fill(K, PRODUCTS, big);
        await().until(() -> small.stats().storesSkipped() == 1);
        assertThat(redis.raw(entryKey())).isNull();

        Instances.Instance large = instance(null, 1024 * 1024);
        QueryKey k2 = key("SELECT id, name FROM products");
        large.fill(k2, PRODUCTS, big);
        await().until(() -> large.stats().stores() == 1);
        Instances.Instance reader = instance(null, 1024);
        assertThat(reader.cache.lookup(k2, PRODUCTS, false).isHit()).isFalse();
        assertThat(reader.stats().oversizeEntries()).isEqualTo(1);
    }

    @Test
    void anEntryWhoseShapeIsGoneIsAMiss() {
        filledBy(instance(null));
        Instances.Instance deleter = instance(null);
        for (byte[] shapeKey : redis.keysEndingWith("}:s")) {
            deleter.store.delete(shapeKey).join();
        }
        Instances.Instance b = instance(null);
        assertThat(b.cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
        assertThat(b.stats().decodeFailures()).isEqualTo(1);
    }

    @Test
    void anEntryOfAnotherCodecFormatIsAMiss() throws Exception {
        filledBy(instance(null));
        ResultCodec<dev.cachet.cache.ColumnMetadata[]> newer = new ResultCodec<>() {
            @Override
            public int format() {
                return TestCodec.INSTANCE.format() + 1;
            }

            @Override
            public Encoded encode(MaterializedResult result) {
                return TestCodec.INSTANCE.encode(result);
            }

            @Override
            public dev.cachet.cache.ColumnMetadata[] decodeShape(byte[] shape) throws Exception {
                return TestCodec.INSTANCE.decodeShape(shape);
            }

            @Override
            public MaterializedResult decode(dev.cachet.cache.ColumnMetadata[] shape, byte[] rows)
                    throws Exception {
                return TestCodec.INSTANCE.decode(shape, rows);
            }
        };
        RedisSharedTier tier = new RedisSharedTier(Instances.settings(STRICT).build(), newer, redis.store());
        dev.cachet.cache.ResultCache cache = new dev.cachet.cache.ResultCache(
                dev.cachet.cache.CacheSettings.defaults(), tier);
        try {
            assertThat(cache.lookup(K, PRODUCTS, false).isHit()).isFalse();
            assertThat(tier.statistics().foreignValues()).isEqualTo(1);
        } finally {
            cache.close();
        }
    }
}
