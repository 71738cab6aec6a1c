package dev.cachet.bench.fastpath;

import dev.cachet.bench.workload.RoundResult;
import dev.cachet.bench.workload.Spread;
import dev.cachet.bench.workload.WorkloadRunner;
import java.util.List;
import java.util.Locale;

/**
 * The routing-overhead ratio of issue 10: Cachet with the cache off ({@code cachet.enabled=false}) over a PostgreSQL
 * primary and two streaming replicas ({@code cachet.replicas}), against the hand-written split an application can do
 * itself — two HikariCP pools of pgjdbc, writes to the primary, reads to the replicas ({@code loadBalanceHosts}) —
 * and the same Cachet with {@code cachet.readStrategy=sticky} ({@code cachet-sticky}), on the workload runner's
 * read-only mix (a: borrow, prepare, bind, execute a Zipfian point query, read it, close; 4 threads, pools of 4) in
 * alternating rounds. The ratio is taken within each round; the median over rounds is reported with its
 * interquartile range. The same run at full length: {@code scripts/bench-workload.sh postgres --mixes a
 * --contenders pg-split,cachet-off,cachet-sticky}.
 */
final class RoutingOverhead {

    private RoutingOverhead() {
    }

    /**
     * Measures and returns the section to print, or, without servers ({@code hosts} null), where to get the figure.
     *
     * @param hosts "primary,replica1,replica2" ({@code host:port} each), a database {@code cachet_bench} on them
     */
    static String measure(String hosts, int rounds, long warmupMillis, long measureMillis) throws Exception {
        StringBuilder out = new StringBuilder("## Routing overhead: cache off with two replicas against the "
                + "hand-written split (read-only mix)\n\n");
        if (hosts == null) {
            return out.append("Not measured in this run: it needs a PostgreSQL primary with two streaming replicas. "
                    + "`scripts/bench-fastpath.sh` starts a throwaway one with `scripts/pg-cluster.sh` when "
                    + "PostgreSQL's server binaries are installed (no root needed); or run "
                    + "`scripts/bench-workload.sh postgres --mixes a --contenders pg-split,cachet-off`.\n").toString();
        }
        String[] h = hosts.split(",");
        if (h.length != 3) {
            throw new IllegalArgumentException("--routing takes primary,replica1,replica2 (host:port each): " + hosts);
        }
        System.err.printf(Locale.ROOT, "fastpath: routing overhead on %s (primary) and %s, %s%n", h[0], h[1], h[2]);
        List<RoundResult> results = WorkloadRunner.measureRounds("postgres", "--pg-primary", h[0], "--pg-replicas",
                h[1] + "," + h[2], "--mixes", "a", "--contenders", "pg-split,cachet-off,cachet-sticky",
                "--rounds", Integer.toString(rounds), "--warmup", Double.toString(warmupMillis / 1000.0),
                "--measure", Double.toString(measureMillis / 1000.0), "--progress", "60");
        double[] split = throughputs(results, "pg-split", rounds);
        double[] off = throughputs(results, "cachet-off", rounds);
        double[] sticky = throughputs(results, "cachet-sticky", rounds);
        double[] ratio = new double[rounds];
        double[] stickyRatio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratio[i] = off[i] / split[i];
            stickyRatio[i] = sticky[i] / split[i];
        }
        Spread r = Spread.of(ratio);
        Spread s = Spread.of(stickyRatio);
        out.append(String.format(Locale.ROOT, "%d rounds of %d ms warm-up + %d ms measured per contender; median of per-round ratios "
                + "[interquartile range]%n%n", rounds, warmupMillis, measureMillis));
        out.append("| contender | ops/s (median) | × pg-split |\n|---|---:|---:|\n");
        out.append(String.format(Locale.ROOT, "| pg-split (two pgjdbc pools) | %,.0f | 1.00x |%n",
                Spread.of(split).median()));
        out.append(String.format(Locale.ROOT, "| cachet-off (cachet.replicas, cachet.enabled=false) | %,.0f | "
                + "**%.2fx** [%.2f-%.2f] |%n", Spread.of(off).median(), r.median(), r.q1(), r.q3()));
        out.append(String.format(Locale.ROOT, "| cachet-sticky (the same, cachet.readStrategy=sticky) | %,.0f | "
                + "**%.2fx** [%.2f-%.2f] |%n", Spread.of(sticky).median(), s.median(), s.q1(), s.q3()));
        return out.toString();
    }

    private static double[] throughputs(List<RoundResult> results, String contender, int rounds) {
        double[] t = new double[rounds];
        for (RoundResult r : results) {
            if (r.contender().equals(contender)) {
                t[r.round() - 1] = r.throughput();
            }
        }
        return t;
    }
}
