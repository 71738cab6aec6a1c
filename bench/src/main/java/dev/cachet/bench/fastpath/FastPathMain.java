package dev.cachet.bench.fastpath;

import dev.cachet.bench.workload.Spread;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the ratios of issue 10 in one run: a miss (adaptive admission: after the statement's first fills, a miss
 * of a key never read before does not fill; on H2 also against a cache holding 100k entries of another statement),
 * a fill (every miss fills, {@code cachet.admission=always}) and cache-off against the direct driver (1 and 8
 * threads), an autocommit {@code UPDATE} of one row by its key with the cache on and off against the direct driver
 * (same threads), a hit against the direct driver (1, 2, 4 and 8 threads), the allocation per operation of each,
 * the routing overhead (Cachet with the cache off over a primary and two replicas against a hand-written split), and
 * the bytes per cached entry (counted by the cache and measured by JOL). The throughput figures come from
 * {@link AlternatingRun}: {@link FastPathBenchmark}'s operations in short alternating slices, in several JVMs in turn
 * ({@link ForkedRuns}), each ratio taken within a round and the median over the rounds of all of them reported with
 * its interquartile range ({@code --forks 0}: all in this JVM). For profiling, run the same operations under JMH:
 * {@code java -jar benchmarks.jar FastPathBenchmark -prof gc}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.cachet.bench.fastpath.FastPathMain [--backends h2,postgres,mariadb]
 * [--threads 1,8] [--hit-threads 1,2,4,8|none] [--forks 3] [--rounds 90] [--slice-ms 100] [--warmup-ms 1000]
 * [--quick] [--no-footprint] [--routing primary,replica1,replica2]}. The routing overhead (cache off with two replicas
 * against a hand-written two-pool split) needs a primary with two streaming replicas ({@code --routing}, host:port
 * each; {@code scripts/bench-fastpath.sh} starts a throwaway one): see {@link RoutingOverhead}. It runs on the
 * workload runner, in rounds of its own (20 of 0.5 s warm-up and 1 s measured; 3 of 0.3 s and 2 s with
 * {@code --quick}).
 */
public final class FastPathMain {

    private FastPathMain() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        List<String> backends = List.of("h2", "postgres", "mariadb");
        List<Integer> threads = List.of(1, 8);
        List<Integer> hitThreads = List.of(1, 2, 4, 8);
        int forks = 3;
        int rounds = 90;
        long slice = 100;
        long warmup = 1000;
        // the routing's windows start threads of their own and read a server: shorter, more numerous rounds than
        // the workload runner's default, not as short as the slices
        int routingRounds = 20;
        long routingWarmup = 500;
        long routingMeasure = 1000;
        boolean footprint = true;
        String routing = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backends" -> backends = List.of(args[++i].split(","));
                case "--threads" -> threads = ints(args[++i]);
                case "--hit-threads" -> hitThreads = ints(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--slice-ms" -> slice = Long.parseLong(args[++i]);
                case "--warmup-ms" -> warmup = Long.parseLong(args[++i]);
                case "--quick" -> {
                    forks = 1;
                    rounds = 30;
                    slice = 50;
                    warmup = 500;
                    routingRounds = 3;
                    routingWarmup = 300;
                    routingMeasure = 2000;
                }
                case "--no-footprint" -> footprint = false;
                case "--routing" -> routing = args[++i];
                case "--no-routing" -> routing = null;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--backends, --threads,"
                        + " --hit-threads, --forks, --rounds, --slice-ms, --warmup-ms, --quick, --no-footprint,"
                        + " --routing primary,replica1,replica2)");
            }
        }
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "%s: %d ms unmeasured per contender, then %d rounds in all of one "
                + "%d ms slice each (its first %d%% unmeasured), the order rotating; median of per-round ratios "
                + "[interquartile range]%n%n", forks == 0 ? "In this JVM" : forks + " JVMs in turn per row group",
                warmup, rounds, slice, AlternatingRun.WARM_IN_PERCENT));
        report.append("| backend | threads | path | Cachet / direct | Cachet ops/s | direct ops/s | Cachet B/op | direct B/op "
                + "| Cachet CPU µs/op | direct CPU µs/op |\n");
        report.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String backend : backends) {
            List<Integer> all = new ArrayList<>(threads);
            for (Integer t : hitThreads) {
                if (!all.contains(t)) {
                    all.add(t);
                }
            }
            all.sort(null);
            for (int t : all) {
                boolean missToo = threads.contains(t);
                List<String> ops = new ArrayList<>();
                if (missToo) {
                    ops.addAll(List.of("directMiss", "cachetMiss"));
                    if (backend.equals("h2")) {
                        // a server query's time dwarfs a look-up in a large map; in memory it does not
                        ops.add("cachetMissFullCache");
                    }
                    ops.addAll(List.of("cachetFill", "cachetOff"));
                }
                if (hitThreads.contains(t)) {
                    ops.addAll(List.of("directHit", "cachetHit"));
                }
                System.err.printf(Locale.ROOT, "fastpath: %s, %d thread(s), %s%n", backend, t, ops);
                Map<String, List<AlternatingRun.Sample>> r = ForkedRuns.run(backend, t, ops, forks, rounds, warmup,
                        slice);
                if (missToo) {
                    row(report, backend, t, "miss", r.get("cachetMiss"), r.get("directMiss"));
                    if (r.containsKey("cachetMissFullCache")) {
                        row(report, backend, t, "miss, " + FastPathBenchmark.FULL_ENTRIES / 1000 + "k entries cached",
                                r.get("cachetMissFullCache"), r.get("directMiss"));
                    }
                    row(report, backend, t, "fill (admission always)", r.get("cachetFill"), r.get("directMiss"));
                    row(report, backend, t, "cache off", r.get("cachetOff"), r.get("directMiss"));
                }
                if (hitThreads.contains(t)) {
                    row(report, backend, t, "hit", r.get("cachetHit"), r.get("directHit"));
                }
                if (missToo) {
                    // in rounds of their own, after the reads: a server's WAL flushes, checkpoints and vacuum after
                    // the writes would otherwise land in the reads' rounds
                    List<String> writes = List.of("directWrite", "cachetWrite", "cachetOffWrite");
                    System.err.printf(Locale.ROOT, "fastpath: %s, %d thread(s), %s%n", backend, t, writes);
                    Map<String, List<AlternatingRun.Sample>> w = ForkedRuns.run(backend, t, writes, forks, rounds,
                            warmup, slice);
                    row(report, backend, t, "write by key", w.get("cachetWrite"), w.get("directWrite"));
                    row(report, backend, t, "write by key, cache off", w.get("cachetOffWrite"),
                            w.get("directWrite"));
                }
            }
        }
        System.out.println("## Throughput: Cachet against the direct driver, alternating rounds");
        System.out.println();
        System.out.println(report);
        System.out.println(RoutingOverhead.measure(routing, routingRounds, routingWarmup, routingMeasure));
        if (footprint) {
            System.out.println("## Footprint per cached entry (INT, VARCHAR, DECIMAL, INT, VARCHAR, TIMESTAMP; H2, "
                    + "ValueProfile.standard())");
            System.out.println();
            System.out.println("| rows | entries measured | counted B/entry (weigher) | measured B/entry (JOL) "
                    + "| estimate vs measured | payload B/entry | measured / payload |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
            for (Footprint.Row row : Footprint.measure()) {
                System.out.println(Footprint.format(row));
            }
        }
    }

    private static void row(StringBuilder out, String backend, int threads, String path,
                            List<AlternatingRun.Sample> cachet, List<AlternatingRun.Sample> direct) {
        Spread ratio = AlternatingRun.ratio(cachet, direct);
        out.append(String.format(Locale.ROOT, "| %s | %d | %s | **%.2fx** [%.2f-%.2f] | %,.0f | %,.0f | %,.0f | %,.0f "
                + "| %.2f | %.2f |%n",
                backend, threads, path, ratio.median(), ratio.q1(), ratio.q3(), AlternatingRun.ops(cachet).median(),
                AlternatingRun.ops(direct).median(), AlternatingRun.bytes(cachet).median(),
                AlternatingRun.bytes(direct).median(), AlternatingRun.cpuNanos(cachet).median() / 1e3,
                AlternatingRun.cpuNanos(direct).median() / 1e3));
        System.err.print(out.substring(out.lastIndexOf("| " + backend)));
    }

    /** Comma-separated thread counts; {@code none} for none (e.g. {@code --hit-threads none}: misses only). */
    private static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        if (csv.equals("none")) {
            return out;
        }
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }
}
