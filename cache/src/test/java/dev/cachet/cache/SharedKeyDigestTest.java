package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link QueryKey#sharedDigest()}: equal keys share it in every JVM; keys that differ in any part do not. */
class SharedKeyDigestTest {

    private static final SessionKey ALICE = SessionKey.of("alice", "shop", "public", null, null, "POSTGRESQL");
    private static final SessionKey BOB = SessionKey.of("bob", "shop", "public", null, null, "POSTGRESQL");

    private static QueryKey key(SessionKey session, Object... parameters) {
        return QueryKey.of(session, "SELECT * FROM t WHERE a = ?", parameters, null, 0, ResultSet.TYPE_FORWARD_ONLY);
    }

    @Test
    void equalKeysShareADigestAndAnyDifferenceChangesIt() {
        Object[] values = {1, 1L, (short) 1, "1", new BigDecimal("1.0"), new BigDecimal("1.00"), 1.0d, 1.0f, true,
            new byte[] {1}, new Timestamp(1000), new java.sql.Date(1000), LocalDate.of(2024, 1, 1),
            UUID.nameUUIDFromBytes(new byte[] {1}), 'a', new Object[] {1, "x"}, null};
        java.util.Set<String> digests = new java.util.HashSet<>();
        for (Object v : values) {
            byte[] d = key(ALICE, v).sharedDigest();
            assertThat(d).as("digest of %s", v).isNotNull().hasSize(32);
            assertThat(key(ALICE, v).sharedDigest()).isEqualTo(d);
            digests.add(java.util.HexFormat.of().formatHex(d));
        }
        assertThat(digests).hasSize(values.length); // 1, 1L, "1", 1.0 and 1.00 … never share an entry
        assertThat(key(BOB, 1).sharedDigest()).isNotEqualTo(key(ALICE, 1).sharedDigest());
        Timestamp withNanos = new Timestamp(1000);
        withNanos.setNanos(5);
        assertThat(key(ALICE, withNanos).sharedDigest()).isNotEqualTo(key(ALICE, new Timestamp(1000)).sharedDigest());
        assertThat(QueryKey.of(ALICE, "SELECT * FROM t WHERE a = ?", new Object[] {1}, null, 10,
                ResultSet.TYPE_FORWARD_ONLY).sharedDigest()).isNotEqualTo(key(ALICE, 1).sharedDigest());
    }

    @Test
    void aValueWithoutACanonicalFormKeepsTheKeyInProcess() {
        assertThat(key(ALICE, new StringBuilder("x")).sharedDigest()).isNull();
        assertThat(key(ALICE, (Object) new Object[] {new StringBuilder("x")}).sharedDigest()).isNull();
    }
}
