package dev.cachet.bench.workload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The runner's parameters, parsed from {@code --name value} arguments (see {@link #usage()}). Mutable while
 * parsing, then only read.
 */
public final class RunOptions {

    String target = "h2";
    int threads = 4;
    int poolSize = -1;               // -1: same as threads
    long rows = 100_000;
    double zipf = 0.99;
    double writeRatio = -1;          // -1: each mix's default
    List<Mix> mixes = new ArrayList<>(List.of(Mix.values()));
    List<String> contenders = new ArrayList<>(); // empty: all
    int rounds = 3;
    double warmupSeconds = 2;
    double measureSeconds = 4;
    double progressSeconds = 3;
    long seed = 42;
    String cacheBytes = "512MB";
    String pgPrimary = "127.0.0.1:26432";
    List<String> pgReplicas = new ArrayList<>(List.of("127.0.0.1:26433", "127.0.0.1:26434"));
    String pgDatabase = "cachet_bench";
    String pgUser = "postgres";
    String pgPassword = "";
    Path outDir = Path.of("bench", "target", "workload");
    Path chart;                      // null: <outDir>/<target>.svg
    boolean quick;
    String redis;                    // null: no shared-tier contenders
    String redisUser;
    String redisPassword;
    String load = "yes";             // yes: create and load the tables; only: that, then exit; no: use them as they are

    /** Parses {@code args}; throws IllegalArgumentException with a readable message on bad input. */
    public static RunOptions parse(String... args) {
        RunOptions o = new RunOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--quick")) {
                o.quick = true;
                o.rounds = 2;
                o.warmupSeconds = 0.5;
                o.measureSeconds = 1.5;
                continue;
            }
            if (a.equals("--help") || a.equals("-h")) {
                throw new IllegalArgumentException(usage());
            }
            if (!a.startsWith("--")) {
                o.target = a.toLowerCase();
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value\n" + usage());
            }
            String v = args[++i];
            switch (a) {
                case "--target" -> o.target = v.toLowerCase();
                case "--threads" -> o.threads = positive(a, Integer.parseInt(v));
                case "--pool" -> o.poolSize = positive(a, Integer.parseInt(v));
                case "--rows" -> o.rows = positive(a, Long.parseLong(v.replace("_", "")));
                case "--zipf" -> o.zipf = Double.parseDouble(v);
                case "--write-ratio" -> o.writeRatio = Double.parseDouble(v);
                case "--mixes" -> o.mixes = Arrays.stream(v.split(",")).map(String::trim).map(Mix::of).toList();
                case "--contenders" -> o.contenders = Arrays.stream(v.split(",")).map(String::trim).toList();
                case "--rounds" -> o.rounds = positive(a, Integer.parseInt(v));
                case "--warmup" -> o.warmupSeconds = Double.parseDouble(v);
                case "--measure" -> o.measureSeconds = Double.parseDouble(v);
                case "--progress" -> o.progressSeconds = Double.parseDouble(v);
                case "--seed" -> o.seed = Long.parseLong(v);
                case "--cache-bytes" -> o.cacheBytes = v;
                case "--pg-primary" -> o.pgPrimary = v;
                case "--pg-replicas" -> o.pgReplicas = v.isBlank() ? List.of()
                        : Arrays.stream(v.split(",")).map(String::trim).toList();
                case "--pg-db" -> o.pgDatabase = v;
                case "--pg-user" -> o.pgUser = v;
                case "--pg-password" -> o.pgPassword = v;
                case "--redis" -> o.redis = v;
                case "--redis-user" -> o.redisUser = v;
                case "--redis-password" -> o.redisPassword = v;
                case "--load" -> {
                    if (!v.equals("yes") && !v.equals("only") && !v.equals("no")) {
                        throw new IllegalArgumentException("--load takes yes, only or no, not '" + v + "'");
                    }
                    o.load = v;
                }
                case "--out-dir" -> o.outDir = Path.of(v);
                case "--chart" -> o.chart = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
            }
        }
        if (!o.target.equals("h2") && !o.target.equals("postgres")) {
            throw new IllegalArgumentException("target must be h2 or postgres, not '" + o.target + "'");
        }
        if (o.poolSize < 0) {
            o.poolSize = o.threads;
        }
        return o;
    }

    private static <N extends Number> N positive(String name, N value) {
        if (value.doubleValue() <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    /** Write ratio for {@code mix}: the override if given, else the mix's default. */
    double writeRatio(Mix mix) {
        if (mix == Mix.READ_ONLY || mix == Mix.PREPARED_REPEATED) {
            return 0;
        }
        return writeRatio >= 0 ? writeRatio : mix.defaultWriteRatio();
    }

    boolean wants(String contender) {
        return contenders.isEmpty() || contenders.contains(contender);
    }

    /** The command-line help. */
    public static String usage() {
        return """
                usage: WorkloadRunner [h2|postgres] [options]
                  --quick                 2 rounds of 0.5 s warm-up + 1.5 s measured (smoke run)
                  --threads N             worker threads (4)            --pool N   pool size per contender (= threads)
                  --rows N                products, the key space (100000); customers = rows/10
                  --zipf S                Zipf exponent (0.99)          --write-ratio R  override mixes b (0.10), c (0.05), e (0.50)
                  --mixes a,b,c,d,e       which mixes                   --contenders x,y  which contenders (all)
                  --rounds N (3)  --warmup S (2)  --measure S (4)  --progress S (3)  --seed N (42)
                  --cache-bytes SIZE      cachet.maxBytes of the cache-on contender (512MB)
                  --pg-primary H:P (127.0.0.1:26432)  --pg-replicas H:P,H:P (127.0.0.1:26433,127.0.0.1:26434; '' for none)
                  --pg-db NAME (cachet_bench)  --pg-user U (postgres)  --pg-password P ('')
                  --redis URIS            adds the shared-tier contenders cachet-shared (strict), cachet-shared-bc
                                          (broadcast), cachet-redis (strict, in-process tier of 1KB: hits from Redis)
                  --redis-user U  --redis-password P
                  --load yes|only|no      create and load the tables (yes), only that (only), or use them (no)
                  --out-dir DIR (bench/target/workload)  --chart FILE.svg (<out-dir>/<target>.svg)
                """;
    }
}
