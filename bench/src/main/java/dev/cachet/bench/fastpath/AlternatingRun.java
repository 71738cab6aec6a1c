package dev.cachet.bench.fastpath;

import dev.cachet.bench.workload.Spread;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs {@link FastPathBenchmark}'s operations in alternating rounds (A B C … A B C …) on one set of worker
 * threads, each with its own connections: every round a warm-up then a measured window per contender, so drift on
 * a shared machine hits every contender alike. A contender's ratio is taken against its direct counterpart of the
 * same round; the median over rounds is what is reported. Throughput is the sum of each worker's operations over the
 * time it measured, the clock read every {@link #CLOCK_EVERY} operations. Allocation per operation is each worker's
 * own allocated bytes over the measured window ({@code com.sun.management.ThreadMXBean}), summed, divided by the
 * operations.
 */
final class AlternatingRun {

    /** One operation of the benchmark on one worker's session. */
    interface Operation {
        long run(FastPathBenchmark.Database db, FastPathBenchmark.Session s) throws SQLException;
    }

    /**
     * Throughput (ops/s), allocation (B/op) and the workers' own CPU time per operation (ns/op, which the other
     * processes on a shared machine disturb far less than throughput) of one contender in one round.
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

    private AlternatingRun() {
    }

    static Map<String, List<Sample>> run(String backend, int threads, Map<String, Operation> contenders, int rounds,
                                         long warmupMillis, long measureMillis) throws Exception {
        FastPathBenchmark.Database db = new FastPathBenchmark.Database();
        db.backend = backend;
        db.create();
        List<FastPathBenchmark.Session> sessions = new ArrayList<>();
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        contenders.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
        try {
            for (int t = 0; t < threads; t++) {
                FastPathBenchmark.Session s = new FastPathBenchmark.Session();
                s.open(db);
                s.hot = t * (FastPathBenchmark.HOT / threads);
                sessions.add(s);
            }
            // round 0: every contender once, unmeasured (JIT, pools, the hot keys filled)
            for (int round = 0; round <= rounds; round++) {
                for (Map.Entry<String, Operation> c : contenders.entrySet()) {
                    Sample sample = window(db, sessions, c.getValue(), round == 0 ? 2 * warmupMillis : warmupMillis,
                            measureMillis);
                    if (round > 0) {
                        samples.get(c.getKey()).add(sample);
                    }
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

    private static Sample window(FastPathBenchmark.Database db, List<FastPathBenchmark.Session> sessions,
                                 Operation op, long warmupMillis, long measureMillis) throws Exception {
        int n = sessions.size();
        LongAdder ops = new LongAdder();
        LongAdder bytes = new LongAdder();
        LongAdder cpu = new LongAdder();
        DoubleAdder rate = new DoubleAdder();
        CyclicBarrier start = new CyclicBarrier(n + 1);
        long[] window = new long[2];
        Throwable[] failure = new Throwable[1];
        List<Thread> workers = new ArrayList<>();
        for (FastPathBenchmark.Session s : sessions) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    long sink = 0;
                    long began;
                    do {
                        for (int i = 0; i < CLOCK_EVERY; i++) {
                            sink += op.run(db, s);
                        }
                    } while ((began = System.nanoTime()) < window[0]);
                    long allocated = THREADS.getCurrentThreadAllocatedBytes();
                    long cpuStart = THREADS.getCurrentThreadCpuTime();
                    long count = 0;
                    long ended;
                    do {
                        for (int i = 0; i < CLOCK_EVERY; i++) {
                            sink += op.run(db, s);
                        }
                        count += CLOCK_EVERY;
                    } while ((ended = System.nanoTime()) < window[1]);
                    bytes.add(THREADS.getCurrentThreadAllocatedBytes() - allocated);
                    cpu.add(THREADS.getCurrentThreadCpuTime() - cpuStart);
                    ops.add(count);
                    // each worker's own rate over the time it measured, which runs past the window by < CLOCK_EVERY ops
                    rate.add(count * 1e9 / (ended - began));
                    SINK.add(sink);
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }, "fastpath-worker");
            worker.start();
            workers.add(worker);
        }
        long now = System.nanoTime();
        window[0] = now + warmupMillis * 1_000_000;
        window[1] = window[0] + measureMillis * 1_000_000;
        start.await();
        for (Thread w : workers) {
            w.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("a worker failed", failure[0]);
        }
        long count = ops.sum();
        return new Sample(rate.sum(), count == 0 ? Double.NaN : bytes.sum() / (double) count,
                count == 0 ? Double.NaN : cpu.sum() / (double) count);
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
