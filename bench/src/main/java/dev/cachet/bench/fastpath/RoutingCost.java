package dev.cachet.bench.fastpath;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cachet.bench.workload.Mix;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * What one read of the workload's mix a costs the client, through the two routing contenders of issue 10: the
 * hand-written split ({@code pg-split}: pgjdbc in a HikariCP pool over the replicas, {@code loadBalanceHosts}) and
 * Cachet with the cache off ({@code cachet-off}: {@code cachet.replicas}, {@code cachet.enabled=false}, in a HikariCP
 * pool), and the same Cachet with {@code cachet.readStrategy=sticky} ({@code cachet-sticky}). Each read borrows, prepares, binds, executes a point query on {@code products}, reads every column and
 * closes, as the workload runner's mix a does; the keys are uniform. Windows of the contenders alternate; each
 * reports reads per second, the worker threads' own CPU time per read and the bytes they allocated per read (the
 * JVM's per-thread allocation counter: exact, whatever the machine's load).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.cachet.bench.fastpath.RoutingCost PRIMARY REPLICA1 REPLICA2 THREADS
 * ROUNDS MILLIS [CONTENDER]} ({@code host:port} each; database {@code cachet_bench} as the workload runner loads it,
 * user {@code postgres} without a password); with {@code CONTENDER} ({@code pg-split}, {@code cachet-off} or
 * {@code cachet-sticky}) only that one runs, for a whole-process measurement such as {@code perf stat}.
 */
public final class RoutingCost {

    private static final String PRODUCT_BY_ID = "SELECT id, name, price, stock FROM products WHERE id = ?";
    private static final int POOL_SIZE = 4;
    private static final long WARM_UP_MILLIS = 4000;
    /** Sink for values read, so that no reading can be optimized away. */

    private RoutingCost() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6 && args.length != 7) {
            throw new IllegalArgumentException(
                    "usage: RoutingCost PRIMARY REPLICA1 REPLICA2 THREADS ROUNDS MILLIS [pg-split|cachet-off|cachet-sticky]");
        }
        String only = args.length == 7 ? args[6] : null;
        String primary = args[0];
        String replicas = args[1] + "," + args[2];
        int threads = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        long millis = Long.parseLong(args[5]);
        Properties credentials = new Properties();
        credentials.setProperty("user", "postgres");
        credentials.setProperty("password", "");
        Map<String, HikariDataSource> pools = new LinkedHashMap<>();
        if (only == null || only.equals("pg-split")) {
            pools.put("pg-split", pool("pg-split-r",
                    "jdbc:postgresql://" + replicas + "/cachet_bench?loadBalanceHosts=true", credentials));
        }
        Properties off = new Properties();
        off.putAll(credentials);
        off.setProperty("cachet.enabled", "false");
        off.setProperty("cachet.cluster", "routing-cost");
        off.setProperty("cachet.replicas", replicas);
        if (only == null || only.equals("cachet-off")) {
            pools.put("cachet-off", pool("cachet-off", "jdbc:cachet:postgresql://" + primary + "/cachet_bench", off));
        }
        if (only == null || only.equals("cachet-sticky")) {
            Properties sticky = new Properties();
            sticky.putAll(off);
            sticky.setProperty("cachet.cluster", "routing-cost-sticky");
            sticky.setProperty("cachet.readStrategy", "sticky");
            pools.put("cachet-sticky",
                    pool("cachet-sticky", "jdbc:cachet:postgresql://" + primary + "/cachet_bench", sticky));
        }
        if (pools.isEmpty()) {
            throw new IllegalArgumentException("unknown contender " + only + " (pg-split, cachet-off or cachet-sticky)");
        }
        try {
            for (Map.Entry<String, HikariDataSource> e : pools.entrySet()) {
                // printed so that a whole-process count (perf stat, strace -c) can be divided by every read made
                double[] w = window(e.getValue(), threads, WARM_UP_MILLIS);
                System.out.printf(Locale.ROOT, "warm-up %-13s %,9.0f reads in %d ms%n", e.getKey(),
                        w[0] * WARM_UP_MILLIS / 1000.0, WARM_UP_MILLIS);
            }
            Map<String, List<double[]>> results = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                for (Map.Entry<String, HikariDataSource> e : pools.entrySet()) {
                    double[] r = window(e.getValue(), threads, millis);
                    results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r);
                    System.out.printf(Locale.ROOT,
                            "round %d %-13s %,9.0f reads/s  CPU %6.2f µs a read  %,7.0f B a read%n",
                            round, e.getKey(), r[0], r[1], r[2]);
                }
            }
            for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
                double[] t = column(e.getValue(), 0);
                double[] cpu = column(e.getValue(), 1);
                double[] bytes = column(e.getValue(), 2);
                System.out.printf(Locale.ROOT, "median %-13s %,9.0f reads/s [%,.0f-%,.0f]  CPU %6.2f µs [%.2f-%.2f]  "
                        + "%,7.0f B a read%n", e.getKey(), median(t), t[0], t[t.length - 1], median(cpu), cpu[0],
                        cpu[cpu.length - 1], median(bytes));
            }
            List<double[]> split = results.get("pg-split");
            for (String cachet : List.of("cachet-off", "cachet-sticky")) {
                List<double[]> c = results.get(cachet);
                if (split == null || c == null) {
                    continue;
                }
                double[] ratio = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    ratio[i] = c.get(i)[0] / split.get(i)[0];
                }
                Arrays.sort(ratio);
                System.out.printf(Locale.ROOT, "%s / pg-split %.2f [%.2f-%.2f]%n", cachet, median(ratio), ratio[0],
                        ratio[rounds - 1]);
            }
        } finally {
            pools.values().forEach(HikariDataSource::close);
        }
    }

    private static HikariDataSource pool(String name, String url, Properties properties) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setDataSourceProperties(properties);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        config.setAutoCommit(true);
        return new HikariDataSource(config);
    }

    private static void read(HikariDataSource ds, long id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(PRODUCT_BY_ID)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                Mix.consumeProducts(rs);
            }
        }
    }

    /** Runs {@code threads} readers for {@code millis}: reads per second, CPU µs a read, bytes allocated a read. */
    private static double[] window(HikariDataSource ds, int threads, long millis) throws InterruptedException {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] reads = new long[threads];
        long[] cpu = new long[threads];
        long[] allocated = new long[threads];
        Throwable[] failure = new Throwable[1];
        CountDownLatch start = new CountDownLatch(1);
        long[] end = new long[1]; // when the window closes, set just before it opens (the latch publishes it)
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int i = t;
            workers[t] = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(7919L * i + System.nanoTime());
                try {
                    start.await();
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long bytes0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                    long n = 0;
                    while (System.nanoTime() - end[0] < 0) {
                        read(ds, 1 + random.nextLong(100_000));
                        n++;
                    }
                    cpu[i] = mx.getCurrentThreadCpuTime() - cpu0;
                    allocated[i] = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - bytes0;
                    reads[i] = n;
                } catch (SQLException | RuntimeException | InterruptedException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }, "routing-cost-" + ds.getPoolName() + "-" + t);
            workers[t].start();
        }
        end[0] = System.nanoTime() + millis * 1_000_000L;
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        synchronized (failure) {
            if (failure[0] != null) {
                throw new IllegalStateException("a reader failed", failure[0]);
            }
        }
        long n = Arrays.stream(reads).sum();
        return new double[] {n * 1000.0 / millis, Arrays.stream(cpu).sum() / 1e3 / n,
            (double) Arrays.stream(allocated).sum() / n};
    }

    private static double[] column(List<double[]> rows, int index) {
        return rows.stream().mapToDouble(r -> r[index]).sorted().toArray();
    }

    private static double median(double[] sorted) {
        return sorted[sorted.length / 2];
    }
}
