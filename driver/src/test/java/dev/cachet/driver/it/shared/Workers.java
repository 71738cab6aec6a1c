package dev.cachet.driver.it.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * Application instances in separate JVMs ({@link SharedWorker}), started with the test's own class path, followed
 * through what they print: {@code READY}, {@code STATS k=v …} lines, {@code DONE k=v …}. Closing kills what is left.
 */
final class Workers implements AutoCloseable {

    /** One instance. */
    static final class Worker {
        final int index;
        final Process process;
        final Path out;
        final List<String> lines = new CopyOnWriteArrayList<>();
        volatile Map<String, String> stats = Map.of();
        volatile Map<String, String> done;
        volatile Map<String, String> base = Map.of();
        volatile boolean ready;

        Worker(int index, Process process, Path out) {
            this.index = index;
            this.process = process;
            this.out = out;
        }

        long stat(String name) {
            Map<String, String> s = done != null ? done : stats;
            String v = s.get(name);
            return v == null ? 0 : Long.parseLong(v);
        }

        /** How much {@code name} grew since the worker was READY (what a warm-up counted is left out). */
        long delta(String name) {
            String v = base.get(name);
            return stat(name) - (v == null ? 0 : Long.parseLong(v));
        }

        String state() {
            Map<String, String> s = done != null ? done : stats;
            return s.getOrDefault("state", "?");
        }

        void send(String line) {
            try {
                OutputStream in = process.getOutputStream();
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw new AssertionError("worker " + index + " is gone: " + lines, e);
            }
        }

        @Override
        public String toString() {
            return "worker " + index + " " + (done != null ? done : stats);
        }
    }

    final List<Worker> all = new ArrayList<>();
    private final Path dir;

    Workers() throws IOException {
        this.dir = Files.createTempDirectory("cachet-shared-it");
    }

    /** Starts an instance with {@code settings} ({@code command}, {@code url}, …) and waits until it is READY. */
    Worker start(Properties settings) throws IOException {
        int index = all.size();
        Path out = dir.resolve("worker-" + index + ".bin");
        settings.setProperty("out", out.toString());
        Path file = dir.resolve("worker-" + index + ".properties");
        try (FileOutputStream f = new FileOutputStream(file.toFile())) {
            settings.store(f, null);
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dcachet.parseBudget=5s",
                "-cp", System.getProperty("java.class.path"), SharedWorker.class.getName(), file.toString()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Worker w = new Worker(index, process, out);
        all.add(w);
        Thread reader = new Thread(() -> follow(w), "follow-worker-" + index);
        reader.setDaemon(true);
        reader.start();
        return w;
    }

    private static void follow(Worker w) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(w.process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.equals("READY")) {
                    w.ready = true;
                } else if (line.startsWith("BASE ")) {
                    w.base = parse(line.substring(5));
                } else if (line.startsWith("STATS ")) {
                    w.stats = parse(line.substring(6));
                } else if (line.startsWith("DONE ")) {
                    w.done = parse(line.substring(5));
                } else {
                    w.lines.add(line);
                    System.out.println("worker " + w.index + ": " + line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static Map<String, String> parse(String text) {
        Map<String, String> m = new HashMap<>();
        for (String part : text.trim().split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return m;
    }

    void awaitReady() {
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    for (Worker w : all) {
                        if (!w.process.isAlive() && !w.ready) {
                            throw new AssertionError("worker " + w.index + " died before READY: " + w.lines);
                        }
                    }
                    return all.stream().allMatch(w -> w.ready);
                });
    }

    void go() {
        all.forEach(w -> w.send("GO"));
    }

    void stop() {
        all.forEach(w -> {
            if (w.process.isAlive()) {
                w.send("STOP");
            }
        });
    }

    /** Waits until every worker printed DONE and exited. */
    void awaitDone(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        for (Worker w : all) {
            long left = deadline - System.nanoTime();
            assertThat(w.process.waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS))
                    .as("worker " + w.index + " ends").isTrue();
            assertThat(w.process.exitValue()).as("worker " + w.index + " exit: " + w.lines).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.done != null);
        }
    }

    /** Waits until {@code condition} holds for every worker. */
    void awaitAll(Duration atMost, Predicate<Worker> condition) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20))
                .until(() -> all.stream().allMatch(condition));
    }

    long sum(String stat) {
        return all.stream().mapToLong(w -> w.stat(stat)).sum();
    }

    long sumDelta(String stat) {
        return all.stream().mapToLong(w -> w.delta(stat)).sum();
    }

    @Override
    public void close() throws IOException {
        for (Worker w : all) {
            w.process.destroyForcibly();
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
