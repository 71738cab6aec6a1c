package dev.cachet.agent;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Starts a Java program in a JVM of its own and collects what it printed. */
final class ForkedJvm {

    /** What a forked JVM did. */
    record Result(int exitCode, String stdout, String stderr) {

        /** The program's {@code RESULT name=value} lines. */
        Map<String, String> results() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : stdout.split("\\R")) {
                if (line.startsWith("RESULT ")) {
                    int eq = line.indexOf('=');
                    m.put(line.substring(7, eq), line.substring(eq + 1));
                }
            }
            return m;
        }

        /** The agent's own lines on standard error. */
        List<String> agentLines() {
            return stderr.lines().filter(l -> l.startsWith("Cachet agent:")).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private ForkedJvm() {
    }

    /** The {@code java} launcher of the JVM running the tests. */
    static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** A Temurin 25 installation under /usr/lib/jvm, or null. */
    static Path temurin25() {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("temurin-25"))
                    .map(d -> d.resolve("bin").resolve("java")).filter(Files::isExecutable).sorted().findFirst()
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    static Result run(Path java, List<String> jvmArgs, List<String> classPath, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmArgs);
        if (classPath != null) {
            command.add("-cp");
            command.add(String.join(File.pathSeparator, classPath));
        }
        if (mainClass != null) {
            command.add(mainClass);
        }
        command.addAll(List.of(args));
        Path out = Files.createTempFile("cachet-fork", ".out");
        Path err = Files.createTempFile("cachet-fork", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("JVM did not finish within 180 s: " + command + "\n"
                        + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The entries of the test JVM's class path whose file name starts with one of {@code prefixes}. */
    static List<String> testClassPath(String... prefixes) {
        List<String> found = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            for (String prefix : prefixes) {
                if (name.startsWith(prefix)) {
                    found.add(entry);
                }
            }
        }
        return found;
    }

    /** The test classes directory (where the test applications are). */
    static String testClasses() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith("test-classes") || entry.endsWith("test-classes/")) {
                return entry;
            }
        }
        throw new IllegalStateException("no test-classes on the class path");
    }
}
