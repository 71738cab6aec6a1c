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
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Hidden-write edges read from a real MariaDB catalog (127.0.0.1:3306), in a throwaway database. */
class MariaDbTableDependenciesIT {

    private static final String SERVER = System.getProperty("it.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/");
    private static final String DATABASE = "cachet_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static TableDependencies deps;

    @BeforeAll
    static void createSchema() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, "root", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
            s.execute("USE " + DATABASE);
            s.execute("CREATE TABLE customers(id INT PRIMARY KEY) ENGINE=InnoDB");
            s.execute("CREATE TABLE orders(id INT PRIMARY KEY, customer_id INT,"
                    + " FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE) ENGINE=InnoDB");
            s.execute("CREATE TABLE items(id INT PRIMARY KEY, order_id INT,"
                    + " FOREIGN KEY (order_id) REFERENCES orders(id) ON UPDATE SET NULL) ENGINE=InnoDB");
            s.execute("CREATE TABLE invoices(id INT PRIMARY KEY, order_id INT,"
                    + " FOREIGN KEY (order_id) REFERENCES orders(id)) ENGINE=InnoDB");
            s.execute("CREATE TABLE audit(note VARCHAR(20))");
            s.execute("CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW INSERT INTO audit VALUES ('x')");
            s.execute("CREATE VIEW order_view AS SELECT o.id, c.id AS cid FROM orders o JOIN customers c"
                    + " ON c.id = o.customer_id");
            s.execute("CREATE VIEW order_view_count AS SELECT COUNT(*) AS n FROM order_view");
            s.execute("CREATE VIEW literal_view AS SELECT id FROM invoices WHERE 'audit' <> 'x'");
            deps = TableDependencies.read(c, Dialect.MYSQL, Map.of());
        }
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, "root", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE);
        }
    }

    @Test
    void viewsAndViewsOfViews() {
        assertThat(deps.affectedBy("customers")).contains("order_view", "order_view_count");
        assertThat(deps.affectedBy("invoices")).contains("literal_view").doesNotContain("order_view");
        assertThat(deps.affectedBy("audit")).doesNotContain("literal_view");
    }

    @Test
    void cascadingForeignKeys() {
        assertThat(deps.affectedBy("customers")).contains("orders", "items").doesNotContain("invoices");
        assertThat(deps.affectedBy("invoices")).doesNotContain("orders");
    }

    @Test
    void triggers() {
        assertThat(deps.writesEverything("orders")).isTrue();
        assertThat(deps.writesEverything("customers")).as("cascades into orders, which has a trigger").isTrue();
        assertThat(deps.writesEverything("invoices")).isFalse();
    }
}
