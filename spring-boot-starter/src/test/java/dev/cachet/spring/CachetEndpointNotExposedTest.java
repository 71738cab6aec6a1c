package dev.cachet.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.Cachet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

/** Like every Actuator endpoint but health, {@code cachet} is not reachable over HTTP until the application exposes it. */
@SpringBootTest(classes = WebApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties =
        "spring.datasource.url=jdbc:h2:mem:starter_hidden;DB_CLOSE_DELAY=-1")
class CachetEndpointNotExposedTest {

    @Autowired
    Environment environment;

    @AfterAll
    static void forgetClusters() {
        Cachet.shutdown();
    }

    @Test
    void notExposedByDefault() throws Exception {
        for (String method : new String[] {"GET", "DELETE"}) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:"
                            + environment.getProperty("local.server.port") + "/actuator/cachet"))
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString("admin:admin-secret".getBytes(StandardCharsets.UTF_8)))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method).isEqualTo(404);
        }
    }
}
