package dev.cachet.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shop as it ships — a Spring Boot fat jar, its libraries (its own Caffeine and Byte Buddy among them) nested
 * inside — started with {@code java -javaagent:cachet-agent.jar -jar shop.jar} on Java 17 and on Temurin 25. Under
 * -Pit Temurin 25 must be installed (/usr/lib/jvm/temurin-25*); the test fails without it.
 */
class AgentFatJarIT {

    private static Path shopJar() {
        Path jar = Path.of(System.getProperty("dev.cachet.test.shopJar", "missing"));
        assertThat(jar).as("the shop's fat jar (built by package)").isRegularFile();
        return jar;
    }

    @Test
    void onJava17() throws Exception {
        run(ShopProcess.currentJava());
    }

    @Test
    void onTemurin25() throws Exception {
        Path java25 = ShopProcess.temurin25();
        assertThat(java25).as("Temurin 25 under /usr/lib/jvm").isNotNull();
        run(java25);
    }

    private static void run(Path java) throws Exception {
        try (ShopProcess shop = ShopProcess.start(java, List.of(
                "-javaagent:" + ShopProcess.agentJar() + "=ttl=5m,maxBytes=32MB",
                "-jar", shopJar().toString(),
                "--server.port=0", "--spring.datasource.url=jdbc:h2:mem:shop_fat;DB_CLOSE_DELAY=-1"))) {
            ShopScenario.run(new Http(shop.port));
            assertThat(shop.jmxSum("Hits")).as(shop.output()).isGreaterThanOrEqualTo(18);
            assertThat(shop.jmxSum("Invalidations")).isPositive();
            assertThat(shop.agentLines()).as(shop.output()).hasSize(1);
            assertThat(shop.agentLines().get(0)).startsWith("Cachet agent: active");
            // the starter is inside the fat jar too: it saw the agent and left the DataSource alone
            assertThat(shop.output()).contains("the Cachet agent is active and wraps the connections itself");
            assertThat(shop.output()).doesNotContain("sun.misc.Unsafe");
            assertThat(new Http(shop.port).get("/about")).contains("caffeine-3.1.8.jar");
            assertThat(Files.exists(shopJar())).isTrue();
        }
    }
}
