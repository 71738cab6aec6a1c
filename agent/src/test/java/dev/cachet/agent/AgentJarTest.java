package dev.cachet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import example.jdbcapp.JdbcApp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built agent jar, attached with {@code -javaagent} to {@link JdbcApp} — an application that knows nothing of
 * Cachet and ships its own Caffeine and Byte Buddy (other versions than the agent's) — each run in a JVM of its own.
 * Caching is proven by H2's own statistics: the database ran the repeated read once instead of every time.
 * Runs after {@code package} (the jar must exist); the build passes the jar's path.
 */
class AgentJarTest {

    private static final Path AGENT = Path.of(System.getProperty("dev.cachet.test.agentJar", "target/missing.jar"));

    @TempDir
    Path temp;

    /** The hostile application's class path: its classes, H2, HikariCP, SLF4J, and its own Caffeine and Byte Buddy. */
    private static List<String> appClassPath() throws IOException {
        List<String> cp = new ArrayList<>();
        cp.add(ForkedJvm.testClasses());
        cp.addAll(ForkedJvm.testClassPath("h2-", "HikariCP-", "slf4j-api-"));
        try (var libs = Files.list(Path.of(System.getProperty("dev.cachet.test.appLibs")))) {
            libs.map(Path::toString).sorted().forEach(cp::add);
        }
        return cp;
    }

    private static ForkedJvm.Result app(Path java, Path agent, String agentArgs, String db, String how,
                                        String... jvmArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of(jvmArgs));
        if (agent != null) {
            args.add("-javaagent:" + agent + (agentArgs == null ? "" : "=" + agentArgs));
        }
        return ForkedJvm.run(java, args, appClassPath(), JdbcApp.class.getName(), db, how);
    }

    private static void assertCached(ForkedJvm.Result r) {
        Map<String, String> results = r.results();
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(results.get("done")).as(r.toString()).isEqualTo("true");
        // the application's own libraries, not the agent's relocated copies
        assertThat(results.get("caffeine")).isEqualTo("caffeine-" + System.getProperty("dev.cachet.test.appCaffeine")
                + ".jar");
        assertThat(results.get("bytebuddy")).isEqualTo("byte-buddy-"
                + System.getProperty("dev.cachet.test.appByteBuddy") + ".jar");
        assertThat(results.get("ownCaffeineWorks")).isEqualTo("true");
        assertThat(results.get("ownByteBuddyWorks")).isEqualTo("true");
        // of the 20 reads one ran on H2; the write invalidated it, so the read after it ran there too and saw it
        assertThat(results.get("dbExecutions")).as(r.toString()).isEqualTo("2");
        assertThat(results.get("readAfterWrite")).isEqualTo("quill");
        assertThat(Long.parseLong(results.get("jmxHits"))).isGreaterThanOrEqualTo(JdbcApp.READS - 1);
        assertThat(r.agentLines()).as(r.toString()).hasSize(1);
        assertThat(r.agentLines().get(0)).startsWith("Cachet agent: active (Cachet 0.1.0-SNAPSHOT) for");
    }

    private static void assertUncached(ForkedJvm.Result r) {
        assertUncached(r, false);
    }

    /** @param wrapped whether the agent still wraps the connections (uncached for another reason) */
    private static void assertUncached(ForkedJvm.Result r, boolean wrapped) {
        Map<String, String> results = r.results();
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(results.get("done")).as(r.toString()).isEqualTo("true");
        assertThat(results.get("dbExecutions")).as(r.toString()).isEqualTo(Integer.toString(JdbcApp.READS + 1));
        assertThat(results.get("readAfterWrite")).isEqualTo("quill");
        if (!wrapped) {
            assertThat(results.get("jmxClusters")).isEqualTo("0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hikari", "hikari-datasource", "datasource", "drivermanager"})
    void wrapsEveryWayAnApplicationConnectsOnJava17(String how) throws Exception {
        ForkedJvm.Result r = app(ForkedJvm.currentJava(), AGENT, null, "shop", how);
        assertCached(r);
        if (how.startsWith("hikari")) {
            // the pool pools Cachet connections
            assertThat(r.results().get("connectionClass")).startsWith("dev.cachet.agent.shaded.cachet.driver.");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hikari-datasource"})
    void wrapsOnTemurin25(String how) throws Exception {
        Path java25 = ForkedJvm.temurin25();
        // the fast suite runs wherever a JDK 17 is; the integration suite requires Temurin 25 (AgentFatJarIT)
        assumeTrue(java25 != null, "no Temurin 25 under /usr/lib/jvm");
        ForkedJvm.Result r = app(java25, AGENT, null, "shop", how);
        assertCached(r);
        assertThat(r.stderr()).doesNotContain("sun.misc.Unsafe");
    }

    @Test
    void argumentsConfigureCachetAndChooseWhatIsWrapped() throws Exception {
        // Cachet settings apply: a zero TTL caches nothing, from the arguments or from a system property
        assertUncached(app(ForkedJvm.currentJava(), AGENT, "ttl=0", "shop", "hikari"), true);
        assertUncached(app(ForkedJvm.currentJava(), AGENT, null, "shop", "hikari", "-Dcachet.ttl.item=0"), true);
        // excluded URLs are left alone; so are URLs an include list does not name
        assertUncached(app(ForkedJvm.currentJava(), AGENT, "exclude=jdbc:h2:mem:sh*", "shop", "hikari"));
        assertUncached(app(ForkedJvm.currentJava(), AGENT, null, "shop", "hikari",
                "-Dcachet.agent.include=jdbc:postgresql:*,jdbc:mariadb:*"));
        ForkedJvm.Result included = app(ForkedJvm.currentJava(), AGENT, "include=jdbc:postgresql:*,jdbc:h2:mem:sh*",
                "shop", "hikari");
        assertCached(included);
        assertThat(included.stderr()).doesNotContain("Unknown Cachet setting");
    }

    @Test
    void badArgumentsLeaveTheApplicationRunningUncachedAndSaySoOnce() throws Exception {
        ForkedJvm.Result r = app(ForkedJvm.currentJava(), AGENT, "ttl=banana", "shop", "hikari");
        assertUncached(r);
        assertThat(r.agentLines()).hasSize(1);
        assertThat(r.agentLines().get(0)).startsWith("Cachet agent: not installed, the application runs without"
                + " Cachet: Cachet setting cachet.ttl from the agent arguments has a bad value: 'banana'");
        ForkedJvm.Result noName = app(ForkedJvm.currentJava(), AGENT, "30s", "shop", "hikari");
        assertUncached(noName);
        assertThat(noName.agentLines()).singleElement().asString().contains("'30s' is not name=value");
    }

    @Test
    void aDriverCachetDoesNotKnowRunsUncachedAndIsNamedOnce() throws Exception {
        ForkedJvm.Result r = app(ForkedJvm.currentJava(), AGENT, null, "toyshop", "toy");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.results().get("dbExecutions")).isEqualTo(Integer.toString(JdbcApp.READS + 1));
        assertThat(r.results().get("readAfterWrite")).isEqualTo("quill");
        assertThat(r.agentLines()).as(r.toString()).hasSize(2);
        assertThat(r.agentLines().get(1)).isEqualTo("Cachet agent: jdbc:toy: connections run without Cachet: Cachet"
                + " does not know this database (cachet.agent.include=jdbc:toy:* wraps them anyway, analysed as"
                + " generic SQL)");
    }

    @Test
    void aClassThatCannotBeLoadedAtAttachLeavesTheApplicationUncached() throws Exception {
        Path broken = without("dev/cachet/agent/shaded/bytebuddy/");
        ForkedJvm.Result r = app(ForkedJvm.currentJava(), broken, null, "shop", "hikari");
        assertUncached(r);
        assertThat(r.agentLines()).as(r.toString()).singleElement().asString()
                .startsWith("Cachet agent: not installed, the application runs without Cachet: java.lang.NoClassDefFoundError");
    }

    @Test
    void aClassThatCannotBeLoadedLaterSwitchesTheAgentOffOnce() throws Exception {
        Path broken = without("dev/cachet/agent/shaded/caffeine/");
        ForkedJvm.Result r = app(ForkedJvm.currentJava(), broken, null, "shop", "hikari");
        assertUncached(r);
        assertThat(r.agentLines()).as(r.toString()).hasSize(2);
        assertThat(r.agentLines().get(1)).startsWith("Cachet agent: switched off, the application runs without Cachet"
                + " from now on: java.lang.NoClassDefFoundError");
    }

    @Test
    void anApplicationUsingCachetItselfIsNotWrappedTwice() throws Exception {
        // the application's own class path holds Cachet (un-relocated) and it connects with jdbc:cachet: URLs
        List<String> cp = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.replace('\\', '/').matches(".*/agent/target/classes/?")) { // the agent is in its jar only
                cp.add(entry);
            }
        }
        ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJava(), List.of("-javaagent:" + AGENT), cp,
                JdbcApp.class.getName(), "own", "hikari", "jdbc:cachet:h2:mem:");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.results().get("dbExecutions")).isEqualTo("2");
        assertThat(r.results().get("readAfterWrite")).isEqualTo("quill");
        // the agent wrapped only the plain jdbc:h2: connections (4 set-up statements and the statistics query), not
        // the real connections beneath the application's own Cachet
        assertThat(r.results().get("jmxExecutions")).isEqualTo("5");
        // the application's Cachet did the caching: its connection class is its own, not the agent's copy
        assertThat(r.results().get("connectionClass")).startsWith("dev.cachet.driver.");
    }

    /** A copy of the agent jar without the entries under {@code prefix}: a class that cannot be loaded. */
    private Path without(String prefix) throws IOException {
        Path copy = temp.resolve("cachet-agent-broken.jar");
        try (JarFile in = new JarFile(AGENT.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy), in.getManifest())) {
            Enumeration<JarEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (e.getName().startsWith(prefix) || e.getName().equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(e.getName()));
                try (InputStream is = in.getInputStream(e)) {
                    is.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return copy;
    }

}
