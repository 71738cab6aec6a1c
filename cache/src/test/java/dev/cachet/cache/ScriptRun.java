package dev.cachet.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the project's server scripts for a test, within a deadline: its output goes to a file, not a pipe, so
 * a server it daemonizes cannot hold the test's read open; past the deadline the script and everything it started
 * that is still its child are killed, and the test fails with what the script printed.
 */
public final class ScriptRun {

    private ScriptRun() {
    }

    /**
     * Runs {@code command} with {@code environment} added, and returns its output (standard output and error).
     *
     * @throws AssertionError when it exits non-zero, or is still running after {@code timeout}
     */
    public static String run(List<String> command, Map<String, String> environment, Duration timeout) {
        Path log = null;
        Process process = null;
        boolean ended = false;
        try {
            log = Files.createTempFile("cachet-script-", ".log");
            // the scripts are bash: a Unix machine, whose /dev/null is the input they must never wait on
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(environment);
            process = builder.start();
            ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                kill(process);
            }
            // bytes as the script wrote them (redis-cli passes values through raw): never a decoding failure
            String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            if (!ended) {
                throw new AssertionError(String.join(" ", command) + " still running after " + timeout
                        + ", killed:\n" + output);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + process.exitValue() + ":\n"
                        + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } finally {
            if (process != null && !ended && process.isAlive()) {
                kill(process); // the test was interrupted (its time limit): the script must not outlive it
            }
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException e) {
                    // a temporary file left behind is no reason to fail the test
                }
            }
        }
    }

    /**
     * Kills the script, then what it had started: the children are listed first, as they are no longer its
     * descendants once it is gone (a server it daemonized never was one, and lives on).
     */
    private static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
