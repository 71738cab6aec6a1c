package dev.cachet.bench.fastpath;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link FastPathBenchmark} per backend and thread count and {@link Footprint}, and prints the ratios of
 * issue 10: a miss and cache-off against the direct driver, a hit against the direct driver, allocation per
 * operation, and the bytes per cached entry (counted and measured).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.cachet.bench.fastpath.FastPathMain [--backends h2,postgres,mariadb]
 * [--threads 1,8] [--hit-threads 1,2,4,8] [--quick] [--no-footprint]}.
 */
public final class FastPathMain {

    private FastPathMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> backends = List.of("h2", "postgres", "mariadb");
        List<Integer> threads = List.of(1, 8);
        List<Integer> hitThreads = List.of(1, 2, 4, 8);
        boolean quick = false;
        boolean footprint = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backends" -> backends = List.of(args[++i].split(","));
                case "--threads" -> threads = ints(args[++i]);
                case "--hit-threads" -> hitThreads = ints(args[++i]);
                case "--quick" -> quick = true;
                case "--no-footprint" -> footprint = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--backends, --threads, --hit-threads, --quick, --no-footprint)");
            }
        }
        StringBuilder report = new StringBuilder();
        report.append("| backend | threads | path | Cachet ops/s | direct ops/s | Cachet / direct | Cachet B/op | direct B/op |\n");
        report.append("|---|---:|---|---:|---:|---:|---:|---:|\n");
        for (String backend : backends) {
            List<Integer> all = new ArrayList<>(threads);
            if (backend.equals("h2") || backend.equals("postgres")) {
                for (Integer t : hitThreads) {
                    if (!all.contains(t)) {
                        all.add(t);
                    }
                }
            }
            all.sort(null);
            for (int t : all) {
                boolean missToo = threads.contains(t);
                String include = FastPathBenchmark.class.getName() + "."
                        + (missToo ? "(directMiss|cachetMiss|cachetOff|directHit|cachetHit)" : "(directHit|cachetHit)");
                Map<String, double[]> scores = run(include, backend, t, quick);
                if (missToo) {
                    row(report, backend, t, "miss", scores.get("cachetMiss"), scores.get("directMiss"));
                    row(report, backend, t, "cache off", scores.get("cachetOff"), scores.get("directMiss"));
                }
                row(report, backend, t, "hit", scores.get("cachetHit"), scores.get("directHit"));
                System.out.println(report);
            }
        }
        System.out.println();
        System.out.println("## Throughput: Cachet against the direct driver, side by side in one JMH run each");
        System.out.println();
        System.out.println(report);
        if (footprint) {
            System.out.println("## Footprint per cached entry (INT, VARCHAR, DECIMAL, INT, VARCHAR, TIMESTAMP; H2, "
                    + "ValueProfile.standard())");
            System.out.println();
            System.out.println("| rows | entries measured | counted B/entry (weigher) | measured B/entry (JOL) "
                    + "| estimate vs measured | payload B/entry | measured / payload |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
            for (Footprint.Row r : Footprint.measure()) {
                System.out.println(Footprint.format(r));
            }
        }
    }

    private static void row(StringBuilder out, String backend, int threads, String path, double[] cachet,
                            double[] direct) {
        out.append(String.format(Locale.ROOT, "| %s | %d | %s | %,.0f | %,.0f | **%.2fx** | %,.0f | %,.0f |%n",
                backend, threads, path, cachet[0], direct[0], cachet[0] / direct[0], cachet[1], direct[1]));
    }

    private static Map<String, double[]> run(String include, String backend, int threads, boolean quick)
            throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder().include(include).param("backend", backend)
                .threads(threads).forks(1).addProfiler(GCProfiler.class)
                .jvmArgsAppend("-Xms2g", "-Xmx2g");
        if (quick) {
            options.warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
                    .measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            label = label.substring(label.lastIndexOf('.') + 1);
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            scores.put(label, new double[] {r.getPrimaryResult().getScore(), alloc == null ? Double.NaN
                    : alloc.getScore()});
        }
        return scores;
    }

    private static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }
}
