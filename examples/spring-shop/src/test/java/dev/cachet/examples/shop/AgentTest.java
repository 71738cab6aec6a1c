package dev.cachet.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Way in 3: the shop unmodified — no Cachet on its class path, its own {@code jdbc:h2:} URL — started with
 * {@code -javaagent:cachet-agent.jar}. Statistics come from the agent's JMX beans.
 */
class AgentTest {

    @Test
    void readsHitAndWritesAreSeenAtOnce() throws Exception {
        String cp = ShopProcess.classPathWithoutCachet();
        assertThat(cp).doesNotContain("spring-boot-starter/target").doesNotContain("driver/target");
        try (ShopProcess shop = ShopProcess.start(ShopProcess.currentJava(), List.of(
                "-javaagent:" + ShopProcess.agentJar() + "=ttl=5m",
                "-cp", cp, ShopApplication.class.getName(),
                "--server.port=0", "--spring.datasource.url=jdbc:h2:mem:shop_agent;DB_CLOSE_DELAY=-1"))) {
            ShopScenario.run(new Http(shop.port));
            assertThat(shop.jmxSum("Hits")).as(shop.output()).isGreaterThanOrEqualTo(18);
            assertThat(shop.jmxSum("Invalidations")).isPositive();
            assertThat(shop.jmxSum("Fills")).isPositive();
            assertThat(shop.agentLines()).as(shop.output()).hasSize(1);
            assertThat(shop.agentLines().get(0)).startsWith("Cachet agent: active");
            assertThat(new Http(shop.port).get("/about")).contains("caffeine-3.1.8.jar");
        }
    }
}
