package dev.cachet.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.Cachet;
import dev.cachet.driver.ClusterStatistics;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

/**
 * Way in 1: the URL prefix swap alone — {@code jdbc:cachet:h2:…} and Cachet's driver class, the starter switched
 * off. Statistics come from Cachet's operator API.
 */
@SpringBootTest(classes = ShopApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.datasource.url=jdbc:cachet:h2:mem:shop_url;DB_CLOSE_DELAY=-1",
                "spring.datasource.driver-class-name=dev.cachet.driver.CachetDriver",
                "spring.autoconfigure.exclude=dev.cachet.spring.CachetAutoConfiguration"})
class UrlSwapTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    Environment environment;

    @AfterAll
    static void forget() {
        Cachet.shutdown();
    }

    @Test
    void readsHitAndWritesAreSeenAtOnce() throws Exception {
        ShopScenario.run(new Http(environment.getRequiredProperty("local.server.port", Integer.class)));
        ClusterStatistics s = Cachet.cluster(dataSource).statistics();
        assertThat(s.hits()).isGreaterThanOrEqualTo(18);
        assertThat(s.invalidations()).isPositive();
        assertThat(s.writes()).isPositive();
        assertThat(s.cache().fills()).isPositive();
    }
}
