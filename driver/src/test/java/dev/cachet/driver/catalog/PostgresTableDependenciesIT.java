package dev.cachet.driver.catalog;

import dev.cachet.parser.Dialect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Hidden-write edges read from a real PostgreSQL catalog (127.0.0.1:5432), in a throwaway database. */
class PostgresTableDependenciesIT {

    private static final String SERVER = System.getProperty("it.postgres.url", "jdbc:postgresql://127.0.0.1:5432/");
    private static final String DATABASE = "cachet_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static TableDependencies deps;

    @BeforeAll
    static void createSchema() throws SQLException {
        admin("CREATE DATABASE " + DATABASE);
        try (Connection c = DriverManager.getConnection(SERVER + DATABASE, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE measurements(id int, taken date NOT NULL, value int) PARTITION BY RANGE (taken)");
            s.execute("CREATE TABLE m2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
            s.execute("CREATE TABLE m2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
            s.execute("CREATE TABLE cities(name text, population int)");
            s.execute("CREATE TABLE capitals(state text) INHERITS (cities)");
            s.execute("CREATE TABLE shipments(id int primary key, status text)");
            s.execute("CREATE TABLE shipment_log(id int, status text)");
            s.execute("CREATE RULE log_shipment AS ON UPDATE TO shipments DO ALSO"
                    + " INSERT INTO shipment_log VALUES (NEW.id, NEW.status)");
            s.execute("CREATE TABLE accounts(id int primary key, balance int)");
            s.execute("CREATE TABLE audit(note text)");
            s.execute("CREATE FUNCTION audit_fn() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN INSERT INTO audit VALUES ('x'); RETURN NEW; END $$");
            s.execute("CREATE TRIGGER accounts_audit AFTER UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION audit_fn()");
            s.execute("CREATE TABLE customers(id int primary key)");
            s.execute("CREATE TABLE orders(id int primary key, customer_id int REFERENCES customers ON DELETE CASCADE)");
            s.execute("CREATE TABLE invoices(id int primary key, order_id int REFERENCES orders)");
            s.execute("CREATE SCHEMA reporting");
            s.execute("CREATE VIEW reporting.order_view AS SELECT o.id, c.id AS cid FROM orders o JOIN customers c"
                    + " ON c.id = o.customer_id");
            s.execute("CREATE VIEW big_cities AS SELECT * FROM cities WHERE population > 1000000");
            s.execute("CREATE MATERIALIZED VIEW invoice_count AS SELECT count(*) FROM invoices");
            s.execute("CREATE FUNCTION lookup(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 $$");
            s.execute("CREATE VIEW looked_up AS SELECT lookup(id) FROM invoices");
            deps = TableDependencies.read(c, Dialect.POSTGRESQL, Map.of());
        }
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        admin("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void partitionsBothWaysButNotSiblings() {
        assertThat(deps.affectedBy("measurements")).contains("measurements", "m2024", "m2025");
        assertThat(deps.affectedBy("m2024")).contains("m2024", "measurements").doesNotContain("m2025");
    }

    @Test
    void inheritanceBothWays() {
        assertThat(deps.affectedBy("cities")).contains("capitals", "big_cities");
        assertThat(deps.affectedBy("capitals")).contains("cities", "big_cities");
    }

    @Test
    void ruleWritingAnotherTable() {
        assertThat(deps.affectedBy("shipments")).contains("shipment_log");
        assertThat(deps.writesEverything("shipments")).isFalse();
    }

    @Test
    void triggerWithUserFunctionWritesEverythingUnlessConfigured() throws SQLException {
        assertThat(deps.writesEverything("accounts")).isTrue();
        assertThat(deps.writesEverything("orders")).as("foreign-key triggers are PostgreSQL's own").isFalse();
        try (Connection c = DriverManager.getConnection(SERVER + DATABASE, "postgres", "")) {
            TableDependencies configured = TableDependencies.read(c, Dialect.POSTGRESQL,
                    Map.of("accounts", Set.of("audit")));
            assertThat(configured.writesEverything("accounts")).isFalse();
            assertThat(configured.affectedBy("accounts")).contains("accounts", "audit").doesNotContain("orders");
        }
    }

    @Test
    void cascadingForeignKeyAndViewsAcrossSchemas() {
        assertThat(deps.affectedBy("customers")).contains("orders", "order_view").doesNotContain("invoices");
        assertThat(deps.affectedBy("orders")).contains("order_view").doesNotContain("customers", "invoices");
    }

    @Test
    void materializedViewsChangeOnlyOnRefresh() {
        assertThat(deps.affectedBy("invoices")).doesNotContain("invoice_count");
    }

    @Test
    void viewCallingAUserFunctionReadsEverything() {
        assertThat(deps.affectedBy("cities")).contains("looked_up");
        assertThat(deps.affectedBy("a_table_created_later")).contains("looked_up");
    }
}
