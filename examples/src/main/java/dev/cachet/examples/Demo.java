package dev.cachet.examples;

import dev.cachet.driver.Cachet;
import dev.cachet.driver.CachetCluster;
import dev.cachet.driver.ExecutionEvent;
import dev.cachet.driver.ExecutionListener;
import dev.cachet.driver.Explanation;
import dev.cachet.driver.InvalidationEvent;
import dev.cachet.driver.settings.Durations;
import dev.cachet.driver.Outcome;
import dev.cachet.parser.Dialect;
import dev.cachet.parser.NotCacheableReason;
import dev.cachet.parser.SqlAnalyzer;
import dev.cachet.parser.StatementInfo;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Cachet in one minute: a small shop on embedded H2, reached through {@code jdbc:cachet:h2:mem:…} instead of
 * {@code jdbc:h2:mem:…}. It runs a read-heavy workload with some writes and prints, for each statement, whether
 * Cachet answered it from the cache (HIT), ran it on the database and kept the result (MISS), or ran it without
 * caching and why (NOT CACHEABLE); the invalidations each write caused; and a summary. Every read of a product is
 * checked against what the workload itself wrote, so a stale read would show up in the summary.
 *
 * <p>Run it with {@code mvn -q -pl examples -am verify -Pdemo -DskipTests}; pass {@code -Ddemo.operations=N} to
 * change the length of the workload.
 */
public final class Demo {

    private static final int PRODUCTS = 50;
    private static final int CUSTOMERS = 20;
    private static final int SHOWN_EVENTS = 40;
    private static final int SHOWN_WRITES = 6;

    private static final String PRODUCT_BY_ID = "SELECT id, name, price, stock FROM products WHERE id = ?";
    private static final String ORDERS_OF_CUSTOMER = "SELECT o.id, p.name, o.qty FROM orders o"
            + " JOIN products p ON p.id = o.product_id WHERE o.customer_id = ? ORDER BY o.id";
    private static final String ORDER_COUNT = "SELECT COUNT(*) FROM orders WHERE customer_id = ?";
    private static final String BEST_SELLERS = "SELECT p.name, SUM(o.qty) AS sold FROM orders o"
            + " JOIN products p ON p.id = o.product_id GROUP BY p.name ORDER BY sold DESC, p.name LIMIT 3";
    private static final String CUSTOMER_VIEW = "SELECT name, orders FROM customer_totals WHERE id = ?";
    private static final String WITH_CLOCK = "SELECT COUNT(*), CURRENT_TIMESTAMP FROM orders";
    private static final String NO_CACHE_HINT = "SELECT /*cachet:nocache*/ COUNT(*) FROM products";
    private static final String RAISE_PRICE = "UPDATE products SET price = price + 1 WHERE id = ?";
    private static final String PLACE_ORDER = "INSERT INTO orders(customer_id, product_id, qty) VALUES (?, ?, ?)";

    private final PrintStream out;
    private final int operations;
    private final long seed;

    /**
     * @param out        where the report goes
     * @param operations number of application statements in the workload (reads and writes)
     * @param seed       seed of the workload's random choices, so a run can be repeated
     */
    public Demo(PrintStream out, int operations, long seed) {
        this.out = out;
        this.operations = operations;
        this.seed = seed;
    }

    public static void main(String[] args) throws SQLException {
        int operations = Integer.getInteger("demo.operations", 1000);
        new Demo(System.out, operations, 42).run();
    }

    /** Creates the shop, runs the workload, prints the report and returns its figures. */
    public DemoSummary run() throws SQLException {
        String database = "cachet-demo-" + UUID.randomUUID();
        String url = "jdbc:cachet:h2:mem:" + database + ";DB_CLOSE_DELAY=-1;cachet.ttl=5m";
        out.println("Cachet demo: " + url);
        out.println("(the application uses this URL instead of jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1)");
        out.println();
        try {
            return runOn(url, "jdbc:h2:mem:" + database);
        } finally {
            try (Connection direct = DriverManager.getConnection("jdbc:h2:mem:" + database, "sa", "");
                 Statement s = direct.createStatement()) {
                s.execute("SHUTDOWN");
            }
        }
    }

    private DemoSummary runOn(String url, String directUrl) throws SQLException {
        try (Connection direct = DriverManager.getConnection(directUrl, "sa", "")) {
            createShop(direct); // the schema exists before the application starts, as after a migration
            try (Connection app = DriverManager.getConnection(url, "sa", "")) {
                warmUpParser();
                CachetCluster cluster = Cachet.cluster(app);
                explain(cluster);
                Recorder recorder = new Recorder();
                cluster.addListener(recorder);
                try {
                    startDatabaseStatistics(direct);
                    long start = System.nanoTime();
                    Workload workload = new Workload(app, new Random(seed), recorder);
                    workload.run(operations);
                    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                    long databaseSelects = databaseSelects(direct);
                    DemoSummary summary = recorder.summary(databaseSelects, workload.readsAfterWrites,
                            workload.staleReads, elapsed);
                    report(recorder, summary);
                    return summary;
                } finally {
                    cluster.removeListener(recorder);
                }
            }
        }
    }

    /**
     * The first parses in a fresh JVM load and compile the SQL parser and can exceed Cachet's per-statement parse
     * budget; a statement over budget is treated as unknown (not cached, a write to every table) until it is parsed
     * again. A long-running application pays this once; a one-minute demo warms up first so its figures show the
     * steady state.
     */
    private void warmUpParser() {
        List<String> statements = List.of(PRODUCT_BY_ID, ORDERS_OF_CUSTOMER, ORDER_COUNT, BEST_SELLERS, CUSTOMER_VIEW,
                WITH_CLOCK, NO_CACHE_HINT, RAISE_PRICE, PLACE_ORDER);
        SqlAnalyzer analyzer = SqlAnalyzer.shared();
        long start = System.nanoTime();
        for (int round = 0; round < 100; round++) {
            boolean allWithinBudget = true;
            for (String sql : statements) {
                StatementInfo info = analyzer.analyzeUncached(sql, Dialect.H2);
                allWithinBudget &= info.notCacheableReason() != NotCacheableReason.PARSE_TIMEOUT;
            }
            if (allWithinBudget && round >= 2) {
                break;
            }
        }
        out.printf("Warmed up the SQL parser in %d ms (a fresh JVM parses its first statements slowly).%n%n",
                (System.nanoTime() - start) / 1_000_000);
    }

    private void createShop(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE products(id INT PRIMARY KEY, name VARCHAR(40), price INT, stock INT)");
            s.execute("CREATE TABLE customers(id INT PRIMARY KEY, name VARCHAR(40))");
            s.execute("CREATE TABLE orders(id INT AUTO_INCREMENT PRIMARY KEY,"
                    + " customer_id INT REFERENCES customers(id) ON DELETE CASCADE,"
                    + " product_id INT REFERENCES products(id), qty INT)");
            s.execute("CREATE VIEW customer_totals AS SELECT c.id, c.name, COUNT(o.id) AS orders"
                    + " FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO products VALUES (?, ?, ?, 100)")) {
            for (int i = 1; i <= PRODUCTS; i++) {
                p.setInt(1, i);
                p.setString(2, "product-" + i);
                p.setInt(3, 10 + i);
                p.addBatch();
            }
            p.executeBatch();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO customers VALUES (?, ?)")) {
            for (int i = 1; i <= CUSTOMERS; i++) {
                p.setInt(1, i);
                p.setString(2, "customer-" + i);
                p.addBatch();
            }
            p.executeBatch();
        }
        out.printf("Created %d products, %d customers, an orders table and a view customer_totals"
                + " (directly, as a migration tool would).%n%n", PRODUCTS, CUSTOMERS);
    }

    private void explain(CachetCluster cluster) {
        out.println("What Cachet would do with each statement of the workload (CachetCluster.explain):");
        for (String sql : List.of(PRODUCT_BY_ID, ORDERS_OF_CUSTOMER, BEST_SELLERS, CUSTOMER_VIEW, WITH_CLOCK,
                NO_CACHE_HINT, RAISE_PRICE, PLACE_ORDER)) {
            Explanation e = cluster.explain(sql);
            String verdict = e.cacheable() ? "cacheable, ttl " + Durations.format(e.ttl())
                    : "not cacheable: " + e.detail();
            out.printf("  %-72s %s%n", abbreviate(sql, 72), verdict);
            if (e.invalidatesAll()) {
                out.printf("  %-72s a write invalidates every cached result%n", "");
            } else if (!e.tablesInvalidated().isEmpty()) {
                out.printf("  %-72s a write invalidates results reading %s%n", "",
                        new TreeSet<>(e.tablesInvalidated()));
            }
        }
        out.println();
    }

    private static void startDatabaseStatistics(Connection direct) throws SQLException {
        try (Statement s = direct.createStatement()) {
            s.execute("SET QUERY_STATISTICS_MAX_ENTRIES 10000");
            s.execute("SET QUERY_STATISTICS TRUE");
        }
    }

    /** SELECTs H2 itself ran while statistics were on, not counting this look-up. */
    private static long databaseSelects(Connection direct) throws SQLException {
        try (Statement s = direct.createStatement();
             ResultSet rs = s.executeQuery("SELECT SQL_STATEMENT, EXECUTION_COUNT"
                     + " FROM INFORMATION_SCHEMA.QUERY_STATISTICS")) {
            long count = 0;
            while (rs.next()) {
                String sql = rs.getString(1).trim().toUpperCase(Locale.ROOT);
                if (sql.startsWith("SELECT") && !sql.contains("INFORMATION_SCHEMA")) {
                    count += rs.getLong(2);
                }
            }
            return count;
        }
    }

    private void report(Recorder recorder, DemoSummary s) {
        out.println("Statement by statement (first " + SHOWN_EVENTS + " events):");
        recorder.lines.stream().limit(SHOWN_EVENTS).forEach(line -> out.println("  " + line));
        if (recorder.lines.size() > SHOWN_EVENTS) {
            out.println("  ... " + (recorder.lines.size() - SHOWN_EVENTS) + " more");
        }
        out.println();
        out.println("Writes, what they invalidated, and the reads right after them (first " + SHOWN_WRITES + "):");
        recorder.writeStories.stream().limit(SHOWN_WRITES).forEach(story -> {
            story.forEach(line -> out.println("  " + line));
            out.println();
        });
        out.println("Per statement:");
        out.printf("  %-60s %6s %6s %6s %6s  %s%n", "statement", "hit", "miss", "other", "write", "why not cached");
        recorder.perStatement.forEach((sql, c) -> out.printf("  %-60s %6d %6d %6d %6d  %s%n",
                abbreviate(sql, 60), c.hits, c.misses, c.notCacheable, c.writes, c.reason == null ? "" : c.reason));
        out.println();
        out.println("Summary:");
        out.printf("  reads %d: %d hits, %d misses, %d not cacheable — hit ratio %.1f%%%n", s.reads(), s.hits(),
                s.misses(), s.notCacheable(), 100 * s.hitRatio());
        out.printf("  writes %d, invalidations %d%n", s.writes(), s.invalidations());
        out.printf("  H2 ran %d SELECTs for the application's %d reads: %d database executions saved%n",
                s.databaseSelects(), s.reads(), s.databaseExecutionsSaved());
        out.printf("  median read time: %.1f µs from the cache, %.1f µs from the database (a miss)%n",
                s.medianHitMicros(), s.medianMissMicros());
        out.printf("  reads checked right after a write: %d; stale reads: %d%n", s.readsAfterWrites(),
                s.staleReads());
        out.printf("  workload time %d ms%n", s.elapsed().toMillis());
    }

    private static String abbreviate(String sql, int width) {
        String oneLine = sql.replaceAll("\\s+", " ");
        return oneLine.length() <= width ? oneLine : oneLine.substring(0, width - 3) + "...";
    }

    /** Counts what Cachet reports through its listener API. */
    private static final class Recorder implements ExecutionListener {
        final List<String> lines = new ArrayList<>();
        final List<String> pendingInvalidations = new ArrayList<>();
        /** Each write with its invalidations and the reads right after it. */
        final List<List<String>> writeStories = new ArrayList<>();
        private List<String> story;
        private int followUps;
        final Map<String, Counts> perStatement = new LinkedHashMap<>();
        long reads;
        long hits;
        long misses;
        long notCacheable;
        long writes;
        long invalidations;
        final List<Long> hitNanos = new ArrayList<>();
        final List<Long> missNanos = new ArrayList<>();

        @Override
        public void onExecution(ExecutionEvent e) {
            Counts c = perStatement.computeIfAbsent(e.sql(), k -> new Counts());
            String what;
            switch (e.outcome()) {
                case HIT:
                    reads++;
                    hits++;
                    hitNanos.add(e.nanos());
                    c.hits++;
                    what = "HIT          ";
                    break;
                case MISS:
                    reads++;
                    misses++;
                    missNanos.add(e.nanos());
                    c.misses++;
                    what = "MISS         ";
                    break;
                case NOT_CACHEABLE:
                    reads++;
                    notCacheable++;
                    c.notCacheable++;
                    c.reason = e.detail();
                    what = "NOT CACHEABLE";
                    break;
                default:
                    writes++;
                    c.writes++;
                    what = "WRITE        ";
                    break;
            }
            String why = e.outcome() == Outcome.NOT_CACHEABLE ? "  (" + e.detail() + ")" : "";
            String line = String.format("%s %8.1f µs  %s%s", what, e.nanos() / 1000.0, abbreviate(e.sql(), 70),
                    why);
            lines.add(line);
            lines.addAll(pendingInvalidations); // reported while the write ran; shown under it
            if (e.outcome() == Outcome.WRITE) {
                story = new ArrayList<>();
                story.add(line);
                story.addAll(pendingInvalidations);
                writeStories.add(story);
                followUps = 2;
            } else if (story != null && followUps > 0) {
                story.add(line);
                followUps--;
            }
            pendingInvalidations.clear();
        }

        @Override
        public void onInvalidation(InvalidationEvent e) {
            invalidations++;
            pendingInvalidations.add("    invalidated " + (e.all() ? "every cached result" : "results reading "
                    + new TreeSet<>(e.tables())) + " (" + e.cause() + ")");
        }

        DemoSummary summary(long databaseSelects, long readsAfterWrites, long staleReads, Duration elapsed) {
            return new DemoSummary(reads, hits, misses, notCacheable, writes, invalidations, databaseSelects,
                    readsAfterWrites, staleReads, medianMicros(hitNanos), medianMicros(missNanos), elapsed);
        }

        private static double medianMicros(List<Long> nanos) {
            if (nanos.isEmpty()) {
                return 0;
            }
            List<Long> sorted = new ArrayList<>(nanos);
            sorted.sort(null);
            return sorted.get(sorted.size() / 2) / 1000.0;
        }
    }

    private static final class Counts {
        long hits;
        long misses;
        long notCacheable;
        long writes;
        String reason;
    }

    /** The application: mostly reads of a few popular products and customers, some price changes and orders. */
    private static final class Workload {
        private final Connection c;
        private final Random random;
        private final Recorder recorder;
        private final int[] prices = new int[PRODUCTS + 1];
        private final int[] ordersOf = new int[CUSTOMERS + 1];
        long readsAfterWrites;
        long staleReads;

        Workload(Connection c, Random random, Recorder recorder) {
            this.c = c;
            this.random = random;
            this.recorder = recorder;
            for (int i = 1; i <= PRODUCTS; i++) {
                prices[i] = 10 + i;
            }
        }

        void run(int operations) throws SQLException {
            for (int i = 0; i < operations; i++) {
                int dice = random.nextInt(100);
                if (dice < 55 || (dice >= 90 && dice < 95)) {
                    checkProduct(popularProduct(), false);
                } else if (dice < 67) {
                    checkOrders(popularCustomer(), false);
                } else if (dice < 75) {
                    bestSellers();
                } else if (dice < 85) {
                    checkCustomerView(popularCustomer(), false);
                } else if (dice < 88) {
                    query(WITH_CLOCK);
                } else if (dice < 90) {
                    query(NO_CACHE_HINT);
                } else if (dice < 98) {
                    int id = popularProduct();
                    update(RAISE_PRICE, id);
                    prices[id]++;
                    checkProduct(id, true);
                    i++;
                } else {
                    int customer = popularCustomer();
                    placeOrder(customer, popularProduct());
                    ordersOf[customer]++;
                    checkOrders(customer, true);
                    checkCustomerView(customer, true);
                    i += 2;
                }
            }
        }

        /** A skewed choice: most reads go to a few products, as in a real shop. */
        private int popularProduct() {
            return random.nextInt(4) > 0 ? 1 + random.nextInt(8) : 1 + random.nextInt(PRODUCTS);
        }

        private int popularCustomer() {
            return random.nextInt(4) > 0 ? 1 + random.nextInt(4) : 1 + random.nextInt(CUSTOMERS);
        }

        private void checkProduct(int id, boolean afterWrite) throws SQLException {
            try (PreparedStatement p = c.prepareStatement(PRODUCT_BY_ID)) {
                p.setInt(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    boolean fresh = rs.next() && rs.getInt("price") == prices[id];
                    count(fresh, afterWrite);
                }
            }
        }

        private void checkOrders(int customer, boolean afterWrite) throws SQLException {
            int rows = 0;
            try (PreparedStatement p = c.prepareStatement(ORDERS_OF_CUSTOMER)) {
                p.setInt(1, customer);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                    }
                }
            }
            count(rows == ordersOf[customer], afterWrite);
        }

        private void checkCustomerView(int customer, boolean afterWrite) throws SQLException {
            try (PreparedStatement p = c.prepareStatement(CUSTOMER_VIEW)) {
                p.setInt(1, customer);
                try (ResultSet rs = p.executeQuery()) {
                    boolean fresh = rs.next() && rs.getInt("orders") == ordersOf[customer];
                    count(fresh, afterWrite);
                }
            }
        }

        private void count(boolean fresh, boolean afterWrite) {
            if (afterWrite) {
                readsAfterWrites++;
            }
            if (!fresh) {
                staleReads++;
                recorder.lines.add("    !!! STALE READ");
            }
        }

        private void bestSellers() throws SQLException {
            query(BEST_SELLERS);
        }

        private void query(String sql) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    rs.getObject(1);
                }
            }
        }

        private void update(String sql, int id) throws SQLException {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setInt(1, id);
                p.executeUpdate();
            }
        }

        private void placeOrder(int customer, int product) throws SQLException {
            try (PreparedStatement p = c.prepareStatement(PLACE_ORDER)) {
                p.setInt(1, customer);
                p.setInt(2, product);
                p.setInt(3, 1 + random.nextInt(3));
                p.executeUpdate();
            }
        }
    }
}
