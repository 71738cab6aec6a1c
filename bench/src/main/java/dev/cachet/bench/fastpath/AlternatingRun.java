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
            // JIT, pools, the hot keys filled
            for (String name : names) {
                slice(db, sessions, contenders.get(name), warmupMillis, 0);
            }
            long warmIn = Math.max(1, sliceMillis * WARM_IN_PERCENT / 100);
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < names.size(); i++) {
                    String name = names.get((round + i) % names.size());
                    samples.get(name).add(slice(db, sessions, contenders.get(name), warmIn, sliceMillis));
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

    /**
     * Runs {@code op} on a new thread per session, unmeasured for {@code warmInMillis}, then measured for
     * {@code measureMillis}. New threads each slice: with a server on the same few cores, where the scheduler puts a
     * client thread beside its server process halves or doubles what both cost (a thread kept for a whole run kept
     * one placement, and one contender got the slow one in most of its slices).
     */
    private static Sample slice(FastPathBenchmark.Database db, List<FastPathBenchmark.Session> sessions, Operation op,
                                long warmInMillis, long measureMillis) throws Exception {
        long measureFrom = System.nanoTime() + warmInMillis * 1_000_000;
        long until = measureFrom + measureMillis * 1_000_000;
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (FastPathBenchmark.Session s : sessions) {
            Worker w = new Worker(db, s, op, measureFrom, until);
            Thread t = new Thread(w, "fastpath-worker-" + workers.size());
            workers.add(w);
            threads.add(t);
            t.start();
        }
        long ops = 0;
        long allocated = 0;
        long cpuNanos = 0;
        double opsPerSecond = 0;
        for (int i = 0; i < workers.size(); i++) {
            threads.get(i).join();
            Worker w = workers.get(i);
            if (w.failure != null) {
                throw new IllegalStateException("a worker failed", w.failure);
            }
            ops += w.count;
            allocated += w.bytes;
            cpuNanos += w.cpu;
            opsPerSecond += w.rate;
        }
        return new Sample(opsPerSecond, ops == 0 ? Double.NaN : allocated / (double) ops,
                ops == 0 ? Double.NaN : cpuNanos / (double) ops);
    }

    /** One session's part of a slice; its results are read after its thread is joined. */
    private static final class Worker implements Runnable {
        private final FastPathBenchmark.Database db;
        private final FastPathBenchmark.Session session;
        private final Operation op;
        private final long measureFrom;
        private final long until;
        long count;
        long bytes;
        long cpu;
        double rate;
        Throwable failure;

        Worker(FastPathBenchmark.Database db, FastPathBenchmark.Session session, Operation op, long measureFrom,
               long until) {
            this.db = db;
            this.session = session;
            this.op = op;
            this.measureFrom = measureFrom;
            this.until = until;
        }

        @Override
        public void run() {
            try {
                long sink = 0;
                long began;
                do {
                    for (int i = 0; i < CLOCK_EVERY; i++) {
                        sink += op.run(db, session);
                    }
                } while ((began = System.nanoTime()) < measureFrom);
                long allocated = THREADS.getCurrentThreadAllocatedBytes();
                long cpuStart = THREADS.getCurrentThreadCpuTime();
                long n = 0;
                long ended = began;
                while (ended < until) {
                    for (int i = 0; i < CLOCK_EVERY; i++) {
                        sink += op.run(db, session);
                    }
                    n += CLOCK_EVERY;
                    ended = System.nanoTime();
                }
                bytes = THREADS.getCurrentThreadAllocatedBytes() - allocated;
                cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
                count = n;
                // the worker's own rate over the time it measured, which runs past the slice by < CLOCK_EVERY ops
                rate = n == 0 ? 0 : n * 1e9 / (ended - began);
                SINK.add(sink);
            } catch (Throwable e) {
                failure = e;
            }
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
