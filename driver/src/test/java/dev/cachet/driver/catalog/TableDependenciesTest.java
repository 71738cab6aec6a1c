package dev.cachet.driver.catalog;

import dev.cachet.parser.Dialect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TableDependenciesTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private Connection connection;

    @BeforeEach
    void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:deps" + DATABASES.incrementAndGet());
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    private void sql(String... statements) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private TableDependencies read() throws SQLException {
        return TableDependencies.read(connection, Dialect.H2, Map.of());
    }

    @Test
    void viewsAndViewsOfViewsChangeWithTheirBaseTables() throws SQLException {
        sql("CREATE TABLE products(id INT PRIMARY KEY, name VARCHAR(20), price INT)",
                "CREATE TABLE orders(id INT PRIMARY KEY, product_id INT, qty INT)",
                "CREATE TABLE unrelated(id INT)",
                "CREATE VIEW cheap_products AS SELECT * FROM products WHERE price < 10",
                "CREATE VIEW \"Order_Lines\" AS SELECT o.id, p.name FROM orders o JOIN cheap_products p"
                        + " ON p.id = o.product_id",
                "CREATE SCHEMA report",
                "CREATE VIEW report.totals AS SELECT COUNT(*) AS n FROM \"Order_Lines\"");
        TableDependencies d = read();
        assertThat(d.affectedBy("products")).containsExactlyInAnyOrder("products", "cheap_products", "order_lines",
                "totals");
        assertThat(d.affectedBy("orders")).containsExactlyInAnyOrder("orders", "order_lines", "totals");
        assertThat(d.affectedBy("unrelated")).containsExactly("unrelated");
        assertThat(d.affectedBy("totals")).contains("totals"); // a write through a view writes its bases
        assertThat(d.affectedBy("cheap_products")).contains("products", "order_lines");
        assertThat(d.writesEverything("products")).isFalse();
        assertThat(d.tableCount()).isEqualTo(6);
    }

    @Test
    void aWordInAStringLiteralIsNotATable() throws SQLException {
        sql("CREATE TABLE products(id INT, kind VARCHAR(20))", "CREATE TABLE orders(id INT)",
                "CREATE VIEW labels AS SELECT id FROM products WHERE kind <> 'orders'");
        TableDependencies d = read();
        assertThat(d.affectedBy("orders")).containsExactly("orders");
        assertThat(d.affectedBy("products")).containsExactlyInAnyOrder("products", "labels");
    }

    @Test
    void cascadingForeignKeysChainButRestrictingOnesDoNot() throws SQLException {
        sql("CREATE TABLE customers(id INT PRIMARY KEY)",
                "CREATE TABLE orders(id INT PRIMARY KEY, customer_id INT REFERENCES customers(id) ON DELETE CASCADE)",
                "CREATE TABLE order_items(id INT PRIMARY KEY, order_id INT REFERENCES orders(id) ON UPDATE SET NULL)",
                "CREATE TABLE shipments(id INT PRIMARY KEY, order_id INT REFERENCES orders(id))",
                "CREATE TABLE notes(id INT PRIMARY KEY, item_id INT DEFAULT 0"
                        + " REFERENCES order_items(id) ON DELETE SET DEFAULT)",
                "CREATE VIEW item_count AS SELECT COUNT(*) c FROM order_items");
        TableDependencies d = read();
        assertThat(d.affectedBy("customers")).containsExactlyInAnyOrder("customers", "orders", "order_items",
                "notes", "item_count");
        assertThat(d.affectedBy("orders")).containsExactlyInAnyOrder("orders", "order_items", "notes",
                "item_count");
        assertThat(d.affectedBy("shipments")).containsExactly("shipments");
        assertThat(d.affectedBy("order_items")).doesNotContain("orders", "customers");
        assertThat(d.expand(Set.of("shipments", "order_items")))
                .containsExactlyInAnyOrder("shipments", "order_items", "notes", "item_count");
    }

    @Test
    void aTableWithATriggerWritesEverythingUnlessConfigured() throws SQLException {
        sql("CREATE TABLE audit_log(note VARCHAR(20))",
                "CREATE TABLE accounts(id INT PRIMARY KEY, balance INT)",
                "CREATE TABLE owners(id INT PRIMARY KEY)",
                "CREATE TABLE holdings(id INT PRIMARY KEY, owner_id INT REFERENCES owners(id) ON DELETE CASCADE)",
                "CREATE TRIGGER accounts_audit AFTER UPDATE ON accounts FOR EACH ROW CALL \""
                        + AuditTrigger.class.getName() + "\"",
                "CREATE TRIGGER holdings_audit AFTER DELETE ON holdings FOR EACH ROW CALL \""
                        + AuditTrigger.class.getName() + "\"");
        TableDependencies d = read();
        assertThat(d.writesEverything("accounts")).isTrue();
        assertThat(d.writesEverything("owners")).as("cascades into a table with a trigger").isTrue();
        assertThat(d.writesEverything("audit_log")).isFalse();
        assertThat(d.writesEverything(Set.of("audit_log", "accounts"))).isTrue();

        TableDependencies configured = TableDependencies.read(connection, Dialect.H2,
                Map.of("accounts", Set.of("audit_log"), "holdings", Set.of("audit_log")));
        assertThat(configured.writesEverything("accounts")).isFalse();
        assertThat(configured.writesEverything("owners")).isFalse();
        assertThat(configured.affectedBy("accounts")).containsExactlyInAnyOrder("accounts", "audit_log");
        assertThat(configured.affectedBy("owners")).containsExactlyInAnyOrder("owners", "holdings", "audit_log");

        TableDependencies star = TableDependencies.read(connection, Dialect.H2, Map.of("accounts", Set.of("*")));
        assertThat(star.writesEverything("accounts")).isTrue();
    }

    @Test
    void configuredEdgesWithoutCatalogFeatures() throws SQLException {
        sql("CREATE TABLE a(id INT)", "CREATE TABLE b(id INT)", "CREATE VIEW vb AS SELECT * FROM b");
        TableDependencies d = TableDependencies.read(connection, Dialect.H2, Map.of("a", Set.of("b")));
        assertThat(d.affectedBy("a")).containsExactlyInAnyOrder("a", "b", "vb");
        assertThat(d.affectedBy("b")).containsExactlyInAnyOrder("b", "vb");
        assertThat(TableDependencies.configuredOnly(Map.of("x", Set.of("y"))).affectedBy("x"))
                .containsExactlyInAnyOrder("x", "y");
    }

    @Test
    void aViewCallingAUserFunctionReadsEverything() throws SQLException {
        sql("CREATE TABLE a(id INT)", "CREATE TABLE b(id INT)",
                "CREATE ALIAS my_lookup FOR \"java.lang.Math.abs(int)\"",
                "CREATE VIEW va AS SELECT my_lookup(id) AS x FROM a");
        TableDependencies d = read();
        assertThat(d.affectedBy("b")).contains("va");
        assertThat(d.affectedBy("created_later")).containsExactlyInAnyOrder("created_later", "va");
        assertThat(d.writesEverything("va")).as("a write through it may write anything").isTrue();
        assertThat(d.writesEverything("a")).isFalse();
    }

    @Test
    void aSynonymIsItsTable() throws SQLException {
        sql("CREATE TABLE stock(id INT)", "CREATE SYNONYM inventory FOR stock",
                "CREATE VIEW low_stock AS SELECT * FROM stock");
        TableDependencies d = read();
        assertThat(d.affectedBy("inventory")).contains("stock", "low_stock");
        assertThat(d.affectedBy("stock")).contains("inventory", "low_stock");
    }

    @Test
    void unknownTablesAffectOnlyThemselves() throws SQLException {
        TableDependencies d = read();
        assertThat(d.affectedBy("nowhere")).containsExactly("nowhere");
        assertThat(d.writesEverything("nowhere")).isFalse();
        assertThat(TableDependencies.none().affectedBy("t")).containsExactly("t");
        assertThat(TableDependencies.none().expand(Set.of("t", "u"))).containsExactlyInAnyOrder("t", "u");
    }

    @Test
    void partitionsChangeTheirParentButNotTheirSiblings() {
        TableDependencies d = TableDependencies.builder()
                .child("measurements", "m2024").child("measurements", "m2025")
                .view("all_measurements", "measurements")
                .build();
        assertThat(d.affectedBy("m2024")).containsExactlyInAnyOrder("m2024", "measurements", "all_measurements");
        assertThat(d.affectedBy("measurements"))
                .containsExactlyInAnyOrder("measurements", "m2024", "m2025", "all_measurements");
    }

    @Test
    void genericDatabasesAreTreatedConservatively() throws SQLException {
        sql("CREATE TABLE a(id INT)", "CREATE TABLE b(id INT)", "CREATE VIEW vb AS SELECT * FROM b");
        TableDependencies d = TableDependencies.read(connection, Dialect.GENERIC, Map.of("b", Set.of()));
        assertThat(d.affectedBy("a")).contains("vb");
        assertThat(d.writesEverything("a")).isTrue();
        assertThat(d.writesEverything("unknown_table")).isTrue();
        assertThat(d.writesEverything("b")).as("vouched for by configuration").isFalse();
    }

    @Test
    void identifiersSkipLiteralsAndComments() {
        assertThat(Identifiers.in("SELECT \"A\".\"Id\", `b``c` FROM x -- y\n/* z */ WHERE q = 'w''v'"))
                .containsExactlyInAnyOrder("select", "a", "id", "b`c", "from", "x", "where", "q");
    }
}
