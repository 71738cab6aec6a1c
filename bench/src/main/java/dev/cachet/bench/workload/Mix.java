package dev.cachet.bench.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.SplittableRandom;

/**
 * The workload mixes. Each mix turns into one {@link Worker} per thread; a worker performs one operation per
 * call, the way a service handling a request would: borrow a pooled connection, prepare, bind, execute, read
 * every column of every row, close — except {@link #PREPARED_REPEATED}, which keeps one connection and one
 * prepared statement per thread to isolate the per-execute cost.
 *
 * <p>Keys are Zipf-distributed ranks: rank 1 is the hottest product (id 1), and so on.
 */
public enum Mix {
    /** Read-only Zipfian point queries on {@code products}. */
    READ_ONLY("a", "read-only Zipfian point queries on products", 0.0),
    /** Orders written (inserts); products and customers read by Zipfian key. */
    ORDERS_PRODUCTS("b", "orders written; products and customers read", 0.10),
    /** Reads and updates of one table, {@code products}, both Zipfian. */
    SINGLE_TABLE("c", "read/write on one table (products)", 0.05),
    /** One prepared point query per thread, executed repeatedly on a held connection. */
    PREPARED_REPEATED("d", "prepared, repeated point query on a held connection", 0.0),
    /** Half reads, half updates of {@code products}, both Zipfian: where caching cannot pay (DESIGN §13). */
    WRITE_HEAVY("e", "write-heavy 50/50 read/update on one table (products)", 0.50);

    static final String PRODUCT_BY_ID = "SELECT id, name, price, stock FROM products WHERE id = ?";
    static final String CUSTOMER_BY_ID = "SELECT id, name, email, city FROM customers WHERE id = ?";
    static final String INSERT_ORDER =
            "INSERT INTO orders (customer_id, product_id, quantity, created_at) VALUES (?, ?, ?, ?)";
    static final String UPDATE_STOCK = "UPDATE products SET stock = stock + 1 WHERE id = ?";

    private final String code;
    private final String description;
    private final double defaultWriteRatio;

    Mix(String code, String description, double defaultWriteRatio) {
        this.code = code;
        this.description = description;
        this.defaultWriteRatio = defaultWriteRatio;
    }

    /** The one-letter code used on the command line and in tables. */
    public String code() {
        return code;
    }

    /** One line: what the mix does. */
    public String description() {
        return description;
    }

    /** Fraction of operations that write, unless overridden. */
    public double defaultWriteRatio() {
        return defaultWriteRatio;
    }

    /** Finds a mix by its code ({@code a}..{@code d}) or name, case-insensitively. */
    public static Mix of(String codeOrName) {
        for (Mix m : values()) {
            if (m.code.equalsIgnoreCase(codeOrName) || m.name().equalsIgnoreCase(codeOrName)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mix '" + codeOrName + "' (a, b, c, d or e)");
    }

    /** A new per-thread worker for this mix against {@code contender}. */
    Worker newWorker(Contender contender, Keys keys, double writeRatio) throws SQLException {
        return switch (this) {
            case READ_ONLY -> random -> readProduct(contender, keys.product(random));
            case ORDERS_PRODUCTS -> random -> {
                double r = random.nextDouble();
                if (r < writeRatio) {
                    insertOrder(contender, keys.customer(random), keys.product(random), 1 + random.nextInt(5));
                } else if (r < writeRatio + (1 - writeRatio) / 2) {
                    readProduct(contender, keys.product(random));
                } else {
                    readCustomer(contender, keys.customer(random));
                }
            };
            case SINGLE_TABLE, WRITE_HEAVY -> random -> {
                if (random.nextDouble() < writeRatio) {
                    updateStock(contender, keys.product(random));
                } else {
                    readProduct(contender, keys.product(random));
                }
            };
            case PREPARED_REPEATED -> new HeldStatementWorker(contender, keys);
        };
    }

    /** Every statement the mixes run, for priming and for the report's analysis lines. */
    static final java.util.List<String> STATEMENTS = java.util.List.of(PRODUCT_BY_ID, CUSTOMER_BY_ID, INSERT_ORDER,
            UPDATE_STOCK);

    /**
     * Runs each statement once, single-threaded, the way an application's first request would — so that no
     * contender meets its first-use costs (class loading, parsing) inside concurrent warm-up.
     */
    static void prime(Contender contender) throws SQLException {
        readProduct(contender, 1);
        readCustomer(contender, 1);
        insertOrder(contender, 1, 1, 1);
        updateStock(contender, 1);
    }

    /** One thread's operations; {@link #run} performs one. */
    interface Worker extends AutoCloseable {
        void run(SplittableRandom random) throws SQLException;

        @Override
        default void close() throws SQLException {
        }
    }

    /** The key distributions of a run: Zipfian ranks over products and customers. */
    record Keys(ZipfianGenerator products, ZipfianGenerator customers) {
        long product(SplittableRandom random) {
            return products.next(random);
        }

        long customer(SplittableRandom random) {
            return customers.next(random);
        }
    }

    /** Sink for values read, so that no reading can be optimized away. */
    static volatile long sink;

    private static void readProduct(Contender contender, long id) throws SQLException {
        Connection c = contender.readConnection();
        try (PreparedStatement ps = c.prepareStatement(PRODUCT_BY_ID)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                consumeProducts(rs);
            }
        } finally {
            contender.releaseRead(c);
        }
    }

    private static void readCustomer(Contender contender, long id) throws SQLException {
        Connection c = contender.readConnection();
        try (PreparedStatement ps = c.prepareStatement(CUSTOMER_BY_ID)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                long acc = 0;
                while (rs.next()) {
                    acc += rs.getLong(1);
                    acc += rs.getString(2).length();
                    acc += rs.getString(3).length();
                    acc += rs.getString(4).length();
                }
                sink += acc;
            }
        } finally {
            contender.releaseRead(c);
        }
    }

    private static void insertOrder(Contender contender, long customer, long product, int quantity)
            throws SQLException {
        try (Connection c = contender.writeConnection();
             PreparedStatement ps = c.prepareStatement(INSERT_ORDER)) {
            ps.setLong(1, customer);
            ps.setLong(2, product);
            ps.setInt(3, quantity);
            ps.setTimestamp(4, new Timestamp(System.currentTimeMillis()));
            ps.executeUpdate();
        }
    }

    private static void updateStock(Contender contender, long id) throws SQLException {
        try (Connection c = contender.writeConnection();
             PreparedStatement ps = c.prepareStatement(UPDATE_STOCK)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** Reads every row of a product query as the mixes do (id, name, price, stock), so the JIT cannot skip it. */
    public static void consumeProducts(ResultSet rs) throws SQLException {
        long acc = 0;
        while (rs.next()) {
            acc += rs.getLong(1);
            acc += rs.getString(2).length();
            acc += rs.getBigDecimal(3).scale();
            acc += rs.getInt(4);
        }
        sink += acc;
    }

    /** Mix d: one connection and one prepared statement held for the whole window, re-executed. */
    private static final class HeldStatementWorker implements Worker {
        private final Contender contender;
        private final Keys keys;
        private final Connection connection;
        private final PreparedStatement statement;

        HeldStatementWorker(Contender contender, Keys keys) throws SQLException {
            this.contender = contender;
            this.keys = keys;
            this.connection = contender.readConnection();
            try {
                this.statement = connection.prepareStatement(PRODUCT_BY_ID);
            } catch (SQLException e) {
                contender.releaseRead(connection);
                throw e;
            }
        }

        @Override
        public void run(SplittableRandom random) throws SQLException {
            statement.setLong(1, keys.product(random));
            try (ResultSet rs = statement.executeQuery()) {
                consumeProducts(rs);
            }
        }

        @Override
        public void close() throws SQLException {
            try {
                statement.close();
            } finally {
                contender.releaseRead(connection);
            }
        }
    }
}
