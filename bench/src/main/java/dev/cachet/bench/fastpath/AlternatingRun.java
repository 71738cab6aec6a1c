package dev.cachet.bench.fastpath;

import dev.cachet.bench.workload.Spread;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs {@link FastPathBenchmark}'s operations in short alternating slices (A B C … B C A … C A B …) on one set of
 * worker threads that live for the whole run, each with its own connections. After an unmeasured warm-up of every
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
        Workers workers = null;
        try {
            for (int t = 0; t < threads; t++) {
                FastPathBenchmark.Session s = new FastPathBenchmark.Session();
                s.open(db);
                s.hot = t * (FastPathBenchmark.HOT / threads);
                sessions.add(s);
            }
            workers = new Workers(db, sessions);
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
            if (workers != null) {
                workers.stop();
            }
            for (FastPathBenchmark.Session s : sessions) {
                s.close();
            }
            db.drop();
        }
        return samples;
    }

    /** The worker threads, one per session, running one slice at a time while the caller waits. */
    private static final class Workers {
        private final FastPathBenchmark.Database db;
        private final List<FastPathBenchmark.Session> sessions;
        private final CyclicBarrier go;
        private final CyclicBarrier done;
        private final List<Thread> threads = new ArrayList<>();
        // written by the caller before go, read by the workers after it (the barrier orders them)
        private Operation op;
        private long measureFrom;
        private long until;
        private boolean stopping;
        // written by each worker before done, read by the caller after it
        private final long[] count;
        private final long[] bytes;
        private final long[] cpu;
        private final double[] rate;
        private final Throwable[] failure;

        Workers(FastPathBenchmark.Database db, List<FastPathBenchmark.Session> sessions) {
            this.db = db;
            this.sessions = sessions;
            int n = sessions.size();
            go = new CyclicBarrier(n + 1);
            done = new CyclicBarrier(n + 1);
            count = new long[n];
            bytes = new long[n];
            cpu = new long[n];
            rate = new double[n];
            failure = new Throwable[n];
            for (int i = 0; i < n; i++) {
                int worker = i;
                Thread t = new Thread(() -> work(worker), "fastpath-worker-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        /** Runs {@code op} on every worker, unmeasured for {@code warmInMillis}, then measured for the rest. */
        Sample slice(Operation op, long warmInMillis, long measureMillis) throws Exception {
            this.op = op;
            measureFrom = System.nanoTime() + warmInMillis * 1_000_000;
            until = measureFrom + measureMillis * 1_000_000;
            go.await();
            done.await();
            long ops = 0;
            long allocated = 0;
            long cpuNanos = 0;
            double opsPerSecond = 0;
            for (int i = 0; i < count.length; i++) {
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

        void stop() throws Exception {
            stopping = true;
            go.await();
            for (Thread t : threads) {
                t.join();
            }
        }

        private void work(int worker) {
            FastPathBenchmark.Session s = sessions.get(worker);
            long sink = 0;
            try {
                while (true) {
                    go.await();
                    if (stopping) {
                        break;
                    }
                    if (failure[worker] == null) {
                        try {
                            sink += slice(worker, s);
                        } catch (Throwable e) {
                            failure[worker] = e;
                        }
                    }
                    done.await();
                }
            } catch (InterruptedException | java.util.concurrent.BrokenBarrierException e) {
                failure[worker] = e;
            }
            SINK.add(sink);
        }

        private long slice(int worker, FastPathBenchmark.Session s) throws SQLException {
            Operation op = this.op;
            long measureFrom = this.measureFrom;
            long until = this.until;
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
            bytes[worker] = THREADS.getCurrentThreadAllocatedBytes() - allocated;
            cpu[worker] = THREADS.getCurrentThreadCpuTime() - cpuStart;
            count[worker] = n;
            // each worker's own rate over the time it measured, which runs past the slice by < CLOCK_EVERY ops
            rate[worker] = n == 0 ? 0 : n * 1e9 / (ended - began);
            return sink;
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
