package dev.cachet.bench.workload;

import dev.cachet.driver.Cachet;
import dev.cachet.driver.CachetCluster;
import dev.cachet.driver.ClusterStatistics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * Checks Cachet's byte bound against the heap: reads {@code keys} distinct keys (a million by default) through
 * one Cachet connection with {@code cachet.maxBytes} set, and after every tenth of them forces a full GC and
 * compares the heap in use above the pre-cache baseline with the bound and with Cachet's own estimate. A first
 * phase with a bound too large to evict measures how closely the per-entry estimate tracks the real footprint.
 *
 * <p>Usage: {@code java -Xmx4g -cp benchmarks.jar dev.cachet.bench.workload.MemoryBound [keys] [maxBytes]
 * [out.md]} (defaults 1000000, 64MB, bench/target/workload/memory.md). Heap figures come from
 * {@link MemoryMXBean} after {@code System.gc()}; run with a stop-the-world collector (ParallelGC) so that the
 * figure after a full GC is the live set.
 */
public final class MemoryBound {

    private static final String URL = "jdbc:h2:mem:cachet_memory;DB_CLOSE_DELAY=-1";

    private MemoryBound() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        int keys = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        String bound = args.length > 1 ? args[1] : "64MB";
        Path out = Path.of(args.length > 2 ? args[2] : "bench/target/workload/memory.md");
        Class.forName("dev.cachet.driver.CachetDriver");
        ParserWarmUp.run();
        StringBuilder md = new StringBuilder();
        try (Connection keeper = DriverManager.getConnection(URL)) {
            try (Statement s = keeper.createStatement()) {
                s.execute("CREATE TABLE products (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, "
                        + "price NUMERIC(10,2) NOT NULL, stock INT NOT NULL)");
                s.execute("INSERT INTO products SELECT X, 'product-' || X, MOD(X, 10000) / 100.0 + 1, 1000 "
                        + "FROM SYSTEM_RANGE(1, " + keys + ")");
            }
            md.append(String.format(Locale.ROOT, "Heap (MB above the baseline after a full GC) while reading %,d "
                    + "distinct keys through Cachet, one-row results of 4 columns; JVM -Xmx%d MB.%n%n", keys,
                    Runtime.getRuntime().maxMemory() >> 20));
            // A control sweep through the real driver first, so that whatever H2 itself keeps per key read is
            // already in the baselines below and the growth measured afterwards is Cachet's.
            long before = usedAfterGc();
            readKeys(keeper, 1, keys);
            long h2Growth = usedAfterGc() - before;
            md.append(String.format(Locale.ROOT, "Control: the same %,d reads through H2 directly first grew the "
                    + "heap by %.1f MB (taken before the baselines below).%n%n", keys, h2Growth / 1e6));
            perEntry(md, Math.min(keys, 20_000));
            bound(md, keys, bound);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
        System.out.println(md);
    }

    /** Phase 1: no eviction; measured heap per entry against Cachet's estimate per entry. */
    private static void perEntry(StringBuilder md, int entries) throws SQLException {
        Properties p = new Properties();
        p.setProperty("cachet.cluster", "memory-per-entry");
        p.setProperty("cachet.maxBytes", "1GB");
        long baseline = usedAfterGc();
        try (Connection c = DriverManager.getConnection("jdbc:cachet:h2:mem:cachet_memory;DB_CLOSE_DELAY=-1", p)) {
            CachetCluster cluster = Cachet.cluster(c);
            baseline = usedAfterGc();
            readKeys(c, 1, entries);
            long heap = usedAfterGc() - baseline;
            ClusterStatistics s = cluster.statistics();
            System.err.println("[memory] per-entry phase: " + s + "; "
                    + cluster.explain("SELECT id, name, price, stock FROM products WHERE id = ?"));
            md.append(String.format(Locale.ROOT, "Per entry (bound 1GB, nothing evicted): %,d entries; Cachet's "
                            + "estimate %,d bytes/entry, measured heap %,d bytes/entry (estimate / measured = %.2f).%n%n",
                    s.cache().entries(), s.cache().bytes() / Math.max(1, s.cache().entries()),
                    heap / Math.max(1, s.cache().entries()),
                    (double) s.cache().bytes() / Math.max(1, heap)));
            cluster.invalidateAll();
        }
    }

    /** Phase 2: a million distinct keys against the byte bound. */
    private static void bound(StringBuilder md, int keys, String bound) throws SQLException {
        Properties p = new Properties();
        p.setProperty("cachet.cluster", "memory-bound");
        p.setProperty("cachet.maxBytes", bound);
        md.append("| keys read | entries | Cachet's estimate MB | heap above baseline MB | bound | evicted (size) |\n"
                + "|---:|---:|---:|---:|---|---:|\n");
        try (Connection c = DriverManager.getConnection("jdbc:cachet:h2:mem:cachet_memory;DB_CLOSE_DELAY=-1", p)) {
            CachetCluster cluster = Cachet.cluster(c);
            long baseline = usedAfterGc();
            int step = Math.max(1, keys / 10);
            for (int from = 1; from <= keys; from += step) {
                int to = Math.min(keys, from + step - 1);
                readKeys(c, from, to);
                long heap = usedAfterGc() - baseline;
                ClusterStatistics s = cluster.statistics();
                String line = String.format(Locale.ROOT, "| %,d | %,d | %.1f | %.1f | %s | %,d |", to,
                        s.cache().entries(), s.cache().bytes() / 1e6, heap / 1e6, bound, s.cache().evictionsSize());
                md.append(line).append('\n');
                System.err.println("[memory] " + line);
            }
        }
    }

    private static void readKeys(Connection c, long from, long to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, price, stock FROM products WHERE id = ?")) {
            for (long k = from; k <= to; k++) {
                ps.setLong(1, k);
                try (ResultSet rs = ps.executeQuery()) {
                    Mix.consumeProducts(rs);
                }
            }
        }
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
