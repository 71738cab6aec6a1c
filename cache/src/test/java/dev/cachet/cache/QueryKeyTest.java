package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import org.junit.jupiter.api.Test;

class QueryKeyTest {

    private static final SessionKey S = SessionKey.of("u", "db", "public", null, "UTC", "POSTGRESQL");

    @Test
    void equalKeysAreEqualByContent() {
        QueryKey a = QueryKey.of(S, "SELECT ?", new Object[] {new byte[] {1, 2}, 5L}, new int[] {Types.VARBINARY, Types.BIGINT},
                10, ResultSet.TYPE_FORWARD_ONLY);
        QueryKey b = QueryKey.of(SessionKey.of("u", "db", "public", null, "UTC", "POSTGRESQL"), "SELECT ?",
                new Object[] {new byte[] {1, 2}, 5L}, new int[] {Types.VARBINARY, Types.BIGINT}, 10,
                ResultSet.TYPE_FORWARD_ONLY);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    void everyPartMatters() {
        Object[] p = {1};
        QueryKey base = QueryKey.of(S, "Q", p, new int[] {Types.INTEGER}, 0, ResultSet.TYPE_FORWARD_ONLY);
        assertThat(base).isNotEqualTo(QueryKey.of(S, "Q2", p, new int[] {Types.INTEGER}, 0, ResultSet.TYPE_FORWARD_ONLY));
        assertThat(base).isNotEqualTo(QueryKey.of(S, "Q", new Object[] {2}, new int[] {Types.INTEGER}, 0, ResultSet.TYPE_FORWARD_ONLY));
        assertThat(base).isNotEqualTo(QueryKey.of(S, "Q", new Object[] {1L}, new int[] {Types.INTEGER}, 0, ResultSet.TYPE_FORWARD_ONLY));
        assertThat(base).isNotEqualTo(QueryKey.of(S, "Q", p, new int[] {Types.BIGINT}, 0, ResultSet.TYPE_FORWARD_ONLY));
        assertThat(base).isNotEqualTo(QueryKey.of(S, "Q", p, new int[] {Types.INTEGER}, 5, ResultSet.TYPE_FORWARD_ONLY));
        assertThat(base).isNotEqualTo(QueryKey.of(S, "Q", p, new int[] {Types.INTEGER}, 0, ResultSet.TYPE_SCROLL_INSENSITIVE));
        assertThat(base).isNotEqualTo(QueryKey.of(SessionKey.of("other", "db", "public", null, "UTC", "POSTGRESQL"), "Q", p,
                new int[] {Types.INTEGER}, 0, ResultSet.TYPE_FORWARD_ONLY));
        assertThat(base).isNotEqualTo(QueryKey.of(SessionKey.of("u", "db", "public", "admin", "UTC", "POSTGRESQL"), "Q", p,
                new int[] {Types.INTEGER}, 0, ResultSet.TYPE_FORWARD_ONLY));
    }

    @Test
    void mutableParametersAreCopied() {
        byte[] bytes = {1};
        Timestamp ts = new Timestamp(1000);
        QueryKey k = QueryKey.of(S, "Q", new Object[] {bytes, ts}, null, 0, ResultSet.TYPE_FORWARD_ONLY);
        QueryKey same = QueryKey.of(S, "Q", new Object[] {new byte[] {1}, new Timestamp(1000)}, null, 0,
                ResultSet.TYPE_FORWARD_ONLY);
        bytes[0] = 2;
        ts.setTime(5000);
        assertThat(k).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(k.toString()).doesNotContain("5000").contains("parameters=2");
    }
}
