package dev.cachet.bench.fastpath;

import dev.cachet.bench.workload.Spread;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@link AlternatingRun}: {@link FastPathBenchmark}'s operations in alternating rounds, each ratio taken within a
 * round and the median over rounds reported with its range. For profiling, run the same operations under JMH:
 * {@code java -jar benchmarks.jar FastPathBenchmark -prof gc}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.cachet.bench.fastpath.FastPathMain [--backends h2,postgres,mariadb]
 * [--threads 1,8] [--hit-threads 1,2,4,8|none] [--rounds 5] [--warmup-ms 500] [--measure-ms 1500] [--quick]
 * [--no-footprint] [--routing primary,replica1,replica2]}. The routing overhead (cache off with two replicas
 * against a hand-written two-pool split) needs a primary with two streaming replicas ({@code --routing}, host:port
 * each; {@code scripts/bench-fastpath.sh} starts a throwaway one): see {@link RoutingOverhead}.
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
        int rounds = 5;
        long warmup = 500;
        long measure = 1500;
        boolean footprint = true;
        String routing = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backends" -> backends = List.of(args[++i].split(","));
                case "--threads" -> threads = ints(args[++i]);
                case "--hit-threads" -> hitThreads = ints(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup-ms" -> warmup = Long.parseLong(args[++i]);
                case "--measure-ms" -> measure = Long.parseLong(args[++i]);
                case "--quick" -> {
                    rounds = 3;
                    warmup = 300;
                    measure = 700;
                }
                case "--no-footprint" -> footprint = false;
                case "--routing" -> routing = args[++i];
                case "--no-routing" -> routing = null;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--backends, --threads,"
                        + " --hit-threads, --rounds, --warmup-ms, --measure-ms, --quick, --no-footprint,"
                        + " --routing primary,replica1,replica2)");
            }
        }
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "%d rounds of %d ms warm-up + %d ms measured per contender; "
                + "median of per-round ratios [min-max]%n%n", rounds, warmup, measure));
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
                Map<String, AlternatingRun.Operation> ops = new LinkedHashMap<>();
                if (missToo) {
                    ops.put("directMiss", (db, s) -> FastPathBenchmark.miss(db, s.directMiss));
                    ops.put("cachetMiss", (db, s) -> FastPathBenchmark.miss(db, s.cachetMiss));
                    if (backend.equals("h2")) {
                        // a server query's time dwarfs a look-up in a large map; in memory it does not
                        ops.put("cachetMissFullCache", FastPathBenchmark::missFullCache);
                    }
                    ops.put("cachetFill", (db, s) -> FastPathBenchmark.miss(db, s.cachetFillMiss));
                    ops.put("cachetOff", (db, s) -> FastPathBenchmark.miss(db, s.cachetOffMiss));
                }
                if (hitThreads.contains(t)) {
                    ops.put("directHit", (db, s) -> FastPathBenchmark.hit(s, s.directHit));
                    ops.put("cachetHit", (db, s) -> FastPathBenchmark.hit(s, s.cachetHit));
                }
                System.err.printf(Locale.ROOT, "fastpath: %s, %d thread(s), %s%n", backend, t, ops.keySet());
                Map<String, List<AlternatingRun.Sample>> r = AlternatingRun.run(backend, t, ops, rounds, warmup,
                        measure);
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
                    Map<String, AlternatingRun.Operation> writes = new LinkedHashMap<>();
                    writes.put("directWrite", (db, s) -> FastPathBenchmark.write(s, s.directWrite));
                    writes.put("cachetWrite", (db, s) -> FastPathBenchmark.write(s, s.cachetWrite));
                    writes.put("cachetOffWrite", (db, s) -> FastPathBenchmark.write(s, s.cachetOffWrite));
                    System.err.printf(Locale.ROOT, "fastpath: %s, %d thread(s), %s%n", backend, t, writes.keySet());
                    Map<String, List<AlternatingRun.Sample>> w = AlternatingRun.run(backend, t, writes, rounds, warmup,
                            measure);
                    row(report, backend, t, "write by key", w.get("cachetWrite"), w.get("directWrite"));
                    row(report, backend, t, "write by key, cache off", w.get("cachetOffWrite"),
                            w.get("directWrite"));
                }
            }
        }
        System.out.println("## Throughput: Cachet against the direct driver, alternating rounds");
        System.out.println();
        System.out.println(report);
        System.out.println(RoutingOverhead.measure(routing, rounds, warmup, measure));
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
                backend, threads, path, ratio.median(), ratio.min(), ratio.max(), AlternatingRun.ops(cachet).median(),
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
