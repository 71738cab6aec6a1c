package dev.cachet.agent;

import dev.cachet.driver.CachetSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What the agent was told: Cachet settings from its arguments, and which JDBC URLs to wrap.
 *
 * <p><b>Arguments</b> ({@code -javaagent:cachet-agent.jar=ttl=30s,replicas=r1:5432,r2:5432}): {@code name=value}
 * items separated by commas; a name may omit its {@code cachet.} prefix. An item without {@code =} continues the
 * previous value, so lists need no quoting ({@code replicas=r1:5432,r2:5432} is one setting). Cachet settings given
 * here apply to every connection the agent wraps, unless the URL or the application's connection properties set
 * the same name; they are stronger than system properties and {@code cachet.properties}.
 *
 * <p><b>What is wrapped</b>: {@code cachet.agent.include} and {@code cachet.agent.exclude}, comma-separated URL
 * patterns in which {@code *} matches anything (from the arguments as {@code include=} / {@code exclude=}, else system
 * properties, else {@code cachet.properties} on the system class path). A URL matching an exclude pattern is never
 * wrapped; with include patterns, only a URL matching one is; without, the URLs of the databases Cachet knows
 * (PostgreSQL, MySQL, MariaDB, H2).
 */
final class AgentSettings {

    static final String INCLUDE = CachetSettings.AGENT_PREFIX + "include";
    static final String EXCLUDE = CachetSettings.AGENT_PREFIX + "exclude";
    /** Databases Cachet knows: wrapped when no include pattern is given. */
    static final List<String> KNOWN = List.of("jdbc:postgresql:", "jdbc:mysql:", "jdbc:mariadb:", "jdbc:h2:");

    private final Map<String, String> cachet;
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final String includeText;

    private AgentSettings(Map<String, String> cachet, String include, String exclude) {
        this.cachet = Collections.unmodifiableMap(cachet);
        this.include = patterns(include);
        this.exclude = patterns(exclude);
        this.includeText = include;
    }

    /**
     * Reads the arguments (and the agent's own names from system properties and {@code cachet.properties}) and checks
     * the Cachet settings as a connection would.
     *
     * @throws IllegalArgumentException with a message naming what is wrong
     */
    static AgentSettings load(String arguments) {
        Map<String, String> given = parse(arguments);
        Map<String, String> cachet = new LinkedHashMap<>();
        String include = null;
        String exclude = null;
        for (Map.Entry<String, String> e : given.entrySet()) {
            String name = e.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("include") || lower.equals(INCLUDE.toLowerCase(Locale.ROOT))) {
                include = e.getValue();
            } else if (lower.equals("exclude") || lower.equals(EXCLUDE.toLowerCase(Locale.ROOT))) {
                exclude = e.getValue();
            } else {
                cachet.put(CachetSettings.isCachetName(name) ? name : CachetSettings.PREFIX + name, e.getValue());
            }
        }
        Properties file = settingsFile();
        if (include == null) {
            include = System.getProperty(INCLUDE, file.getProperty(INCLUDE));
        }
        if (exclude == null) {
            exclude = System.getProperty(EXCLUDE, file.getProperty(EXCLUDE));
        }
        Properties check = new Properties();
        check.putAll(cachet);
        try {
            CachetSettings.resolve(check, Map.of());
        } catch (SQLException e) {
            throw new IllegalArgumentException(e.getMessage().replace("the connection properties", "the agent arguments"),
                    e);
        }
        return new AgentSettings(cachet, include, exclude);
    }

    /** {@code name=value} items, commas between them; an item without {@code =} continues the previous value. */
    static Map<String, String> parse(String arguments) {
        Map<String, String> items = new LinkedHashMap<>();
        if (arguments == null || arguments.isBlank()) {
            return items;
        }
        String last = null;
        for (String part : arguments.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                if (last == null) {
                    throw new IllegalArgumentException("agent argument '" + part.trim()
                            + "' is not name=value (expected e.g. ttl=30s,maxBytes=128MB)");
                }
                items.put(last, items.get(last) + "," + part.trim());
                continue;
            }
            String name = part.substring(0, eq).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("agent argument '" + part.trim() + "' has no name");
            }
            items.put(name, part.substring(eq + 1).trim());
            last = name;
        }
        return items;
    }

    private static Properties settingsFile() {
        Properties p = new Properties();
        ClassLoader loader = ClassLoader.getSystemClassLoader();
        URL url = loader == null ? null : loader.getResource("cachet.properties");
        if (url != null) {
            try (InputStream in = url.openStream()) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot read " + url + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    private static List<Pattern> patterns(String list) {
        List<Pattern> patterns = new ArrayList<>();
        if (list == null) {
            return patterns;
        }
        for (String item : list.split(",")) {
            String glob = item.trim();
            if (!glob.isEmpty()) {
                StringBuilder re = new StringBuilder();
                for (String piece : glob.split("\\*", -1)) {
                    if (re.length() > 0) {
                        re.append(".*");
                    }
                    re.append(Pattern.quote(piece));
                }
                patterns.add(Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL));
            }
        }
        return patterns;
    }

    /** The Cachet settings of the arguments ({@code cachet.*} names). */
    Map<String, String> cachetSettings() {
        return cachet;
    }

    /** Whether connections to {@code url} are wrapped. */
    boolean wraps(String url) {
        if (url == null) {
            return false;
        }
        for (Pattern p : exclude) {
            if (p.matcher(url).matches()) {
                return false;
            }
        }
        if (!include.isEmpty()) {
            for (Pattern p : include) {
                if (p.matcher(url).matches()) {
                    return true;
                }
            }
            return false;
        }
        return known(url);
    }

    static boolean known(String url) {
        for (String prefix : KNOWN) {
            if (url.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return true;
            }
        }
        return false;
    }

    /** Which URLs are wrapped, for the line the agent writes when it starts. */
    String describe() {
        String what = include.isEmpty() ? String.join(", ", KNOWN) + " URLs" : "URLs matching " + includeText;
        if (!exclude.isEmpty()) {
            what += " except those matching the exclude patterns";
        }
        // names only: a value may be a secret
        return what + (cachet.isEmpty() ? "" : "; settings given: " + String.join(", ", cachet.keySet()));
    }
}
