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

    @Test
    void valuesOfDifferentClassesNeverMatchEvenWhenTheirEqualsSaysSo() {
        // java.util.Date.equals compares milliseconds only, so a Date equals a Timestamp with more
        // precision — but they bind different values
        Timestamp precise = new Timestamp(1_000);
        precise.setNanos(123_456);
        java.util.Date millis = new java.util.Date(1_000);
        int[] types = {Types.TIMESTAMP};
        QueryKey withTimestamp = QueryKey.of(S, "Q", new Object[] {precise}, types, 0, ResultSet.TYPE_FORWARD_ONLY);
        QueryKey withDate = QueryKey.of(S, "Q", new Object[] {millis}, types, 0, ResultSet.TYPE_FORWARD_ONLY);
        assertThat(withDate).isNotEqualTo(withTimestamp);
        assertThat(withTimestamp).isNotEqualTo(withDate);
        QueryKey withSqlDate = QueryKey.of(S, "Q", new Object[] {new java.sql.Date(1_000)}, types, 0,
                ResultSet.TYPE_FORWARD_ONLY);
        QueryKey withTime = QueryKey.of(S, "Q", new Object[] {new java.sql.Time(1_000)}, types, 0,
                ResultSet.TYPE_FORWARD_ONLY);
        assertThat(withSqlDate).isNotEqualTo(withTime).isNotEqualTo(withDate);
        assertThat(withDate).isNotEqualTo(withSqlDate);
        // nested arrays too
        QueryKey nestedDate = QueryKey.of(S, "Q", new Object[] {new Object[] {millis}}, null, 0,
                ResultSet.TYPE_FORWARD_ONLY);
        QueryKey nestedTimestamp = QueryKey.of(S, "Q", new Object[] {new Object[] {precise}}, null, 0,
                ResultSet.TYPE_FORWARD_ONLY);
        assertThat(nestedDate).isNotEqualTo(nestedTimestamp);
        // equal values of one class still match
        assertThat(QueryKey.of(S, "Q", new Object[] {new Object[] {new java.util.Date(1_000)}}, null, 0,
                ResultSet.TYPE_FORWARD_ONLY)).isEqualTo(nestedDate);
    }
}
