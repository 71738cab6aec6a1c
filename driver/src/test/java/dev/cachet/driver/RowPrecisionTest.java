package dev.cachet.driver;

import static dev.cachet.driver.H2Database.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Row-precise invalidation on H2 (DESIGN §13), observed as executions on the database: a write that pins rows by
 * the primary key invalidates those rows' look-ups and the table's other results, never the other rows' look-ups;
 * every other write — and every write Cachet cannot see through — stays table level.
 */
class RowPrecisionTest {

    static final String ROW1 = "SELECT v FROM t WHERE id = 1";
    static final String ROW2 = "SELECT v FROM t WHERE id = 2";
    static final String ROW9 = "SELECT v FROM t WHERE id = 9";
    static final String ALL = "SELECT COUNT(*) FROM t";
    static final String BY_ID = "SELECT v FROM t WHERE id = ?";

    H2Database db;

    @BeforeEach
    void setUp() throws SQLException {
        db = new H2Database().exec("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(20), g INT)",
                "INSERT INTO t VALUES (1, 'a', 0), (2, 'b', 0), (3, 'c', 1)");
    }

    @AfterEach
    void tearDown() throws SQLException {
        db.close();
    }

    private static void write(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static String byId(Connection c, Object id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(BY_ID)) {
            p.setObject(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Caches ROW1, ROW2, ROW9 (empty) and ALL, each read twice. */
    private void warm(Connection reader) throws SQLException {
        for (int i = 0; i < 2; i++) {
            value(reader, ROW1);
            value(reader, ROW2);
            value(reader, ROW9);
            value(reader, ALL);
        }
        assertThat(db.executions(ROW1)).isEqualTo(1);
        assertThat(db.executions(ROW2)).isEqualTo(1);
    }

    @Test
    void aPointUpdateInvalidatesItsRowAndTheTablesOtherResultsOnly() throws SQLException {
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            warm(reader);
            try (PreparedStatement up = writer.prepareStatement("UPDATE t SET v = ? WHERE id = ?")) {
                up.setString(1, "a2");
                up.setInt(2, 1);
                assertThat(up.executeUpdate()).isEqualTo(1);
            }
            assertThat(value(reader, ROW1)).isEqualTo("a2");
            assertThat(value(reader, ROW2)).isEqualTo("b");
            assertThat(value(reader, ROW9)).isNull();
            assertThat(value(reader, ALL)).isEqualTo("3");
        }
        assertThat(db.executions(ROW1)).isEqualTo(2);
        assertThat(db.executions(ROW2)).as("another row's look-up stays cached").isEqualTo(1);
        assertThat(db.executions(ROW9)).isEqualTo(1);
        assertThat(db.executions(ALL)).as("a non-key result of the table is invalidated").isEqualTo(2);
    }

    @Test
    void boundAndLiteralKeysOfEveryIntegerTypeMeetTheSameRow() throws SQLException {
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            assertThat(byId(reader, 1)).isEqualTo("a");
            assertThat(byId(reader, 2L)).isEqualTo("b");
            write(writer, "UPDATE t SET v = 'a2' WHERE id = 1");
            assertThat(byId(reader, 1)).isEqualTo("a2");
            try (PreparedStatement up = writer.prepareStatement("UPDATE t SET v = 'b2' WHERE id = ?")) {
                up.setBigDecimal(1, new java.math.BigDecimal("2.00"));
                up.executeUpdate();
            }
            assertThat(byId(reader, 2L)).isEqualTo("b2");
            assertThat(value(reader, "SELECT v FROM t WHERE id = 2")).isEqualTo("b2");
        }
    }

    @Test
    void aKeyBoundAsAStringOrADecimalFractionFallsBackToTheTable() throws SQLException {
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            warm(reader);
            try (PreparedStatement up = writer.prepareStatement("UPDATE t SET v = 'x' WHERE id = ?")) {
                up.setString(1, "3");
                up.executeUpdate();
            }
            assertThat(value(reader, ROW2)).isEqualTo("b");
            assertThat(byId(reader, "3")).isEqualTo("x");
            assertThat(byId(reader, 3)).isEqualTo("x");
        }
        assertThat(db.executions(ROW2)).as("a string key is not an exact integer: table level").isEqualTo(2);
    }

    @Test
    void updatingTheKeyColumnInvalidatesOldAndNewKeys() throws SQLException {
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            warm(reader);
            try (PreparedStatement up = writer.prepareStatement("UPDATE t SET id = ? WHERE id = ?")) {
                up.setInt(1, 9);
                up.setInt(2, 1);
                up.executeUpdate();
            }
            assertThat(value(reader, ROW1)).isNull();
            assertThat(value(reader, ROW9)).isEqualTo("a");
            assertThat(value(reader, ROW2)).isEqualTo("b");
            write(writer, "UPDATE t SET id = id + 10 WHERE id = 9");
            assertThat(value(reader, ROW9)).isNull();
            assertThat(value(reader, "SELECT v FROM t WHERE id = 19")).isEqualTo("a");
            assertThat(value(reader, ROW2)).isEqualTo("b");
        }
        assertThat(db.executions(ROW2)).as("an unknown new key is table level").isEqualTo(2);
    }

    @Test
    void aMultiRowUpdateByAnotherColumnIsTableLevel() throws SQLException {
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            warm(reader);
            write(writer, "UPDATE t SET v = v || '!' WHERE g = 0");
            assertThat(value(reader, ROW1)).isEqualTo("a!");
            assertThat(value(reader, ROW2)).isEqualTo("b!");
        }
    }

    @Test
    void aDeleteByKeyEmptiesItsLookUp() throws SQLException {
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            warm(reader);
            write(writer, "DELETE FROM t WHERE id IN (1, 5)");
            assertThat(value(reader, ROW1)).isNull();
            assertThat(value(reader, ALL)).isEqualTo("2");
            assertThat(value(reader, ROW2)).isEqualTo("b");
        }
        assertThat(db.executions(ROW2)).isEqualTo(1);
    }

    @Test
    void insertingAMissingKeyDropsItsCachedEmptyResult() throws SQLException {
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            warm(reader);
            try (PreparedStatement in = writer.prepareStatement("INSERT INTO t (id, v, g) VALUES (?, ?, 0)")) {
                in.setInt(1, 9);
                in.setString(2, "new");
                in.executeUpdate();
            }
            assertThat(value(reader, ROW9)).isEqualTo("new");
            assertThat(value(reader, ROW2)).isEqualTo("b");
            assertThat(value(reader, ALL)).isEqualTo("4");
        }
        assertThat(db.executions(ROW2)).isEqualTo(1);
    }

    @Test
    void anInsertWithoutItsKeyIsTableLevel() throws SQLException {
        db.exec("CREATE TABLE s(id INT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v VARCHAR(20))");
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            assertThat(value(reader, "SELECT v FROM s WHERE id = 1")).isNull();
            write(writer, "INSERT INTO s (v) VALUES ('first')");
            assertThat(value(reader, "SELECT v FROM s WHERE id = 1")).isEqualTo("first");
        }
    }

    @Test
    void anUpsertInvalidatesItsKey() throws SQLException {
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            warm(reader);
            try (PreparedStatement m = writer.prepareStatement("MERGE INTO t (id, v, g) KEY (id) VALUES (?, ?, 0)")) {
                m.setInt(1, 1);
                m.setString(2, "merged");
                m.executeUpdate();
                m.setInt(1, 9);
                m.setString(2, "merged9");
                m.executeUpdate();
            }
            assertThat(value(reader, ROW1)).isEqualTo("merged");
            assertThat(value(reader, ROW9)).isEqualTo("merged9");
            assertThat(value(reader, ROW2)).isEqualTo("b");
        }
        assertThat(db.executions(ROW2)).isEqualTo(1);
    }

    @Test
    void aTableReferencedByACascadeIsTableLevelAndItsChildIsInvalidated() throws SQLException {
        db.exec("CREATE TABLE p(id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO p VALUES (1, 'p1'), (2, 'p2')",
                "CREATE TABLE c(id INT PRIMARY KEY, p INT REFERENCES p(id) ON DELETE CASCADE ON UPDATE CASCADE)",
                "INSERT INTO c VALUES (10, 1), (20, 2)");
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            assertThat(value(reader, "SELECT v FROM p WHERE id = 2")).isEqualTo("p2");
            assertThat(value(reader, "SELECT p FROM c WHERE id = 10")).isEqualTo("1");
            assertThat(value(reader, "SELECT p FROM c WHERE id = 20")).isEqualTo("2");
            write(writer, "DELETE FROM p WHERE id = 1");
            assertThat(value(reader, "SELECT p FROM c WHERE id = 10")).isNull();
            assertThat(value(reader, "SELECT p FROM c WHERE id = 20")).isEqualTo("2");
            write(writer, "UPDATE p SET id = 3 WHERE id = 2");
            assertThat(value(reader, "SELECT p FROM c WHERE id = 20")).isEqualTo("3");
            assertThat(value(reader, "SELECT v FROM p WHERE id = 2")).isNull();
        }
    }

    @Test
    void aTableWithATriggerIsTableLevel() throws SQLException {
        db.exec("CREATE TABLE audit_log(id INT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note VARCHAR(20))",
                "CREATE TRIGGER t_audit AFTER UPDATE ON t FOR EACH ROW CALL \""
                        + dev.cachet.driver.catalog.AuditTrigger.class.getName() + "\"");
        String audit = "SELECT COUNT(*) FROM audit_log";
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            assertThat(value(reader, audit)).isEqualTo("0");
            assertThat(value(reader, ROW2)).isEqualTo("b");
            write(writer, "UPDATE t SET v = 'a2' WHERE id = 1");
            assertThat(value(reader, audit)).isEqualTo("1");
            assertThat(value(reader, ROW1)).isEqualTo("a2");
            assertThat(value(reader, ROW2)).isEqualTo("b");
        }
        assertThat(db.executions(ROW2)).as("a trigger makes the write table level (here: every table)").isEqualTo(2);
    }

    @Test
    void inATransactionRowWritesBlockOnlyTheirRowsAndReadsOfTheTableSeeTheTransactionsWrites() throws SQLException {
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            warm(reader);
            writer.setAutoCommit(false);
            write(writer, "UPDATE t SET v = 'tx' WHERE id = 1");
            assertThat(value(writer, ROW1)).as("read-your-writes").isEqualTo("tx");
            assertThat(value(writer, ROW2)).isEqualTo("b");
            assertThat(value(reader, ROW1)).as("not committed yet").isEqualTo("a");
            assertThat(value(reader, ROW2)).isEqualTo("b");
            long before = db.executions(ROW2);
            assertThat(value(reader, ROW2)).isEqualTo("b");
            assertThat(db.executions(ROW2)).as("another row's look-up is served during the transaction")
                    .isEqualTo(before);
            writer.commit();
            assertThat(value(reader, ROW1)).isEqualTo("tx");
            assertThat(value(reader, ALL)).isEqualTo("3");
            assertThat(value(reader, ROW2)).isEqualTo("b");
            assertThat(db.executions(ROW2)).as("the commit keeps other rows' look-ups").isEqualTo(before);
            writer.setAutoCommit(true);
        }
    }

    @Test
    void aRolledBackRowWriteLeavesTheOldValue() throws SQLException {
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            warm(reader);
            writer.setAutoCommit(false);
            write(writer, "UPDATE t SET v = 'gone' WHERE id = 1");
            writer.rollback();
            assertThat(value(reader, ROW1)).isEqualTo("a");
            assertThat(value(writer, ROW1)).isEqualTo("a");
        }
    }

    @Test
    void anInListLookUpDependsOnEachOfItsKeys() throws SQLException {
        String pair = "SELECT id, v FROM t WHERE id IN (2, 3) ORDER BY id";
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            value(reader, pair);
            value(reader, pair);
            write(writer, "UPDATE t SET v = 'a2' WHERE id = 1");
            value(reader, pair);
            assertThat(db.executions(pair)).isEqualTo(1);
            write(writer, "UPDATE t SET v = 'c2' WHERE id = 3");
            try (Statement s = reader.createStatement(); ResultSet rs = s.executeQuery(pair)) {
                rs.next();
                rs.next();
                assertThat(rs.getString(2)).isEqualTo("c2");
            }
        }
        assertThat(db.executions(pair)).isEqualTo(2);
    }

    @Test
    void aWriteThroughAViewIsTableLevel() throws SQLException {
        db.exec("CREATE VIEW tv AS SELECT id, v FROM t");
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            warm(reader);
            assertThat(value(reader, "SELECT v FROM tv WHERE id = 2")).isEqualTo("b");
            write(writer, "UPDATE t SET v = 'b2' WHERE id = 2");
            assertThat(value(reader, "SELECT v FROM tv WHERE id = 2")).isEqualTo("b2");
            assertThat(value(reader, ROW2)).isEqualTo("b2");
            assertThat(value(reader, ROW1)).isEqualTo("a");
        }
        assertThat(db.executions(ROW1)).isEqualTo(1);
    }

    @Test
    void aSampleOfFillsIsTimedAndTheTablesFillCostReported() throws SQLException {
        try (Connection reader = db.cachet()) {
            TableStatistics before = tableStatistics(reader);
            assertThat(before == null ? 0.25 : before.fillCost()).as("the prior, before any fill was timed")
                    .isEqualTo(0.25);
            // 64 fills of distinct keys (the first 512 fills of a statement are all admitted): four are timed
            for (int i = 0; i < 64; i++) {
                byId(reader, 1000 + i);
            }
            TableStatistics after = tableStatistics(reader);
            assertThat(after.fills()).isEqualTo(64);
            assertThat(after.fillCost()).as("measured: copying and storing against the query, " + after)
                    .isPositive().isNotEqualTo(0.25);
        }
    }

    private static TableStatistics tableStatistics(Connection c) throws SQLException {
        return Cachet.cluster(c).tableStatistics().stream().filter(t -> t.table().equalsIgnoreCase("t")).findFirst()
                .orElse(null);
    }

    @Test
    void theStaleCheckerSeesNoStaleReadOnH2() throws Exception {
        RowStaleChecker.createTable(db.admin, "rk");
        // adaptive off: the checker's write-heavy load must not switch its table to WRITE_HOT, caching must go on
        RowStaleChecker checker = new RowStaleChecker(() -> db.cachet("cachet.adaptive", "false"), "rk",
                "MERGE INTO rk (id, grp, n) KEY (id) VALUES (?, ?, ?)");
        checker.run(300);
        assertThat(checker.reads.get()).isGreaterThan(100);
        assertThat(checker.stale.get()).as("stale reads out of %d: %s", checker.reads.get(), checker.staleDetails)
                .isZero();
        try (Connection c = db.cachet()) {
            assertThat(Cachet.cluster(c).statistics().hits()).as("the cache served reads").isGreaterThan(0);
        }
    }

    @Test
    void aKeyChangedBehindCachetsBackInvalidatesTheTableWhenTheCatalogIsReadAgain() throws SQLException {
        try (Connection reader = db.cachet(); Connection writer = db.cachet()) {
            value(reader, ROW1);
            value(reader, ROW1);
            assertThat(db.executions(ROW1)).isEqualTo(1);
            // another client makes k the key, unseen by Cachet; a later DDL through Cachet reads the catalog again
            try (Connection direct = db.direct(); Statement s = direct.createStatement()) {
                s.execute("ALTER TABLE t ADD COLUMN k INT");
                s.execute("UPDATE t SET k = id + 100");
                s.execute("ALTER TABLE t ALTER COLUMN k SET NOT NULL");
                s.execute("ALTER TABLE t DROP PRIMARY KEY");
                s.execute("ALTER TABLE t ADD PRIMARY KEY (k)");
            }
            write(writer, "CREATE TABLE unrelated(x INT)");
            // a row write by the new key bumps slots the look-up by id never depended on: the reload dropped it
            write(writer, "UPDATE t SET v = 'z' WHERE k = 101");
            assertThat(value(reader, ROW1)).isEqualTo("z");
        }
    }
}
