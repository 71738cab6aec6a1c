package dev.cachet.bench.fastpath;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a group of {@link FastPathBenchmark}'s contenders, named, through {@link AlternatingRun} in fresh JVMs one
 * after another, and pools their rounds. Within one JVM the rounds of a contender agree to a few percent, yet two JVMs
 * running the same code can differ by 10–15% for the direct H2 query alone (833 k against 728 k misses a second one
 * run after the other, with Cachet's miss at 608 k and 595 k): what the JIT made of the shared code differs from JVM
 * to JVM. A ratio from one JVM is one draw of that; the median over the rounds of several is what JMH's forks give.
 * Each fork starts with the JVM options of this one.
 */
final class ForkedRuns {

    private static final String SAMPLE = "sample\t";

    private ForkedRuns() {
    }

    /**
     * The samples of each contender, one per round; {@code forks} JVMs of {@code ceil(rounds / forks)} rounds each,
     * every one warmed up anew, or with {@code forks} 0 all rounds in this JVM.
     */
    static Map<String, List<AlternatingRun.Sample>> run(String backend, int threads, List<String> contenders, int forks,
                                                         int rounds, long warmupMillis, long sliceMillis)
            throws Exception {
        if (forks == 0) {
            return AlternatingRun.run(backend, threads, operations(contenders), rounds, warmupMillis, sliceMillis);
        }
        int perFork = (rounds + forks - 1) / forks;
        Map<String, List<AlternatingRun.Sample>> all = new LinkedHashMap<>();
        contenders.forEach(c -> all.put(c, new ArrayList<>()));
        for (int fork = 1; fork <= forks; fork++) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ForkedRuns.class.getName(), backend,
                    Integer.toString(threads), String.join(",", contenders), Integer.toString(perFork),
                    Long.toString(warmupMillis), Long.toString(sliceMillis)));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(SAMPLE)) {
                        String[] f = line.split("\t");
                        all.get(f[1]).add(new AlternatingRun.Sample(Double.parseDouble(f[2]),
                                Double.parseDouble(f[3]), Double.parseDouble(f[4])));
                    } else {
                        System.err.println(line);
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("fork " + fork + " of " + backend + " at " + threads
                        + " thread(s) failed (exit " + exit + "; its errors are above)");
            }
        }
        return all;
    }

    /** The operations of {@code names}, in that order. */
    static Map<String, AlternatingRun.Operation> operations(List<String> names) {
        Map<String, AlternatingRun.Operation> ops = new LinkedHashMap<>();
        for (String name : names) {
            ops.put(name, operation(name));
        }
        return ops;
    }

    private static AlternatingRun.Operation operation(String name) {
        return switch (name) {
            case "directMiss" -> (db, s) -> FastPathBenchmark.miss(db, s.directMiss);
            case "cachetMiss" -> (db, s) -> FastPathBenchmark.miss(db, s.cachetMiss);
            case "cachetMissFullCache" -> FastPathBenchmark::missFullCache;
            case "cachetFill" -> (db, s) -> FastPathBenchmark.miss(db, s.cachetFillMiss);
            case "cachetOff" -> (db, s) -> FastPathBenchmark.miss(db, s.cachetOffMiss);
            case "directHit" -> (db, s) -> FastPathBenchmark.hit(s, s.directHit);
            case "cachetHit" -> (db, s) -> FastPathBenchmark.hit(s, s.cachetHit);
            case "directWrite" -> (db, s) -> FastPathBenchmark.write(s, s.directWrite);
            case "cachetWrite" -> (db, s) -> FastPathBenchmark.write(s, s.cachetWrite);
            case "cachetOffWrite" -> (db, s) -> FastPathBenchmark.write(s, s.cachetOffWrite);
            default -> throw new IllegalArgumentException("no fast-path operation named " + name);
        };
    }

    /** A fork: {@code backend threads contender,… rounds warmupMillis sliceMillis}; prints one line per sample. */
    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Map<String, List<AlternatingRun.Sample>> samples = AlternatingRun.run(args[0], Integer.parseInt(args[1]),
                operations(List.of(args[2].split(","))), Integer.parseInt(args[3]), Long.parseLong(args[4]),
                Long.parseLong(args[5]));
        StringBuilder out = new StringBuilder();
        samples.forEach((name, list) -> list.forEach(s -> out.append(SAMPLE).append(name).append('\t')
                .append(s.opsPerSecond()).append('\t').append(s.bytesPerOp()).append('\t').append(s.cpuNanosPerOp())
                .append('\n')));
        System.out.print(out);
        System.out.flush();
        System.exit(0); // a daemon left by a driver must not keep the fork, and the run, waiting
    }
}
