package dev.cachet.examples.shop;

import com.sun.tools.attach.VirtualMachine;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The shop started in a JVM of its own, as an operator starts an application: {@code java -javaagent:… -cp …} or
 * {@code -jar}. Waits (with a deadline, never a fixed sleep) until the web server reports its port, and reads
 * Cachet's JMX beans through the JVM's attach mechanism, as jconsole would.
 */
final class ShopProcess implements AutoCloseable {

    private static final Pattern PORT = Pattern.compile("Tomcat started on port[s]?[(s): ]*(\\d+)");
    private static final Pattern STARTED = Pattern.compile("Started \\w+ in [0-9.]+ seconds");

    private final Process process;
    private final Path log;
    final int port;

    private ShopProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static ShopProcess start(Path java, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(arguments);
        Path log = Files.createTempFile("cachet-shop", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Matcher m = PORT.matcher(out);
            // the port is known when the server starts; the application is ready once it says Started
            if (m.find() && STARTED.matcher(out).find()) {
                return new ShopProcess(p, log, Integer.parseInt(m.group(1)));
            }
            if (!p.isAlive()) {
                throw new AssertionError("the shop exited with " + p.exitValue() + ":\n" + out);
            }
            p.waitFor(200, TimeUnit.MILLISECONDS);
        }
        p.destroyForcibly();
        throw new AssertionError("the shop did not start within 180 s:\n" + Files.readString(log));
    }

    /** Everything the application printed so far. */
    String output() throws Exception {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The agent's own lines. */
    List<String> agentLines() throws Exception {
        return output().lines().filter(l -> l.startsWith("Cachet agent:")).toList();
    }

    /** Sums a numeric attribute over Cachet's JMX beans ({@code dev.cachet:type=Cluster,*}) in the application. */
    long jmxSum(String attribute) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(process.pid()));
        try {
            String address = vm.startLocalManagementAgent();
            try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection server = c.getMBeanServerConnection();
                Set<ObjectName> names = server.queryNames(new ObjectName("dev.cachet:type=Cluster,*"), null);
                if (names.isEmpty()) {
                    throw new AssertionError("no Cachet JMX bean in the application:\n" + output());
                }
                long sum = 0;
                for (ObjectName n : names) {
                    sum += ((Number) server.getAttribute(n, attribute)).longValue();
                }
                return sum;
            }
        } finally {
            vm.detach();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(log);
    }

    /** The agent jar the build made. */
    static Path agentJar() {
        Path jar = Path.of(System.getProperty("dev.cachet.test.agentJar", "missing"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("no agent jar at " + jar + " (build the agent module first)");
        }
        return jar;
    }

    static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** A Temurin 25 installation under /usr/lib/jvm, or null. */
    static Path temurin25() throws Exception {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("temurin-25"))
                    .map(d -> d.resolve("bin").resolve("java")).filter(Files::isExecutable).sorted().findFirst()
                    .orElse(null);
        }
    }

    /**
     * The test class path without Cachet: the shop as an unmodified application has neither the driver nor the
     * starter (reactor modules appear as their target/classes directories, installed ones as cachet-* jars).
     */
    static String classPathWithoutCachet() {
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            boolean cachet = e.contains("/cachet-") || e.matches(".*/(driver|cache|parser|agent|spring-boot-starter)"
                    + "/target/(test-)?classes/?");
            boolean tests = e.endsWith("/test-classes") || e.endsWith("/test-classes/");
            if (!cachet && !tests) {
                kept.add(entry);
            }
        }
        return String.join(File.pathSeparator, kept);
    }
}
