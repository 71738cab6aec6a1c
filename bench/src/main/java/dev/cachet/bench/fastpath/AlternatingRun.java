package dev.cachet.bench.fastpath;

import dev.cachet.bench.workload.Spread;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs {@link FastPathBenchmark}'s operations in short alternating slices (A B C … B C A … C A B …) on one set of
 * sessions, one per worker thread, each with its own connections. After an unmeasured warm-up of every
 * contender, each round gives every contender one slice; the order rotates from round to round so that no contender
 * always follows the same one. A contender's ratio is taken against its direct counterpart of the same round, and the
 * median over many rounds is what is reported: a spell of a few hundred milliseconds on a shared machine (another
 * process, a GC, the server's checkpoint) then moves a few ratios, not the median — with 1.5 s windows and five
 * rounds it moved whole rounds. Throughput is the sum of each worker's operations over the time it measured, the
 * clock read every {@link #CLOCK_EVERY} operations. Allocation per operation is each worker's own allocated bytes
 * over the measured part of the slice ({@code com.sun.management.ThreadMXBean}), summed, divided by the operations.
 */
final class AlternatingRun {

    /** One operation of the benchmark on one worker's session. */
    interface Operation {
        long run(FastPathBenchmark.Database db, FastPathBenchmark.Session s) throws SQLException;
    }

    /**
     * Throughput (ops/s), allocation (B/op) and the workers' own CPU time per operation (ns/op, which the other
     * processes on a shared machine disturb far less than throughput) of one contender in one slice.
     */
    record Sample(double opsPerSecond, double bytesPerOp, double cpuNanosPerOp) {}

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final LongAdder SINK = new LongAdder();
    /**
     * Operations between two reads of the clock. A read costs 20–28 ns on this project's machines, a tenth of a hit:
     * read after every operation it was part of what a hit measured (JMH, too, keeps the clock out of the loop).
     * Figures from before this change (the docs say which) carry that read in every operation.
     */
    private static final int CLOCK_EVERY = 16;
    /** The part of each slice run before measuring, so that the switch from the contender before is not measured. */
    static final int WARM_IN_PERCENT = 10;

    private AlternatingRun() {
    }

    /**
     * Runs every contender for {@code warmupMillis} unmeasured, then {@code rounds} rounds of one slice each.
     *
     * @return per contender, one sample per round, in round order
     */
    static Map<String, List<Sample>> run(String backend, int threads, Map<String, Operation> contenders, int rounds,
                                         long warmupMillis, long sliceMillis) throws Exception {
        FastPathBenchmark.Database db = new FastPathBenchmark.Database();
        db.backend = backend;
        db.create();
        List<FastPathBenchmark.Session> sessions = new ArrayList<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        contenders.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
        List<String> names = new ArrayList<>(contenders.keySet());
        try {
            for (int t = 0; t < threads; t++) {
                FastPathBenchmark.Session s = new FastPathBenchmark.Session();
                s.open(db);
                s.hot = t * (FastPathBenchmark.HOT / threads);
                sessions.add(s);
            }
            Workers workers = new Workers(db, sessions);
            // JIT, pools, the hot keys filled
            for (String name : names) {
                workers.slice(contenders.get(name), warmupMillis, 0);
            }
            long warmIn = Math.max(1, sliceMillis * WARM_IN_PERCENT / 100);
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < names.size(); i++) {
                    String name = names.get((round + i) % names.size());
                    samples.get(name).add(workers.slice(contenders.get(name), warmIn, sliceMillis));
                }
            }
        } finally {
            for (FastPathBenchmark.Session s : sessions) {
                s.close();
            }
            db.drop();
        }
        return samples;
    }

    /** The sessions of a run, one per worker thread, and the slices they run one at a time. */
    private static final class Workers {
        private final FastPathBenchmark.Database db;
        private final List<FastPathBenchmark.Session> sessions;

        Workers(FastPathBenchmark.Database db, List<FastPathBenchmark.Session> sessions) {
            this.db = db;
            this.sessions = sessions;
        }

        /**
         * Runs {@code op} on a new thread per session, unmeasured for {@code warmInMillis}, then measured for
         * {@code measureMillis}. New threads each slice: with a server on the same few cores, where the scheduler
         * puts a client thread beside its server process halves or doubles what both cost (a thread kept for a whole
         * run kept one placement, and one contender got the slow one in most of its slices).
         */
        Sample slice(Operation op, long warmInMillis, long measureMillis) throws Exception {
            int n = sessions.size();
            long[] count = new long[n];
            long[] bytes = new long[n];
            long[] cpu = new long[n];
            double[] rate = new double[n];
            Throwable[] failure = new Throwable[n];
            long measureFrom = System.nanoTime() + warmInMillis * 1_000_000;
            long until = measureFrom + measureMillis * 1_000_000;
            Thread[] threads = new Thread[n];
            for (int i = 0; i < n; i++) {
                int w = i;
                threads[i] = new Thread(() -> {
                    try {
                        run(op, sessions.get(w), measureFrom, until, w, count, bytes, cpu, rate);
                    } catch (Throwable e) {
                        failure[w] = e;
                    }
                }, "fastpath-worker-" + i);
                threads[i].start();
            }
            long ops = 0;
            long allocated = 0;
            long cpuNanos = 0;
            double opsPerSecond = 0;
            for (int i = 0; i < n; i++) {
                threads[i].join();
                if (failure[i] != null) {
                    throw new IllegalStateException("a worker failed", failure[i]);
                }
                ops += count[i];
                allocated += bytes[i];
                cpuNanos += cpu[i];
                opsPerSecond += rate[i];
            }
            return new Sample(opsPerSecond, ops == 0 ? Double.NaN : allocated / (double) ops,
                    ops == 0 ? Double.NaN : cpuNanos / (double) ops);
        }

        private void run(Operation op, FastPathBenchmark.Session s, long measureFrom, long until, int w, long[] count,
                         long[] bytes, long[] cpu, double[] rate) throws SQLException {
            long sink = 0;
            long began;
            do {
                for (int i = 0; i < CLOCK_EVERY; i++) {
                    sink += op.run(db, s);
                }
            } while ((began = System.nanoTime()) < measureFrom);
            long allocated = THREADS.getCurrentThreadAllocatedBytes();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long n = 0;
            long ended = began;
            while (ended < until) {
                for (int i = 0; i < CLOCK_EVERY; i++) {
                    sink += op.run(db, s);
                }
                n += CLOCK_EVERY;
                ended = System.nanoTime();
            }
            bytes[w] = THREADS.getCurrentThreadAllocatedBytes() - allocated;
            cpu[w] = THREADS.getCurrentThreadCpuTime() - cpuStart;
            count[w] = n;
            // each worker's own rate over the time it measured, which runs past the slice by < CLOCK_EVERY ops
            rate[w] = n == 0 ? 0 : n * 1e9 / (ended - began);
            SINK.add(sink);
        }
    }

    /** The median and spread over rounds of contender / direct, each round against its own direct figure. */
    static Spread ratio(List<Sample> contender, List<Sample> direct) {
        double[] r = new double[contender.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = contender.get(i).opsPerSecond() / direct.get(i).opsPerSecond();
        }
        return Spread.of(r);
    }

    static Spread ops(List<Sample> samples) {
        return Spread.of(samples.stream().mapToDouble(Sample::opsPerSecond).toArray());
    }

    static Spread cpuNanos(List<Sample> samples) {
        return Spread.of(samples.stream().mapToDouble(Sample::cpuNanosPerOp).toArray());
    }

    static Spread bytes(List<Sample> samples) {
        return Spread.of(samples.stream().mapToDouble(Sample::bytesPerOp).toArray());
    }
}
