package dev.cachet.driver.settings;

import dev.cachet.cache.shared.EncryptionKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Parses the {@code cachet.shared.*} values (DESIGN §10). Messages name what is wrong without ever quoting a key or a
 * password: a settings error is shown to whoever reads the application's logs.
 */
public final class SharedSettings {

    private SharedSettings() {
    }

    /** Checks that every comma-separated item is a {@code redis://} or {@code rediss://} URI; returns the text trimmed. */
    public static String uri(String text) {
        String trimmed = text.trim();
        for (String item : trimmed.split(",")) {
            String u = item.trim().toLowerCase(Locale.ROOT);
            if (!u.startsWith("redis://") && !u.startsWith("rediss://")) {
                throw new IllegalArgumentException("'" + redacted(item.trim()) + "' is not a Redis URI; expected "
                        + "redis://host:port or rediss://host:port, comma-separated");
            }
            String rest = u.substring(u.indexOf("://") + 3);
            if (rest.isEmpty() || rest.startsWith("/") || rest.endsWith("@")) {
                throw new IllegalArgumentException("'" + redacted(item.trim()) + "' names no host");
            }
        }
        return trimmed;
    }

    /** The URIs with any password replaced by {@code ***}. */
    public static String redacted(String uri) {
        return uri.replaceAll("(?i)([a-z][a-z0-9+.-]*://)[^@/,]*@", "$1***@");
    }

    public static int entryBytes(String text) {
        long bytes = Sizes.parse(text);
        if (bytes < 64 || bytes > (1L << 30)) {
            throw new IllegalArgumentException("'" + text + "' must be from 64 bytes to 1GB");
        }
        return (int) bytes;
    }

    /** Reads the key named by {@code text}: {@code env:NAME}, or a file path. */
    public static EncryptionKey key(String text) {
        String spec = text.trim();
        if (spec.regionMatches(true, 0, "env:", 0, 4)) {
            String name = spec.substring(4).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("env: names no environment variable");
            }
            return EncryptionKey.fromEnvironment(name);
        }
        try {
            return EncryptionKey.fromFile(Path.of(spec));
        } catch (IOException | InvalidPathException e) {
            throw new IllegalArgumentException("cannot read the key file " + spec + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    public static String pemFile(String text) {
        String path = text.trim();
        try {
            if (!Files.isReadable(Path.of(path))) {
                throw new IllegalArgumentException("cannot read the certificate file " + path);
            }
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + path + "' is not a file path");
        }
        return path;
    }
}
