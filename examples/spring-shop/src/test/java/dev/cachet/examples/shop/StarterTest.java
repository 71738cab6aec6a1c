package dev.cachet.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.Cachet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

/**
 * Way in 2: the starter on the class path, the application's own {@code jdbc:h2:} URL unchanged. Statistics come
 * from Micrometer through Actuator, as an operator would read them.
 */
@SpringBootTest(classes = ShopApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.url=jdbc:h2:mem:shop_starter;DB_CLOSE_DELAY=-1", "cachet.cluster=shop",
                "cachet.ttl=5m"})
class StarterTest {

    @Autowired
    Environment environment;

    @AfterAll
    static void forget() {
        Cachet.shutdown();
    }

    @Test
    void readsHitAndWritesAreSeenAtOnce() throws Exception {
        Http http = new Http(environment.getRequiredProperty("local.server.port", Integer.class));
        ShopScenario.run(http);
        assertThat(http.metric("cache.gets?tag=cache:shop&tag=result:hit")).isGreaterThanOrEqualTo(18.0);
        assertThat(http.metric("cache.gets?tag=cache:shop&tag=result:miss")).isPositive();
        assertThat(http.metric("cache.puts?tag=cache:shop")).isPositive();
        assertThat(http.metric("cachet.invalidations?tag=cache:shop")).isPositive();
        assertThat(http.metric("cachet.routing?tag=cache:shop&tag=target:primary")).isPositive();
        assertThat(http.get("/actuator/cachet")).contains("\"shop\"").contains("\"hitRatio\"");
        assertThat(http.get("/actuator/cachet/explain?sql=SELECT%20name%20FROM%20product")).contains(
                "\"cacheable\":true").contains("\"ttl\":\"PT5M\"");
        // the application's own Caffeine, alongside Cachet's
        assertThat(http.get("/about")).contains("caffeine-3.1.8.jar");
    }
}
