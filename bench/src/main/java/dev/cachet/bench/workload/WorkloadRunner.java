package dev.cachet.bench.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the workload mixes through every contender, side by side: for each mix, the contenders take turns in
 * rounds (A B C … A B C …), each round a warm-up then a measured window with the same threads, keys and
 * code, so that the machine's drift hits all of them alike. Writes a markdown report, a CSV of every round and
 * an SVG chart; prints a progress line to stderr every few seconds.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.cachet.bench.workload.WorkloadRunner [h2|postgres] [--quick]
 * [options]} — see {@link RunOptions#usage()}.
 */
public final class WorkloadRunner {

    private static final int WARMUP = 0;
    private static final int MEASURE = 1;
    private static final int STOP = 2;

    private final RunOptions options;
    private final Mix.Keys keys;
    /** False when {@link #measureRounds} runs it: no report is printed or written. */
    private boolean report = true;
    /** The measured rounds of the last {@link #run()}. */
    private List<RoundResult> measured = List.of();

    WorkloadRunner(RunOptions options) {
        this.options = options;
        this.keys = new Mix.Keys(new ZipfianGenerator(options.rows, options.zipf),
                new ZipfianGenerator(Schema.customerCount(options.rows), options.zipf));
    }

    /** Entry point; exits non-zero on bad arguments or when no contender could be built. */
    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // keep pool chatter out
        }
        RunOptions options;
        try {
            options = RunOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new WorkloadRunner(options).run());
    }

    /**
     * Runs what {@link #main} runs with {@code args} (the contenders' alternating rounds of each mix), without printing
     * or writing a report, and returns every measured round — for a benchmark that reports one ratio of its own.
     *
     * @throws IllegalArgumentException on bad arguments
     * @throws IllegalStateException    when no contender could be built
     */
    public static List<RoundResult> measureRounds(String... args) throws Exception {
        WorkloadRunner runner = new WorkloadRunner(RunOptions.parse(args));
        runner.report = false;
        if (runner.run() != 0) {
            throw new IllegalStateException("no contender could be built");
        }
        return runner.measured;
    }

    int run() throws Exception {
        long started = System.nanoTime();
        ParserWarmUp.run();
        Connection keeper = options.load.equals("no") ? null : setUpDatabase();
        if (options.load.equals("only")) {
            return 0;
        }
        Contenders contenders = Contenders.build(options);
        try {
            if (contenders.built.isEmpty()) {
                System.err.println("[bench] no contender could be built");
                return 1;
            }
            Map<String, String> routing = options.target.equals("postgres")
                    ? RoutingProbe.describe(contenders.built, options.poolSize) : Map.of();
            Map<String, String> analysis = new java.util.LinkedHashMap<>();
            for (Contender c : contenders.built) {
                try {
                    Mix.prime(c);
                } catch (SQLException | RuntimeException e) {
                    // Kept in the run: its errors are counted per round and the report says why.
                    analysis.put(c.name() + ": priming", "failed: " + e.getClass().getSimpleName() + ": "
                            + e.getMessage().lines().findFirst().orElse(""));
                    log("%s: priming failed: %s", c.name(), e.getMessage().lines().findFirst().orElse(""));
                }
                for (String sql : Mix.STATEMENTS) {
                    String e = c.explain(sql);
                    if (e != null) {
                        analysis.put(c.name() + ": `" + sql + "`", e);
                        log("%s analyses %s: %s", c.name(), sql, e);
                    }
                }
            }
            List<RoundResult> results = new ArrayList<>();
            for (Mix mix : options.mixes) {
                // Round 0: every contender runs the mix once unmeasured, so no contender pays for JIT
                // compilation or cold caches inside a measured round.
                for (Contender c : contenders.built) {
                    warmUpOnly(mix, c);
                }
                for (int round = 1; round <= options.rounds; round++) {
                    for (Contender c : contenders.built) {
                        results.add(measure(mix, c, round));
                    }
                }
            }
            measured = List.copyOf(results);
            double minutes = (System.nanoTime() - started) / 60e9;
            if (!this.report) {
                return 0;
            }
            Report report = new Report(options, contenders, routing, analysis, results, minutes);
            Files.createDirectories(options.outDir);
            Path md = options.outDir.resolve(options.target + ".md");
            Files.writeString(md, report.markdown());
            Files.writeString(options.outDir.resolve(options.target + ".csv"), report.csv());
            Path svg = options.chart != null ? options.chart : options.outDir.resolve(options.target + ".svg");
            if (svg.getParent() != null) {
                Files.createDirectories(svg.getParent());
            }
            Files.writeString(svg, report.svg());
            System.out.println(report.markdown());
            System.err.printf(Locale.ROOT, "[bench] done in %.1f min: %s, %s%n", minutes, md, svg);
            return 0;
        } finally {
            for (Contender c : contenders.built) {
                c.close();
            }
            if (keeper != null) {
                keeper.close();
            }
        }
    }

    /** Creates and loads the tables; for H2 returns the connection that keeps the in-memory database alive. */
    private Connection setUpDatabase() throws SQLException {
        long t0 = System.nanoTime();
        if (options.target.equals("h2")) {
            Connection c = DriverManager.getConnection(Contenders.H2_URL);
            Schema.create(c, false, options.rows);
            log("H2 loaded %,d products in %.1f s", options.rows, (System.nanoTime() - t0) / 1e9);
            return c;
        }
        Properties p = new Properties();
        p.setProperty("user", options.pgUser);
        p.setProperty("password", options.pgPassword);
        String db = "/" + options.pgDatabase;
        try (Connection primary = DriverManager.getConnection("jdbc:postgresql://" + options.pgPrimary + db, p)) {
            Schema.create(primary, true, options.rows);
            List<Connection> replicas = new ArrayList<>();
            try {
                for (String r : options.pgReplicas) {
                    replicas.add(DriverManager.getConnection("jdbc:postgresql://" + r + db, p));
                }
                Schema.awaitReplicas(primary, replicas, 120_000);
            } finally {
                for (Connection r : replicas) {
                    r.close();
                }
            }
        }
        log("PostgreSQL loaded %,d products on %s, replicas %s caught up, in %.1f s", options.rows,
                options.pgPrimary, options.pgReplicas, (System.nanoTime() - t0) / 1e9);
        return null;
    }

    private void warmUpOnly(Mix mix, Contender contender) throws InterruptedException {
        double measure = options.measureSeconds;
        options.measureSeconds = 0;
        try {
            measure(mix, contender, 0);
        } finally {
            options.measureSeconds = measure;
        }
    }

    /** One warm-up plus measured window of {@code mix} through {@code contender}; round 0 is not reported. */
    RoundResult measure(Mix mix, Contender contender, int round) throws InterruptedException {
        int threads = options.threads;
        double writeRatio = options.writeRatio(mix);
        Worker[] workers = new Worker[threads];
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch done = new CountDownLatch(threads);
        Phase phase = new Phase();
        for (int t = 0; t < threads; t++) {
            long seed = options.seed * 1_000_003L + mix.ordinal() * 10_007L + round * 101L + t;
            workers[t] = new Worker(mix, contender, writeRatio, new SplittableRandom(seed), phase, ready, done);
            Thread thread = new Thread(workers[t], "bench-" + contender.name() + "-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        ready.await();
        String label = String.format(Locale.ROOT, "%s mix %s round %d/%d %s", options.target, mix.code(), round,
                options.rounds, contender.name());
        waitWithProgress(label, "warm-up", options.warmupSeconds, workers, phase);
        long[] before = contender.cacheCounters();
        long start = System.nanoTime();
        phase.value = MEASURE;
        waitWithProgress(label, "measure", options.measureSeconds, workers, phase);
        phase.value = STOP;
        long end = System.nanoTime();
        done.await();
        LatencyHistogram all = new LatencyHistogram();
        long errors = 0;
        String firstError = null;
        long cpuNanos = 0;
        for (Worker w : workers) {
            cpuNanos += w.cpuNanos;
            all.add(w.histogram);
            errors += w.errors;
            if (firstError == null) {
                firstError = w.firstError;
            }
        }
        double seconds = (end - start) / 1e9;
        RoundResult r = RoundResult.of(mix, contender.name(), round, all, seconds, errors, firstError, before,
                contender.cacheCounters());
        if (round == 0) {
            log("%s: warmed up%s", label, errors == 0 ? "" : ", errors " + errors + " (first: " + firstError + ")");
            return r;
        }
        log("%s: %,.0f ops/s, p50 %.1f µs, p99 %.1f µs, client CPU %.1f µs/op, errors %d%s%s", label, r.throughput(),
                r.p50Micros(), r.p99Micros(), r.operations() == 0 ? Double.NaN : cpuNanos / 1e3 / r.operations(), errors, firstError == null ? "" : " (first: " + firstError + ")",
                r.hasCache() ? String.format(Locale.ROOT, ", hit ratio %.3f, %,d entries, %.1f MB", r.hitRatio(),
                        r.cacheEntries(), r.cacheBytes() / 1e6) : "");
        return r;
    }

    private void waitWithProgress(String label, String stage, double seconds, Worker[] workers, Phase phase)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long every = Math.max(1, (long) (options.progressSeconds * 1e9));
        long nextReport = start + every;
        long opsAtStart = totalOps(workers);
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                return;
            }
            if (now >= nextReport) {
                long ops = totalOps(workers) - opsAtStart;
                log("%s: %s %.1f/%.1f s, %,.0f ops/s so far", label, stage, (now - start) / 1e9, seconds,
                        ops / ((now - start) / 1e9));
                nextReport += every;
            }
            // The coordinator only keeps time; workers never wait on it.
            Thread.sleep(Math.max(1, Math.min(end - now, nextReport - now) / 1_000_000L));
        }
    }

    private static long totalOps(Worker[] workers) {
        long n = 0;
        for (Worker w : workers) {
            n += w.completed.get();
        }
        return n;
    }

    static void log(String format, Object... args) {
        System.err.println("[bench] " + String.format(Locale.ROOT, format, args));
    }

    /** The shared phase flag the coordinator flips and the workers read. */
    private static final class Phase {
        volatile int value = WARMUP;
    }

    /** One worker thread: runs operations until told to stop, timing those that start in the measured phase. */
    private final class Worker implements Runnable {
        final LatencyHistogram histogram = new LatencyHistogram();
        final AtomicLong completed = new AtomicLong();
        /** This worker's own CPU time over the measured window (the client's cost, whatever the load). */
        long cpuNanos;
        long errors;
        String firstError;
        private final Mix mix;
        private final Contender contender;
        private final double writeRatio;
        private final SplittableRandom random;
        private final Phase phase;
        private final CountDownLatch ready;
        private final CountDownLatch done;

        Worker(Mix mix, Contender contender, double writeRatio, SplittableRandom random, Phase phase,
               CountDownLatch ready, CountDownLatch done) {
            this.mix = mix;
            this.contender = contender;
            this.writeRatio = writeRatio;
            this.random = random;
            this.phase = phase;
            this.ready = ready;
            this.done = done;
        }

        @Override
        public void run() {
            Mix.Worker op = null;
            try {
                op = mix.newWorker(contender, keys, writeRatio);
                ready.countDown();
                long n = 0;
                int p;
                long cpuAtMeasure = -1;
                java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
                while ((p = phase.value) != STOP) {
                    if (p == MEASURE && cpuAtMeasure < 0) {
                        cpuAtMeasure = cpu.getCurrentThreadCpuTime();
                    }
                    long t0 = System.nanoTime();
                    try {
                        op.run(random);
                    } catch (SQLException | RuntimeException e) {
                        errors++;
                        if (firstError == null) {
                            String m = String.valueOf(e.getMessage());
                            firstError = e.getClass().getSimpleName() + ": " + m.lines().findFirst().orElse("");
                        }
                        continue;
                    }
                    long t1 = System.nanoTime();
                    if (p == MEASURE) {
                        histogram.record(t1 - t0);
                    }
                    completed.lazySet(++n);
                }
                if (cpuAtMeasure >= 0) {
                    cpuNanos = cpu.getCurrentThreadCpuTime() - cpuAtMeasure;
                }
            } catch (SQLException | RuntimeException e) {
                errors++;
                firstError = "could not start: " + e;
                ready.countDown();
            } finally {
                if (op != null) {
                    try {
                        op.close();
                    } catch (SQLException e) {
                        // closing after the window; nothing measured depends on it
                    }
                }
                done.countDown();
            }
        }
    }

    /** Finds which server answered reads and writes through each contender (PostgreSQL only). */
    static final class RoutingProbe {
        /**
         * A read any router may send to a replica: not a system catalog, which Cachet always sends to the primary (so
         * reading {@code pg_settings} here reported the primary for Cachet's contenders whatever the mix's reads did).
         */
        private static final String PORT = "SELECT inet_server_port()";
        /** A real write (a splitter must send it to the primary) that reports where it ran; the row is harmless. */
        private static final String WRITE_PORT = "INSERT INTO orders (customer_id, product_id, quantity, created_at) "
                + "VALUES (0, 0, 0, TIMESTAMP '2000-01-01 00:00:00') RETURNING current_setting('port')";

        static Map<String, String> describe(List<Contender> contenders, int poolSize) {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            for (Contender c : contenders) {
                List<Connection> held = new ArrayList<>();
                try {
                    // Hold a whole pool's worth at once: each pooled connection answers once, 5 times over.
                    Map<String, Integer> reads = new TreeMap<>();
                    for (int repeat = 0; repeat < 5; repeat++) {
                        for (int i = 0; i < poolSize; i++) {
                            held.add(c.readConnection());
                        }
                        for (Connection conn : held) {
                            reads.merge(port(conn), 1, Integer::sum);
                        }
                        while (!held.isEmpty()) {
                            c.releaseRead(held.remove(held.size() - 1));
                        }
                    }
                    String write;
                    try (Connection conn = c.writeConnection();
                         PreparedStatement ps = conn.prepareStatement(WRITE_PORT)) {
                        ps.execute();
                        try (ResultSet rs = ps.getResultSet()) {
                            rs.next();
                            write = rs.getString(1);
                        }
                    }
                    String line = "reads answered by port " + reads + ", writes by port " + write;
                    out.put(c.name(), line);
                    log("routing %s: %s", c.name(), line);
                } catch (SQLException | RuntimeException e) {
                    out.put(c.name(), "probe failed: " + e.getMessage());
                    log("routing %s: probe failed: %s", c.name(), e);
                    for (Connection conn : held) {
                        try {
                            conn.close();
                        } catch (SQLException ignored) {
                            // already failing; the report says so
                        }
                    }
                }
            }
            return out;
        }

        private static String port(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(PORT); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
