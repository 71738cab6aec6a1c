package dev.cachet.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.catalog.RowKeys;
import dev.cachet.driver.catalog.RowKeys.KeyColumn;
import dev.cachet.parser.Dialect;
import dev.cachet.parser.SqlAnalyzer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which version names reads depend on and writes bump (DESIGN §13): key look-ups by row slot, everything else by
 * table; every value whose equality is in doubt falls back to the table.
 */
class RowScopesTest {

    static final Set<String> TABLE = Set.of("t");

    final RowScopes scopes = new RowScopes(RowKeys.builder()
            .keyColumn("t", KeyColumn.integer("id", Integer.MIN_VALUE, Integer.MAX_VALUE, true))
            .uniqueCount("t", 1)
            .keyColumn("u", KeyColumn.integer("id", Integer.MIN_VALUE, Integer.MAX_VALUE, false))
            .uniqueCount("u", 2)
            .keyColumn("s", KeyColumn.string("code"))
            .uniqueCount("s", 1)
            .keyColumn("small", KeyColumn.integer("id", Short.MIN_VALUE, Short.MAX_VALUE, false))
            .uniqueCount("small", 1)
            .build());

    // a budget no parse comes near, so a loaded machine cannot turn a statement into the conservative answer
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(0, java.time.Duration.ofSeconds(30));

    static dev.cachet.parser.StatementInfo sql(String text) {
        return ANALYZER.analyze(text, Dialect.POSTGRESQL);
    }

    Set<String> reads(String text, Object... parameters) {
        return scopes.dependencies(sql(text), parameters);
    }

    Set<String> writes(String text, Object... parameters) {
        dev.cachet.parser.StatementInfo info = sql(text);
        return scopes.writeScope(info, parameters, info.tablesWritten());
    }

    static String slot(String table, long key) {
        return table + "#r" + RowScopes.slotOf(1L * 0x9E3779B97F4A7C15L + key);
    }

    @Test
    void aKeyLookUpDependsOnItsTableAndItsRowsOnly() {
        assertThat(reads("SELECT v FROM t WHERE id = ?", 5)).containsExactlyInAnyOrder("t", slot("t", 5));
        assertThat(reads("SELECT v FROM t WHERE id = 5")).containsExactlyInAnyOrder("t", slot("t", 5));
        assertThat(reads("SELECT v FROM t WHERE id IN (?, ?) AND v > 0", 5L, (short) 6))
                .containsExactlyInAnyOrder("t", slot("t", 5), slot("t", 6));
        // every integral type a setter binds names the same row as the others and as a literal, negative keys too
        for (Object minusFive : new Object[] {-5, -5L, (short) -5, (byte) -5, BigInteger.valueOf(-5),
            new BigDecimal("-5")}) {
            assertThat(reads("SELECT v FROM t WHERE id = ?", minusFive)).as("%s", minusFive.getClass().getSimpleName())
                    .containsExactlyInAnyOrder("t", slot("t", -5));
        }
        assertThat(writes("DELETE FROM t WHERE id = -5")).containsExactlyInAnyOrder("t#w", slot("t", -5));
    }

    @Test
    void everyOtherReadDependsOnItsTablesAndTheirRowWriteNames() {
        assertThat(reads("SELECT count(*) FROM t")).containsExactlyInAnyOrder("t", "t#w");
        assertThat(reads("SELECT v FROM t WHERE v = ?", 5)).containsExactlyInAnyOrder("t", "t#w");
        assertThat(reads("SELECT v FROM x WHERE id = ?", 5)).as("not a key table").containsExactlyInAnyOrder("x", "x#w");
        assertThat(reads("SELECT t.v FROM t JOIN x ON x.id = t.id WHERE t.id = ?", 5))
                .containsExactlyInAnyOrder("t", "t#w", "x", "x#w");
    }

    @Test
    void valuesWhoseEqualityIsInDoubtAreNotKeys() {
        Set<String> table = Set.of("t", "t#w");
        assertThat(reads("SELECT v FROM t WHERE id = ?", "5")).as("a string for an integer").isEqualTo(table);
        assertThat(reads("SELECT v FROM t WHERE id = ?", new BigDecimal("5.5"))).isEqualTo(table);
        assertThat(reads("SELECT v FROM t WHERE id = ?", 5.0d)).isEqualTo(table);
        assertThat(reads("SELECT v FROM t WHERE id = ?", (Object) null)).isEqualTo(table);
        assertThat(reads("SELECT v FROM t WHERE id = ?", 3_000_000_000L)).as("out of the column's range")
                .isEqualTo(table);
        assertThat(reads("SELECT v FROM t WHERE id = '5'")).isEqualTo(table);
        assertThat(reads("SELECT v FROM t WHERE id = ?")).as("no value bound").isEqualTo(table);
        assertThat(reads("SELECT v FROM t WHERE id = ?", new BigDecimal("5.00")))
                .containsExactlyInAnyOrder("t", slot("t", 5));
        assertThat(reads("SELECT v FROM t WHERE id = ?", BigInteger.valueOf(5)))
                .containsExactlyInAnyOrder("t", slot("t", 5));
        assertThat(reads("SELECT v FROM small WHERE id = ?", 40_000)).as("an int out of a smallint's range")
                .isEqualTo(Set.of("small", "small#w"));
        assertThat(reads("SELECT v FROM small WHERE id = ?", (short) -7)).as("in range")
                .containsExactlyInAnyOrder("small", slot("small", -7));
        assertThat(reads("SELECT v FROM s WHERE code = ?", 5)).as("an integer for a string").isEqualTo(Set.of("s", "s#w"));
        assertThat(reads("SELECT v FROM s WHERE code = ?", "a")).hasSize(2).contains("s");
        assertThat(writes("INSERT INTO s (code, v) VALUES (?, 1)", "ab ")).as("a varchar(n) may cut trailing spaces")
                .isEqualTo(Set.of("s"));
    }

    @Test
    void rowWritesBumpTheirRowsAndTheTablesRowWriteName() {
        assertThat(writes("UPDATE t SET v = ? WHERE id = ?", "x", 5)).containsExactlyInAnyOrder("t#w", slot("t", 5));
        assertThat(writes("DELETE FROM t WHERE id IN (5, 6)"))
                .containsExactlyInAnyOrder("t#w", slot("t", 5), slot("t", 6));
        assertThat(writes("INSERT INTO t (id, v) VALUES (?, ?)", 7, "x"))
                .containsExactlyInAnyOrder("t#w", slot("t", 7));
        assertThat(writes("UPDATE t SET id = ? WHERE id = ?", 9, 5))
                .containsExactlyInAnyOrder("t#w", slot("t", 5), slot("t", 9));
        assertThat(writes("INSERT INTO t (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v", 7, "x"))
                .containsExactlyInAnyOrder("t#w", slot("t", 7));
        assertThat(writes("INSERT INTO t (id, v) VALUES (?, ?) ON CONFLICT DO NOTHING", 7, "x"))
                .containsExactlyInAnyOrder("t#w", slot("t", 7));
    }

    @Test
    void aRowWriteKeepsTheOtherTablesItsWriteReaches() {
        dev.cachet.parser.StatementInfo update = sql("UPDATE t SET v = ? WHERE id = ?");
        Object[] values = {"x", 5};
        assertThat(scopes.writeScope(update, values, Set.of("t", "t_view", "audit")))
                .containsExactlyInAnyOrder("t#w", slot("t", 5), "t_view", "audit");
        assertThat(scopes.writeScope(update, values, Set.of("t", "odd#name")))
                .containsExactlyInAnyOrder("t#w", slot("t", 5), "odd#name");
        StringBuilder twenty = new StringBuilder("DELETE FROM t WHERE id IN (");
        List<String> expected = new java.util.ArrayList<>(List.of("t#w", "t_view"));
        for (int i = 0; i < 20; i++) {
            twenty.append(i == 0 ? "" : ", ").append(i);
            String slot = slot("t", i);
            if (!expected.contains(slot)) {
                expected.add(slot);
            }
        }
        assertThat(scopes.writeScope(sql(twenty.append(')').toString()), new Object[0], Set.of("t", "t_view")))
                .as("twenty rows").containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everyOtherWriteIsTableLevel() {
        assertThat(writes("UPDATE t SET v = ? WHERE v = ?", "x", "y")).isEqualTo(TABLE);
        assertThat(writes("UPDATE t SET id = id + 1 WHERE id = ?", 5)).as("an unknown new key").isEqualTo(TABLE);
        assertThat(writes("INSERT INTO t (v) VALUES (?)", "x")).as("a generated key").isEqualTo(TABLE);
        assertThat(writes("INSERT INTO t (id, v) VALUES (?, ?)", 0, "x")).as("0 in an AUTO_INCREMENT key")
                .isEqualTo(TABLE);
        assertThat(writes("UPDATE t SET v = ? WHERE id = ?", "x", "5")).isEqualTo(TABLE);
        assertThat(writes("DELETE FROM t")).isEqualTo(TABLE);
        assertThat(writes("INSERT INTO u (id, v) VALUES (?, ?) ON CONFLICT ON CONSTRAINT u_pkey DO UPDATE SET v = 1",
                7, "x")).as("another unique key may conflict").isEqualTo(Set.of("u"));
        assertThat(writes("INSERT INTO t (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET id = 8", 7, "x"))
                .as("an upsert assigning the key").isEqualTo(TABLE);
        StringBuilder many = new StringBuilder("DELETE FROM t WHERE id IN (");
        for (int i = 0; i < 200; i++) {
            many.append(i == 0 ? "" : ", ").append(i);
        }
        assertThat(writes(many.append(')').toString())).as("more keys than the cap").isEqualTo(TABLE);
    }

    @Test
    void namesMapBackToTheirTables() {
        assertThat(RowScopes.tableOf("t#w")).isEqualTo("t");
        assertThat(RowScopes.tableOf("t#r17")).isEqualTo("t");
        assertThat(RowScopes.tableOf("t")).isEqualTo("t");
        assertThat(RowScopes.tableOf("odd#name")).isEqualTo("odd#name");
        assertThat(RowScopes.tableOf("odd#r1x")).isEqualTo("odd#r1x");
        assertThat(RowScopes.isRowName("t#r17")).isTrue();
        assertThat(List.of("t", "t#w", "t#r", "odd#r1x", "#r5", "t#w5")).noneMatch(RowScopes::isRowName);
    }
}
