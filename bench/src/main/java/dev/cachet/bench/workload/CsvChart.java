package dev.cachet.bench.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redraws a run's chart from its CSV (the runner's {@code <target>.csv}) without re-running it: ratios of
 * each round's throughput to the first contender's of the same round, summarized as in the report.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.cachet.bench.workload.CsvChart run.csv chart.svg "subtitle"}.
 */
public final class CsvChart {

    private CsvChart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CsvChart run.csv chart.svg [subtitle]");
            System.exit(2);
        }
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        List<String> contenders = new ArrayList<>();
        List<String> mixes = new ArrayList<>();
        Map<String, Double> throughput = new HashMap<>(); // mix|contender|round -> ops/s
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (!contenders.contains(f[1])) {
                contenders.add(f[1]);
            }
            if (!mixes.contains(f[0])) {
                mixes.add(f[0]);
            }
            throughput.put(f[0] + "|" + f[1] + "|" + f[2], Double.parseDouble(f[5]));
        }
        String baseline = contenders.get(0);
        Map<String, Map<String, Spread>> groups = new LinkedHashMap<>();
        for (String mix : mixes) {
            Map<String, Spread> perContender = new LinkedHashMap<>();
            for (String c : contenders) {
                List<Double> ratios = new ArrayList<>();
                for (int round = 1; throughput.containsKey(mix + "|" + c + "|" + round); round++) {
                    Double base = throughput.get(mix + "|" + baseline + "|" + round);
                    if (base != null && base > 0) {
                        ratios.add(throughput.get(mix + "|" + c + "|" + round) / base);
                    }
                }
                perContender.put(c, Spread.of(ratios.stream().mapToDouble(Double::doubleValue).toArray()));
            }
            groups.put(mix + ": " + Mix.of(mix).description(), perContender);
        }
        String subtitle = args.length > 2 ? args[2] : "median of alternating rounds, whiskers min–max";
        Files.writeString(Path.of(args[1]), SvgChart.ratios("Throughput as a multiple of " + baseline
                + " (log scale)\n" + subtitle, contenders, groups));
    }
}
