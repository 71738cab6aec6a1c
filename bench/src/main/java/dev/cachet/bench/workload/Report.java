package dev.cachet.bench.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the rounds of a run into the published figures: per mix and contender, the median throughput over
 * rounds with its min–max, the median of the per-round ratios to the direct driver (each round's ratio is
 * taken against the direct driver's figure of the same round, which cancels the machine's slow drift) with its
 * min–max, and the medians of the latency percentiles. Also the CSV of every round and the SVG chart.
 */
final class Report {

    private final RunOptions options;
    private final Contenders contenders;
    private final Map<String, String> routing;
    private final Map<String, String> analysis;
    private final List<RoundResult> results;
    private final double minutes;
    private final String baseline;

    Report(RunOptions options, Contenders contenders, Map<String, String> routing, Map<String, String> analysis,
           List<RoundResult> results, double minutes) {
        this.analysis = analysis;
        this.options = options;
        this.contenders = contenders;
        this.routing = routing;
        this.results = results;
        this.minutes = minutes;
        this.baseline = contenders.built.get(0).name();
    }

    /** Per-mix, per-contender figures, in contender order. */
    Map<Mix, Map<String, Row>> rows() {
        Map<Mix, Map<String, Row>> out = new LinkedHashMap<>();
        for (Mix mix : options.mixes) {
            Map<String, Row> perContender = new LinkedHashMap<>();
            for (Contender c : contenders.built) {
                perContender.put(c.name(), row(mix, c.name()));
            }
            out.put(mix, perContender);
        }
        return out;
    }

    private Row row(Mix mix, String contender) {
        List<RoundResult> mine = select(mix, contender);
        double[] tput = new double[mine.size()];
        double[] ratio = new double[mine.size()];
        double[] p50 = new double[mine.size()];
        double[] p99 = new double[mine.size()];
        long errors = 0;
        List<Double> hits = new ArrayList<>();
        String cache = null;
        for (int i = 0; i < mine.size(); i++) {
            RoundResult r = mine.get(i);
            tput[i] = r.throughput();
            RoundResult base = find(mix, baseline, r.round());
            ratio[i] = base == null || base.throughput() == 0 ? Double.NaN : r.throughput() / base.throughput();
            p50[i] = r.p50Micros();
            p99[i] = r.p99Micros();
            errors += r.errors();
            if (r.hasCache()) {
                hits.add(r.hitRatio());
                cache = String.format(Locale.ROOT, "%,d entries, %.1f MB", r.cacheEntries(), r.cacheBytes() / 1e6);
            }
        }
        double[] hitRatios = hits.stream().mapToDouble(Double::doubleValue).toArray();
        String firstError = null;
        for (RoundResult r : mine) {
            if (firstError == null && r.firstError() != null) {
                firstError = r.firstError();
            }
        }
        return new Row(Spread.of(tput), Spread.of(ratio), Spread.of(p50), Spread.of(p99), errors,
                Spread.of(hitRatios), cache, firstError);
    }

    /** The figures of one contender on one mix. */
    record Row(Spread throughput, Spread ratio, Spread p50, Spread p99, long errors, Spread hitRatio, String cache,
               String firstError) {
    }

    private List<RoundResult> select(Mix mix, String contender) {
        List<RoundResult> out = new ArrayList<>();
        for (RoundResult r : results) {
            if (r.mix() == mix && r.contender().equals(contender)) {
                out.add(r);
            }
        }
        return out;
    }

    private RoundResult find(Mix mix, String contender, int round) {
        for (RoundResult r : results) {
            if (r.mix() == mix && r.contender().equals(contender) && r.round() == round) {
                return r;
            }
        }
        return null;
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        Map<Mix, Map<String, Row>> rows = rows();
        b.append(String.format(Locale.ROOT, "Run: target %s, %d threads, pool %d per contender, %,d products, "
                        + "Zipf %.2f, %d rounds of %.1f s warm-up + %.1f s measured per contender and mix, "
                        + "%.1f min in all.%n%n", options.target, options.threads, options.poolSize, options.rows,
                options.zipf, options.rounds, options.warmupSeconds, options.measureSeconds, minutes));
        b.append("| contender | what it is |\n|---|---|\n");
        for (Contender c : contenders.built) {
            b.append("| ").append(c.name()).append(" | ").append(c.description()).append(" |\n");
        }
        for (Map.Entry<String, String> e : contenders.skipped.entrySet()) {
            b.append("| ").append(e.getKey()).append(" | left out: ").append(escape(e.getValue())).append(" |\n");
        }
        if (!routing.isEmpty()) {
            b.append("\nWhere each contender's reads and writes ran (the pool's connections held at once, each asked for "
                    + "its server port, five times over; then one write):\n\n");
            for (Map.Entry<String, String> e : routing.entrySet()) {
                b.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            }
        }
        if (!analysis.isEmpty()) {
            b.append("\nPriming (each statement once, single-threaded) and how Cachet classified the workload's "
                    + "statements (its operator API's explain, after priming):\n\n");
            for (Map.Entry<String, String> e : analysis.entrySet()) {
                b.append("- ").append(escape(e.getKey())).append(": ").append(e.getValue()).append('\n');
            }
        }
        b.append("\nThroughput as a multiple of ").append(baseline)
                .append(" (median of per-round ratios, [min–max]):\n\n| contender |");
        for (Mix mix : rows.keySet()) {
            b.append(" ").append(mix.code()).append(": ").append(mix.description()).append(" |");
        }
        b.append("\n|---|");
        b.append("---:|".repeat(rows.size()));
        b.append('\n');
        for (Contender c : contenders.built) {
            b.append("| ").append(c.name()).append(" |");
            for (Map<String, Row> perContender : rows.values()) {
                Spread s = perContender.get(c.name()).ratio();
                b.append(String.format(Locale.ROOT, " %s× [%s–%s] |", fmt(s.median()), fmt(s.min()),
                        fmt(s.max())));
            }
            b.append('\n');
        }
        for (Map.Entry<Mix, Map<String, Row>> e : rows.entrySet()) {
            Mix mix = e.getKey();
            b.append(String.format(Locale.ROOT, "%n**Mix %s — %s** (write ratio %.2f)%n%n", mix.code(),
                    mix.description(), options.writeRatio(mix)));
            b.append("| contender | ops/s median [min–max] | × ").append(baseline)
                    .append(" | p50 µs | p99 µs | errors | hit ratio | cache at the end |\n"
                            + "|---|---:|---:|---:|---:|---:|---:|---|\n");
            for (Map.Entry<String, Row> r : e.getValue().entrySet()) {
                Row row = r.getValue();
                String hit = row.hitRatio().n() == 0 ? "" : String.format(Locale.ROOT, "%.3f [%.3f–%.3f]",
                        row.hitRatio().median(), row.hitRatio().min(), row.hitRatio().max());
                b.append(String.format(Locale.ROOT,
                        "| %s | %,.0f [%,.0f–%,.0f] | %s× [%s–%s] | %.1f | %.1f | %d | %s | %s |%n",
                        r.getKey(), row.throughput().median(), row.throughput().min(), row.throughput().max(),
                        fmt(row.ratio().median()), fmt(row.ratio().min()), fmt(row.ratio().max()),
                        row.p50().median(), row.p99().median(), row.errors(), hit,
                        row.cache() == null ? "" : escape(row.cache())));
            }
            for (Map.Entry<String, Row> r : e.getValue().entrySet()) {
                if (r.getValue().firstError() != null) {
                    b.append("\nErrors of ").append(r.getKey()).append(" (first): ")
                            .append(escape(r.getValue().firstError())).append('\n');
                }
            }
        }
        return b.toString();
    }

    String csv() {
        StringBuilder b = new StringBuilder(
                "mix,contender,round,operations,seconds,ops_per_s,p50_us,p99_us,p999_us,max_us,errors,hit_ratio,"
                        + "cache_entries,cache_bytes\n");
        for (RoundResult r : results) {
            b.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.3f,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%s,%d,%d%n",
                    r.mix().code(), r.contender(), r.round(), r.operations(), r.seconds(), r.throughput(),
                    r.p50Micros(), r.p99Micros(), r.p999Micros(), r.maxMicros(), r.errors(),
                    r.hasCache() ? String.format(Locale.ROOT, "%.4f", r.hitRatio()) : "", r.cacheEntries(),
                    r.cacheBytes()));
        }
        return b.toString();
    }

    String svg() {
        List<String> names = new ArrayList<>();
        for (Contender c : contenders.built) {
            names.add(c.name());
        }
        Map<String, Map<String, Spread>> data = new LinkedHashMap<>();
        for (Map.Entry<Mix, Map<String, Row>> e : rows().entrySet()) {
            Map<String, Spread> perContender = new LinkedHashMap<>();
            for (Map.Entry<String, Row> r : e.getValue().entrySet()) {
                perContender.put(r.getKey(), r.getValue().ratio());
            }
            data.put(e.getKey().code() + ": " + e.getKey().description(), perContender);
        }
        String title = String.format(Locale.ROOT, "Throughput as a multiple of %s (log scale)%n%s, %d threads, "
                + "%,d rows, Zipf %.2f; median of %d alternating rounds, whiskers min–max", baseline, options.target,
                options.threads, options.rows, options.zipf, options.rounds);
        return SvgChart.ratios(title, names, data);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return v >= 10 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
