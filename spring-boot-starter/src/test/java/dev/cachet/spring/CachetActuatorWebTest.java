package dev.cachet.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.cachet.driver.Cachet;
import dev.cachet.driver.CachetCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

/**
 * The starter in a real Boot web application: Boot's own HikariCP DataSource gets Cachet over it, Boot binds the
 * meters (read through {@code /actuator/metrics}), and the {@code cachet} endpoint's reads and writes obey Spring
 * Security like any other Actuator operation.
 */
@SpringBootTest(classes = WebApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:starter_web;DB_CLOSE_DELAY=-1",
        "management.endpoints.web.exposure.include=cachet,metrics",
        "cachet.cluster=web"})
class CachetActuatorWebTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    DataSource dataSource;

    @Autowired
    Environment environment;

    @AfterAll
    static void forgetClusters() {
        Cachet.shutdown();
    }

    @Test
    void bootsPoolGetsCachetAndTheEndpointIsSecuredLikeActuator() throws Exception {
        assertThat(dataSource).isInstanceOf(HikariDataSource.class);
        CachetCluster cluster;
        try (Connection c = dataSource.getConnection()) {
            CachetAutoConfigurationTest.exec(c, "CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(20))",
                    "INSERT INTO item VALUES (1, 'pen')");
            cluster = Cachet.cluster(c);
            assertThat(cluster.id()).isEqualTo("web");
            for (int i = 0; i < 3; i++) {
                assertThat(CachetAutoConfigurationTest.one(c, "SELECT name FROM item WHERE id = 1")).isEqualTo("pen");
            }
        }

        // Boot bound the meters: two hits, one miss
        HttpResponse<String> hits = get("/actuator/metrics/cache.gets?tag=cache:web&tag=result:hit", "viewer");
        assertThat(hits.statusCode()).isEqualTo(200);
        assertThat(value(hits.body())).isEqualTo(2.0);
        assertThat(value(get("/actuator/metrics/cache.gets?tag=cache:web&tag=result:miss", "viewer").body()))
                .isEqualTo(1.0);
        assertThat(get("/actuator/metrics/cachet.routing?tag=cache:web&tag=target:primary", "viewer").statusCode())
                .isEqualTo(200);

        // reads: statistics and explain, for any Actuator reader, nobody else
        assertThat(get("/actuator/cachet", null).statusCode()).isEqualTo(401);
        HttpResponse<String> stats = get("/actuator/cachet", "viewer");
        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.body()).contains("\"web\"").contains("\"hits\":2").contains("\"misses\":1");
        HttpResponse<String> explain = get("/actuator/cachet/explain?sql=SELECT%20name%20FROM%20item", "viewer");
        assertThat(explain.statusCode()).isEqualTo(200);
        assertThat(explain.body()).contains("\"cacheable\":true").contains("\"tablesRead\":[\"item\"]");

        // writes: only for Actuator writers
        assertThat(send("POST", "/actuator/cachet", "{\"table\":\"item\"}", "viewer").statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/actuator/cachet", null, "viewer").statusCode()).isEqualTo(403);
        assertThat(cluster.statistics().cache().entries()).isEqualTo(1);
        HttpResponse<String> invalidated = send("POST", "/actuator/cachet", "{\"table\":\"item\"}", "admin");
        assertThat(invalidated.statusCode()).isEqualTo(200);
        assertThat(invalidated.body()).contains("\"invalidated\":\"item\"");
        assertThat(cluster.statistics().cache().entries()).isZero();
        try (Connection c = dataSource.getConnection()) {
            CachetAutoConfigurationTest.one(c, "SELECT name FROM item WHERE id = 1");
        }
        assertThat(cluster.statistics().misses()).isEqualTo(2);
        assertThat(send("DELETE", "/actuator/cachet", null, "admin").statusCode()).isIn(200, 204);
        assertThat(cluster.statistics().cache().entries()).isZero();
    }

    private static Double value(String metricJson) {
        Matcher m = Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.E+-]+)").matcher(metricJson);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        return send("GET", path, null, user);
    }

    private HttpResponse<String> send(String method, String path, String json, String user) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:"
                + environment.getProperty("local.server.port") + path));
        if (user != null) {
            String credentials = user + ":" + user + "-secret";
            b.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
