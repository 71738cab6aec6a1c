package dev.cachet.driver.settings;

import java.util.Locale;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The real driver options of one logical connection that may change how its results render (pgjdbc's
 * {@code stringtype}, Connector/J's {@code tinyInt1isBit}, a time zone option, …), as one string that is part of every
 * cache key: connections opened with different options never share entries, whatever the first connection of the
 * cluster used (DESIGN §2, §7). Credentials are left out (the user is a key part of its own; passwords never enter a
 * key), and so are Cachet's own settings.
 */
public final class DriverOptions {

    private DriverOptions() {
    }

    /** The options of a connection opened through {@code realUrl} with {@code properties} (Cachet's removed). */
    public static String of(String realUrl, Properties properties) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (!secret(name) && !name.equalsIgnoreCase("user")) {
                sorted.put(name, properties.getProperty(name));
            }
        }
        StringBuilder sb = new StringBuilder(64);
        sb.append(urlParameters(realUrl));
        sorted.forEach((k, v) -> sb.append('\n').append(k).append('=').append(v));
        return sb.toString();
    }

    /** A wrapped DataSource's options cannot be read: its identity stands for them. */
    public static String ofDataSource(long serial) {
        return "datasource#" + serial;
    }

    private static boolean secret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret");
    }

    /** The URL's parameters without credentials ({@code ?a=b&…} or {@code ;a=b;…}), in their order. */
    private static String urlParameters(String url) {
        int q = url.indexOf('?');
        int semi = url.indexOf(';');
        int start = q < 0 ? semi : semi < 0 ? q : Math.min(q, semi);
        if (start < 0) {
            return "";
        }
        StringBuilder kept = new StringBuilder();
        for (String part : url.substring(start + 1).split("[&;]")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            if (!secret(name) && !name.equalsIgnoreCase("user")) {
                kept.append(part).append('&');
            }
        }
        return kept.toString();
    }
}
