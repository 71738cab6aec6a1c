package dev.cachet.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The contracts of {@link RowPins} and {@link PinnedValue} a caller relies on to build row keys. */
class RowPinsTest {

    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(1_000, Duration.ofSeconds(10));

    private static RowPins pins(String sql, Dialect dialect) {
        return ANALYZER.analyze(sql, dialect).rowPins();
    }

    private static PinnedValue p(int index) {
        return PinnedValue.parameter(index);
    }

    private static PinnedValue n(String digits) {
        return PinnedValue.number(digits);
    }

    @Test
    void whereKeysOfASingleColumn() {
        RowPins pins = pins("select * from users where id = ? and name like ?", Dialect.POSTGRESQL);
        assertThat(pins.table()).isEqualTo("users");
        assertThat(pins.pinnedColumns()).containsExactly("id");
        assertThat(pins.partial()).isTrue();
        assertThat(pins.whereKeys(List.of("id"))).containsExactly(List.of(p(1)));
        assertThat(pins.whereKeys(List.of("name"))).as("LIKE pins nothing").isNull();
        assertThat(pins.whereKeys(List.of("id", "tenant"))).as("a key column not pinned").isNull();
        assertThat(pins.whereKeys(List.of())).isNull();
        java.util.List<String> asked = new java.util.ArrayList<>(List.of("id"));
        assertThat(pins.whereKeys(asked)).as("answers are kept per column list").containsExactly(List.of(p(1)));
        asked.set(0, "name");
        assertThat(pins.whereKeys(asked)).as("a list changed since is asked anew").isNull();
        assertThat(pins.whereKeys(null)).isNull();
    }

    @Test
    void separatePinsCombineAndRowPinsKeepTheirPairing() {
        RowPins pins = pins("select * from t where a in (1, 2) and b = ? and (c, d) in ((?, 'x'), (?, 'y'))",
                Dialect.MYSQL);
        assertThat(pins.whereKeys(List.of("a", "b"))).containsExactly(List.of(n("1"), p(1)), List.of(n("2"), p(1)));
        assertThat(pins.whereKeys(List.of("b", "a"))).containsExactly(List.of(p(1), n("1")), List.of(p(1), n("2")));
        assertThat(pins.whereKeys(List.of("d", "c"))).containsExactly(
                List.of(PinnedValue.string("x"), p(2)), List.of(PinnedValue.string("y"), p(3)));
        assertThat(pins.whereKeys(List.of("c"))).containsExactly(List.of(p(2)), List.of(p(3)));
        assertThat(pins.whereKeys(List.of("a", "c"))).hasSize(4);
        assertThat(pins.whereKeys(List.of("a"))).isUnmodifiable();
    }

    @Test
    void aColumnPinnedTwiceTakesItsFirstPin() {
        RowPins pins = pins("delete from t where id = ? and id in (?, ?)", Dialect.H2);
        assertThat(pins.whereKeys(List.of("id"))).containsExactly(List.of(p(1)));
    }

    @Test
    void tooManyKeysMeanTheTable() {
        StringBuilder sql = new StringBuilder("select * from t where a in (");
        for (int i = 0; i < 100; i++) {
            sql.append(i == 0 ? "" : ", ").append(i);
        }
        sql.append(") and b in (");
        for (int i = 0; i < 100; i++) {
            sql.append(i == 0 ? "" : ", ").append(i);
        }
        sql.append(')');
        RowPins pins = pins(sql.toString(), Dialect.POSTGRESQL);
        assertThat(pins.whereKeys(List.of("a"))).hasSize(100);
        assertThat(pins.whereKeys(List.of("a", "b"))).as("10,000 > MAX_KEYS").isNull();
    }

    @Test
    void newKeysOfAnUpdateThatChangesAKeyColumn() {
        RowPins pins = pins("update order_lines set line_no = ?, note = lower(?) where order_id = ? and line_no = ?",
                Dialect.POSTGRESQL);
        List<String> key = List.of("order_id", "line_no");
        assertThat(pins.whereKeys(key)).containsExactly(List.of(p(3), p(4)));
        assertThat(pins.newKeys(key)).containsExactly(List.of(p(3), p(1)));
        assertThat(pins.assignedColumns()).containsExactly("line_no", "note");
        assertThat(pins.assignedValue("line_no")).isEqualTo(p(1));
        assertThat(pins.assignedValue("note")).isNull();
        assertThat(pins.newKeys(List.of("order_id"))).as("untouched key").isEqualTo(pins.whereKeys(List.of("order_id")));
        assertThat(pins.newKeys(List.of("note"))).isNull();

        RowPins unknown = pins("update t set id = id + 1 where id = ?", Dialect.MYSQL);
        assertThat(unknown.whereKeys(List.of("id"))).containsExactly(List.of(p(1)));
        assertThat(unknown.newKeys(List.of("id"))).as("new key unknown: the table").isNull();
    }

    @Test
    void insertedKeysNeedEveryRowToPinEveryColumn() {
        RowPins pins = pins("insert into t (id, name) values (?, ?), (7, default)", Dialect.POSTGRESQL);
        assertThat(pins.insertedColumns()).containsExactly("id", "name");
        assertThat(pins.insertedRows()).containsExactly(Map.of("id", p(1), "name", p(2)), Map.of("id", n("7")));
        assertThat(pins.insertedKeys(List.of("id"))).containsExactly(List.of(p(1)), List.of(n("7")));
        assertThat(pins.insertedKeys(List.of("name"))).as("DEFAULT in the second row").isNull();
        assertThat(pins.insertedKeys(List.of("other"))).as("a column left to its default").isNull();
        assertThat(pins.whereKeys(List.of("id"))).isNull();
        assertThat(pins.isUpsert()).isFalse();
        assertThat(pins.onConflict()).isEqualTo(RowPins.OnConflict.NONE);
    }

    @Test
    void upsertsNameTheirConflictTarget() {
        RowPins pg = pins("insert into t (id, name) values (?, ?) on conflict (id) do update set name = excluded.name",
                Dialect.POSTGRESQL);
        assertThat(pg.onConflict()).isEqualTo(RowPins.OnConflict.DO_UPDATE);
        assertThat(pg.conflictColumns()).containsExactly("id");
        assertThat(pg.assignedValue("name")).isEqualTo(p(2));

        RowPins mysql = pins("insert into t (id, name) values (?, ?) on duplicate key update name = ?", Dialect.MYSQL);
        assertThat(mysql.conflictColumns()).as("any unique key").isEmpty();
        assertThat(mysql.assignedValue("name")).isEqualTo(p(3));

        RowPins replace = pins("replace into t (id, name) values (?, ?)", Dialect.MYSQL);
        assertThat(replace.onConflict()).isEqualTo(RowPins.OnConflict.REPLACE);
        assertThat(replace.assignedColumns()).isEmpty();

        RowPins h2 = pins("merge into t (id, name) key (id) values (?, ?)", Dialect.H2);
        assertThat(h2.onConflict()).isEqualTo(RowPins.OnConflict.DO_UPDATE);
        assertThat(h2.conflictColumns()).containsExactly("id");
        assertThat(h2.assignedColumns()).containsExactly("name");

        RowPins nothing = pins("insert into t (id) values (?) on conflict do nothing", Dialect.POSTGRESQL);
        assertThat(nothing.onConflict()).isEqualTo(RowPins.OnConflict.DO_NOTHING);
        assertThat(nothing.conflictColumns()).isEmpty();
    }

    @Test
    void pinsAreMemoizedWithTheRestOfTheAnswer() {
        SqlAnalyzer a = new SqlAnalyzer(10, Duration.ofSeconds(10));
        StatementInfo first = a.analyze("select * from t where id = ?", Dialect.POSTGRESQL);
        assertThat(a.analyze("select * from t where id = ?", Dialect.POSTGRESQL).rowPins()).isSameAs(first.rowPins());
        assertThat(first.rowPins()).isEqualTo(a.analyzeUncached("select * from t where id = ?", Dialect.POSTGRESQL)
                .rowPins()).hasSameHashCodeAs(first.rowPins());
        assertThat(first.toString()).contains("pins=[t where id=?1]");
    }

    @Test
    void aStatementThatWritesEveryTableHasNoPinsUntilItsFunctionIsDeclared() {
        StatementInfo info = ANALYZER.analyze("select price_of(id) from items where id = ?", Dialect.POSTGRESQL);
        assertThat(info.writesAllTables()).isTrue();
        assertThat(info.rowPins()).isNull();
        StatementInfo declared = info.withFunctionSettings(Set.of("price_of"), Set.of());
        assertThat(declared.rowPins()).hasToString("items where id=?1");
        StatementInfo readOnly = info.withFunctionSettings(Set.of(), Set.of("price_of"));
        assertThat(readOnly.rowPins()).hasToString("items where id=?1");

        StatementInfo write = ANALYZER.analyze("update items set price = my_fn(?) where id = ?", Dialect.POSTGRESQL);
        assertThat(write.rowPins()).isNull();
        assertThat(write.withFunctionSettings(Set.of("my_fn"), null).rowPins()).hasToString("items where id=?2 set price=*");
    }

    @Test
    void explainAnalyzeAndTheConservativeAnswersHaveNoPins() {
        assertThat(ANALYZER.analyze("explain analyze delete from t where id = ?", Dialect.POSTGRESQL).rowPins()).isNull();
        assertThat(ANALYZER.analyze("select * from t where id = ?; delete from t", Dialect.POSTGRESQL).rowPins()).isNull();
        assertThat(StatementInfo.unknown("x", NotCacheableReason.UNPARSEABLE, "x").rowPins()).isNull();
        assertThat(SqlAnalyzer.conservative("select * from t where id = ?", Hints.NONE,
                NotCacheableReason.PARSE_TIMEOUT, "over the budget", Set.of()).rowPins()).isNull();
    }

    @Test
    void pinnedValuesAreCanonical() {
        assertThat(n("007")).isEqualTo(n("7")).hasToString("7");
        assertThat(n("-007")).hasToString("-7");
        assertThat(n("+5")).isEqualTo(n("5"));
        assertThat(n("-0")).isEqualTo(n("0"));
        assertThat(n("0").literal()).isEqualTo("0");
        assertThat(n("12345678901234567890123").literal()).isEqualTo("12345678901234567890123");
        assertThat(PinnedValue.string("it's")).hasToString("'it''s'");
        assertThat(PinnedValue.string("7")).isNotEqualTo(n("7"));
        assertThat(p(3)).isSameAs(p(3)).hasToString("?3");
        assertThat(p(3).parameterIndex()).isEqualTo(3);
        assertThat(p(3).literal()).isNull();
        assertThat(p(3).isParameter()).isTrue();
        assertThat(p(500)).isEqualTo(p(500)).isNotSameAs(p(500));
        assertThat(n("1").parameterIndex()).isZero();
        assertThatThrownBy(() -> p(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> n("1.5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> n("-")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> n("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyParametersAreCountedExactly() {
        StringBuilder sql = new StringBuilder("select ");
        for (int i = 0; i < 300; i++) {
            sql.append("?, ");
        }
        sql.append("a from t where id in (");
        for (int i = 0; i < 200; i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(") and k = ?");
        RowPins pins = pins(sql.toString(), Dialect.POSTGRESQL);
        List<List<PinnedValue>> ids = pins.whereKeys(List.of("id"));
        assertThat(ids).hasSize(200);
        assertThat(ids.get(0)).containsExactly(p(301));
        assertThat(ids.get(199)).containsExactly(p(500));
        assertThat(pins.whereKeys(List.of("k"))).containsExactly(List.of(p(501)));
    }
}
