package dev.cachet.examples.shop;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Calls the shop's REST API and Actuator over HTTP, as a client would. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final String base;

    Http(int port) {
        this.base = "http://localhost:" + port;
    }

    String get(String path) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    String put(String path, String json) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("PUT " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** A product's price as the API returns it. */
    String price(long id) throws Exception {
        return field(get("/products/" + id), "price");
    }

    /** The COUNT (or VALUE) of an Actuator metric, or null when the registry has no such meter. */
    Double metric(String nameAndTags) throws Exception {
        String body = get("/actuator/metrics/" + nameAndTags);
        Matcher m = Pattern.compile("\"statistic\":\"(COUNT|VALUE)\",\"value\":([0-9.E+-]+)").matcher(body);
        return m.find() ? Double.valueOf(m.group(2)) : null;
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"?([^,\"}]*)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + json);
        }
        return m.group(1);
    }
}
