package dev.cachet.driver.settings;

import dev.cachet.driver.CachetSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;

/**
 * The {@code cachet.properties} file on the class path: looked up through the thread's context class loader, then
 * Cachet's own; read once per class loader and kept (weakly keyed, so a redeployed application's loader is not
 * pinned).
 */
public final class SettingsFile {

    public static final String NAME = "cachet.properties";

    /** The file's cachet.* entries and where they came from; empty when there is no file. */
    public static final class Contents {
        public static final Contents NONE = new Contents(Map.of(), null);
        public final Map<String, String> values;
        public final String location;

        Contents(Map<String, String> values, String location) {
            this.values = values;
            this.location = location;
        }
    }

    private static final Map<ClassLoader, Contents> CACHE = new WeakHashMap<>();

    private SettingsFile() {
    }

    public static Contents load() throws SQLException {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = SettingsFile.class.getClassLoader();
        if (context != null) {
            Contents c = load(context);
            if (c != Contents.NONE || context == own) {
                return c;
            }
        }
        return own != null ? load(own) : Contents.NONE;
    }

    private static Contents load(ClassLoader loader) throws SQLException {
        synchronized (CACHE) {
            Contents cached = CACHE.get(loader);
            if (cached != null) {
                return cached;
            }
        }
        Contents read = read(loader);
        synchronized (CACHE) {
            CACHE.putIfAbsent(loader, read);
            return CACHE.get(loader);
        }
    }

    private static Contents read(ClassLoader loader) throws SQLException {
        URL url = loader.getResource(NAME);
        if (url == null) {
            return Contents.NONE;
        }
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new SQLNonTransientConnectionException("Cannot read Cachet settings file " + url + ": "
                    + e.getMessage(), CachetSettings.SQL_STATE, e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            values.put(key, p.getProperty(key));
        }
        return new Contents(Collections.unmodifiableMap(values), url.toString());
    }

    /** Forgets what was read, so tests can put a different file on the class path. */
    public static void clearCache() {
        synchronized (CACHE) {
            CACHE.clear();
        }
    }
}
