package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The driver on the machine's PostgreSQL (127.0.0.1:5432, user postgres), in a schema of its own: caching,
 * invalidation, roles in the key, and session settings undone by a rollback. Runs under {@code -Pit}.
 */
class PostgresDriverIT {

    static final String BASE = "jdbc:postgresql://127.0.0.1:5432/postgres";

    String schema;
    Connection admin;

    @BeforeEach
    void setUp() throws SQLException {
        schema = "cachet_it_" + Long.toHexString(System.nanoTime());
        admin = DriverManager.getConnection(BASE, "postgres", "");
        exec("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".t(id INT PRIMARY KEY, v TEXT)",
                "INSERT INTO " + schema + ".t VALUES (1, 'a')");
    }

    @AfterEach
    void tearDown() throws SQLException {
        try {
            exec("DROP SCHEMA " + schema + " CASCADE");
        } finally {
            admin.close();
        }
    }

    void exec(String... sql) throws SQLException {
        try (Statement s = admin.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    Connection cachet() throws SQLException {
        return DriverManager.getConnection("jdbc:cachet:postgresql://127.0.0.1:5432/postgres?currentSchema=" + schema
                + "&cachet.cluster=" + schema, "postgres", "");
    }

    @Test
    void readsAreCachedAndWritesThroughCachetInvalidate() throws SQLException {
        try (Connection c = cachet(); Statement s = c.createStatement()) {
            assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            exec("UPDATE " + schema + ".t SET v = 'around' WHERE id = 1"); // invisible to Cachet: the cache answers
            assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            s.executeUpdate("UPDATE t SET v = 'through' WHERE id = 1");
            assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("through");
            assertThat(Cachet.cluster(c).statistics().hits()).isEqualTo(1);
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
        }
    }

    @Test
    void aViewCreatedInATransactionIsFollowedOnceItCommitsThoughAnotherConnectionReadTheCatalogMeanwhile()
            throws SQLException {
        try (Connection ddl = cachet(); Connection app = cachet(); Statement s = app.createStatement()) {
            H2Database.value(app, "SELECT 1");
            ddl.setAutoCommit(false);
            try (Statement d = ddl.createStatement()) {
                d.execute("CREATE VIEW tv AS SELECT id, v FROM t");
            }
            H2Database.value(app, "SELECT 1"); // a catalog reading here cannot see the view: it has not committed
            ddl.commit();
            assertThat(H2Database.value(app, "SELECT v FROM tv WHERE id = 1")).isEqualTo("a");
            assertThat(H2Database.value(app, "SELECT v FROM tv WHERE id = 1")).isEqualTo("a");
            s.executeUpdate("UPDATE t SET v = 'b' WHERE id = 1");
            assertThat(H2Database.value(app, "SELECT v FROM tv WHERE id = 1")).as("the write followed the view's edge")
                    .isEqualTo("b");
        }
    }

    @Test
    void aRolledBackSetRoleTurnsCachingOff() throws SQLException {
        try (Connection c = cachet(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET ROLE postgres");
            c.rollback(); // PostgreSQL undoes the SET: Cachet no longer knows the role for sure
            H2Database.value(c, "SELECT v FROM t WHERE id = 1");
            exec("UPDATE " + schema + ".t SET v = 'around' WHERE id = 1");
            assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("around");
            c.commit();
        }
    }

    @Test
    void aTransactionBegunAtRepeatableReadBypassesTheCache() throws SQLException {
        try (Connection c = cachet(); Statement s = c.createStatement()) {
            assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            exec("UPDATE " + schema + ".t SET v = 'around' WHERE id = 1"); // invisible to Cachet: the cache holds 'a'
            s.execute("BEGIN ISOLATION LEVEL REPEATABLE READ");
            assertThat(H2Database.value(c, "SELECT v FROM t WHERE id = 1")).isEqualTo("around");
            s.execute("COMMIT");
        }
    }

    @Test
    void autoCommitSetToWhatItAlreadyIsDoesNotEndATransactionBegunBySql() throws SQLException {
        try (Connection writer = cachet(); Connection reader = cachet(); Statement s = writer.createStatement()) {
            s.execute("BEGIN");
            s.executeUpdate("UPDATE t SET v = 'b' WHERE id = 1");
            writer.setAutoCommit(true); // already on: pgjdbc does nothing, the transaction stays open
            assertThat(H2Database.value(reader, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            s.execute("COMMIT");
            assertThat(H2Database.value(reader, "SELECT v FROM t WHERE id = 1")).isEqualTo("b");
        }
    }

    @Test
    void aRefusedCommitDoesNotEndATransactionBegunBySql() throws SQLException {
        try (Connection writer = cachet(); Connection reader = cachet(); Statement s = writer.createStatement()) {
            s.execute("BEGIN");
            s.executeUpdate("UPDATE t SET v = 'b' WHERE id = 1");
            // pgjdbc refuses commit() and rollback() under auto-commit: the transaction stays open
            assertThatThrownBy(writer::commit).isInstanceOf(SQLException.class);
            assertThatThrownBy(writer::rollback).isInstanceOf(SQLException.class);
            assertThat(H2Database.value(reader, "SELECT v FROM t WHERE id = 1")).isEqualTo("a");
            s.execute("COMMIT");
            assertThat(H2Database.value(reader, "SELECT v FROM t WHERE id = 1")).isEqualTo("b");
        }
    }

    @Test
    void theSchemaIsReadFromTheServerForTheKey() throws SQLException {
        try (Connection c = cachet()) {
            H2Database.value(c, "SELECT v FROM t WHERE id = 1");
            assertThat(c.getSchema()).isEqualTo(schema);
            assertThat(Cachet.cluster(c).explain("SELECT v FROM t WHERE id = 1").cacheable()).isTrue();
        }
    }
}
