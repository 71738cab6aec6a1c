package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A statement's look-up probe finds exactly the entry of the key {@link QueryKey#of} builds from the same parts. */
class QueryKeyProbeTest {

    private static final SessionKey S = SessionKey.of("u", "db", "public", null, "UTC", "H2");

    @Test
    void aProbeEqualsAndHashesLikeTheKeyOfTheSameParts() {
        Object[] values = {7, "open", new byte[] {1, 2}, new Timestamp(1_000), null};
        int[] types = {Types.INTEGER, Types.VARCHAR, Types.VARBINARY, Types.TIMESTAMP, Types.NULL};
        QueryKey key = QueryKey.of(S, "Q", values, types, 3, ResultSet.TYPE_FORWARD_ONLY);
        QueryKey.Probe probe = new QueryKey.Probe().reset(S, "Q", values, types, 3, ResultSet.TYPE_FORWARD_ONLY);
        assertThat(probe).isEqualTo(key).hasSameHashCodeAs(key);
        assertThat(key).isEqualTo(probe);
        assertThat(new QueryKey.Probe().reset(S, "Q", null, null, 0, ResultSet.TYPE_FORWARD_ONLY))
                .isEqualTo(QueryKey.of(S, "Q", new Object[0], new int[0], 0, ResultSet.TYPE_FORWARD_ONLY))
                .hasSameHashCodeAs(QueryKey.of(S, "Q", null, null, 0, ResultSet.TYPE_FORWARD_ONLY));
    }

    @Test
    void aResetProbeNoLongerMatchesItsFormerValues() {
        Object[] values = {1};
        int[] types = {Types.INTEGER};
        QueryKey one = QueryKey.of(S, "Q", values, types, 0, ResultSet.TYPE_FORWARD_ONLY);
        QueryKey.Probe probe = new QueryKey.Probe().reset(S, "Q", values, types, 0, ResultSet.TYPE_FORWARD_ONLY);
        values[0] = 2;
        probe.reset(S, "Q", values, types, 0, ResultSet.TYPE_FORWARD_ONLY);
        assertThat(probe).isNotEqualTo(one);
        assertThat(probe).isEqualTo(QueryKey.of(S, "Q", new Object[] {2}, types, 0, ResultSet.TYPE_FORWARD_ONLY));
        // same value, another class or type: no match, as for keys
        assertThat(new QueryKey.Probe().reset(S, "Q", new Object[] {1L}, types, 0, ResultSet.TYPE_FORWARD_ONLY))
                .isNotEqualTo(one);
        assertThat(new QueryKey.Probe().reset(S, "Q", new Object[] {1}, new int[] {Types.BIGINT}, 0,
                ResultSet.TYPE_FORWARD_ONLY)).isNotEqualTo(one);
    }

    @Test
    void theKeyMadeFromAProbeCopiesWhatTheCallerMayChange() {
        byte[] bytes = {1};
        Object[] values = {bytes};
        int[] types = {Types.VARBINARY};
        QueryKey.Probe probe = new QueryKey.Probe().reset(S, "Q", values, types, 0, ResultSet.TYPE_FORWARD_ONLY);
        QueryKey stored = probe.toKey();
        assertThat(stored).isNotInstanceOf(QueryKey.Probe.class).isEqualTo(probe);
        bytes[0] = 9;
        values[0] = "changed";
        types[0] = Types.VARCHAR;
        assertThat(stored).isEqualTo(QueryKey.of(S, "Q", new Object[] {new byte[] {1}}, new int[] {Types.VARBINARY},
                0, ResultSet.TYPE_FORWARD_ONLY));
    }

    @Test
    void aProbeFindsTheStoredEntryWhetherOrNotTheLookUpIsToldToThePolicy() {
        ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
        QueryKey key = QueryKey.of(S, "SELECT V FROM T WHERE ID = ?", new Object[] {5}, new int[] {Types.INTEGER}, 0,
                ResultSet.TYPE_FORWARD_ONLY);
        MaterializedResult result = TestResults.longs(5, 1);
        assertThat(cache.complete(cache.beginFill(key, Set.of("T"), null), result)).isTrue();
        QueryKey.Probe probe = new QueryKey.Probe();
        Object[] values = {5};
        int[] types = {Types.INTEGER};
        // far more look-ups than the sampling period: both the told and the quiet reads find it
        for (int i = 0; i < 200; i++) {
            assertThat(cache.get(probe.reset(S, key.sql(), values, types, 0, ResultSet.TYPE_FORWARD_ONLY)))
                    .isSameAs(result);
        }
        values[0] = 6;
        assertThat(cache.get(probe.reset(S, key.sql(), values, types, 0, ResultSet.TYPE_FORWARD_ONLY))).isNull();
        // invalidated: no probe look-up returns it, told or not
        cache.invalidate("T");
        values[0] = 5;
        for (int i = 0; i < 50; i++) {
            assertThat(cache.get(probe.reset(S, key.sql(), values, types, 0, ResultSet.TYPE_FORWARD_ONLY))).isNull();
        }
        assertThat(cache.statistics().hits()).isEqualTo(200);
    }

    @Test
    void aQuietLookUpNeverServesAnExpiredEntry() {
        TestResults.FakeTicker ticker = new TestResults.FakeTicker();
        ResultCache cache = new ResultCache(CacheSettings.builder().ticker(ticker).executor(Runnable::run)
                .defaultTtl(Duration.ofSeconds(10)).build());
        QueryKey key = QueryKey.of(S, "Q", new Object[] {1}, new int[] {Types.INTEGER}, 0, ResultSet.TYPE_FORWARD_ONLY);
        assertThat(cache.complete(cache.beginFill(key, Set.of("T"), null), TestResults.longs(1, 1))).isTrue();
        QueryKey.Probe probe = new QueryKey.Probe();
        assertThat(cache.get(probe.reset(S, "Q", new Object[] {1}, new int[] {Types.INTEGER}, 0,
                ResultSet.TYPE_FORWARD_ONLY))).isNotNull();
        ticker.nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        for (int i = 0; i < 50; i++) {
            assertThat(cache.get(probe.reset(S, "Q", new Object[] {1}, new int[] {Types.INTEGER}, 0,
                    ResultSet.TYPE_FORWARD_ONLY))).isNull();
        }
    }
}
