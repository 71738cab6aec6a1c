package dev.cachet.driver;

import dev.cachet.driver.settings.SettingValues;
import dev.cachet.parser.Dialect;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code jdbc:cachet:<rest>} URL: the real driver's URL ({@code jdbc:<rest>} without Cachet's own
 * parameters, every other byte unchanged), Cachet's parameters, the dialect, the host list and the database.
 *
 * <p>Parameters are read in the form the real driver uses: {@code ?a=b&c=d} for PostgreSQL, MySQL and MariaDB (names
 * and values percent-decoded), {@code ;a=b} for H2 (a {@code \;} inside a value is not a separator). For other
 * drivers, {@code ?…&…} when the URL has a {@code ?}, else {@code ;…}. A parameter is Cachet's when its name starts
 * with {@code cachet.} in any case.
 *
 * <p>{@link #hosts()} understands PostgreSQL host lists ({@code h1:5432,h2:5433}, {@code [::1]:5432}), MySQL and
 * MariaDB host lists (including {@code replication:}/{@code loadbalance:}/… sub-protocols, {@code user:pass@host},
 * {@code [h1,h2]} sub-lists and the {@code address=(host=…)(port=…)} and {@code (host=…,port=…)} forms) and H2's
 * {@code tcp://}/{@code ssl://} servers; default ports are filled in (5432, 3306, 9092).
 */
public final class CachetUrl {

    /** The prefix this driver accepts, compared case-insensitively. */
    public static final String PREFIX = "jdbc:cachet:";

    /** pgjdbc parameters that make sense only for a host list; a single-replica URL must not carry them. */
    private static final Set<String> PG_MULTI_HOST_PARAMETERS =
            Set.of("targetservertype", "loadbalancehosts", "hostrecheckseconds");
    private static final Pattern MYSQL_MODE =
            Pattern.compile("(?i)^(jdbc:(?:mysql|mariadb)):(replication|loadbalance|load-balance-read|sequential"
                    + "|failover|aurora):");
    private static final Pattern KV_HOST = Pattern.compile("(?i)(?:^|[(,])\\s*host\\s*=\\s*([^(),]+)");
    private static final Pattern KV_PORT = Pattern.compile("(?i)(?:^|[(,])\\s*port\\s*=\\s*([0-9]+)");

    private final String url;
    private final String realUrl;
    private final Map<String, String> cachetParameters;
    private final Dialect dialect;
    private final List<String> hosts;
    private final String database;
    /** Where the host list sits in {@link #realUrl} (after any user-info), or -1 when there is none. */
    private final int hostsStart;
    private final int hostsEnd;

    private CachetUrl(String url, String realUrl, Map<String, String> cachetParameters, Dialect dialect,
                      List<String> hosts, String database, int hostsStart, int hostsEnd) {
        this.url = url;
        this.realUrl = realUrl;
        this.cachetParameters = cachetParameters;
        this.dialect = dialect;
        this.hosts = hosts;
        this.database = database;
        this.hostsStart = hostsStart;
        this.hostsEnd = hostsEnd;
    }

    /** True when {@code url} starts with {@code jdbc:cachet:}, in any case. */
    public static boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /**
     * Parses a Cachet URL.
     *
     * @throws SQLException SQLState 08001 when {@code url} is not a {@code jdbc:cachet:} URL, has nothing after the
     *                      prefix, or has a Cachet parameter that cannot be decoded
     */
    public static CachetUrl parse(String url) throws SQLException {
        if (!accepts(url)) {
            throw malformed(url, "it does not start with " + PREFIX);
        }
        String rest = url.substring(PREFIX.length());
        if (rest.isBlank() || rest.indexOf(':') <= 0) {
            throw malformed(url, "expected the real driver's URL without its 'jdbc:' after " + PREFIX
                    + ", e.g. jdbc:cachet:postgresql://host:5432/db");
        }
        String withParameters = "jdbc:" + rest;
        Dialect dialect = Dialect.fromJdbcUrl(withParameters);
        Map<String, String> parameters = new LinkedHashMap<>();
        String real;
        boolean query = dialect == Dialect.POSTGRESQL || dialect == Dialect.MYSQL
                || (dialect == Dialect.GENERIC && withParameters.indexOf('?') >= 0);
        try {
            real = query ? stripQueryParameters(withParameters, parameters)
                    : stripSemicolonParameters(withParameters, parameters);
        } catch (IllegalArgumentException e) {
            throw malformed(url, e.getMessage());
        }
        return locate(url, real, Collections.unmodifiableMap(parameters), dialect);
    }

    /** The URL as given, with the {@code jdbc:cachet:} prefix. */
    public String url() {
        return url;
    }

    /** {@code jdbc:<rest>} with every Cachet parameter removed and nothing else changed: what the real driver gets. */
    public String realUrl() {
        return realUrl;
    }

    /** The Cachet parameters found in the URL, names as written, values decoded; in URL order. */
    public Map<String, String> cachetParameters() {
        return cachetParameters;
    }

    /** The dialect named by the URL's sub-protocol. */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * The servers as {@code host:port}, primary first, host names as written, default ports filled in
     * (PostgreSQL 5432, MySQL/MariaDB 3306, H2 server 9092; other drivers: as written). Empty for embedded H2 and URLs
     * without a host part. A host given in a form Cachet does not understand is kept as written.
     */
    public List<String> hosts() {
        return hosts;
    }

    /** The database: its name for servers, its path or {@code mem:name} for embedded H2 (a {@code file:} prefix dropped). */
    public String database() {
        return database;
    }

    /** The port the dialect's driver uses when none is written, or -1 when unknown. */
    public int defaultPort() {
        return defaultPort(dialect);
    }

    /**
     * The real URL of one server of this cluster (a replica of {@code cachet.replicas}): the host list replaced by
     * {@code hostPort}, everything else kept — except what only makes sense for a host list: pgjdbc's
     * {@code targetServerType}, {@code loadBalanceHosts} and {@code hostRecheckSeconds} are dropped, and a MySQL or
     * MariaDB {@code replication:}/{@code loadbalance:}/{@code sequential:}/… sub-protocol becomes the plain one.
     *
     * @throws IllegalArgumentException      when {@code hostPort} is not a valid {@code host[:port]}
     * @throws UnsupportedOperationException when the URL has no host part (embedded H2: replicas are given
     *                                       programmatically)
     */
    public String withHost(String hostPort) {
        SettingValues.validateHostPort(hostPort.trim());
        String base = realUrl;
        int start = hostsStart;
        int end = hostsEnd;
        if (start < 0) {
            if (dialect == Dialect.POSTGRESQL) { // jdbc:postgresql:db form
                String after = base.substring("jdbc:postgresql:".length());
                return "jdbc:postgresql://" + hostPort.trim() + "/" + after;
            }
            throw new UnsupportedOperationException("The URL " + realUrl + " names no host; give replicas of an "
                    + "embedded database programmatically");
        }
        String replaced = base.substring(0, start) + hostPort.trim() + base.substring(end);
        if (dialect == Dialect.POSTGRESQL) {
            return dropQueryParameters(replaced, PG_MULTI_HOST_PARAMETERS);
        }
        if (dialect == Dialect.MYSQL) {
            Matcher m = MYSQL_MODE.matcher(replaced);
            if (m.find()) {
                replaced = m.group(1) + ":" + replaced.substring(m.end());
            }
        }
        return replaced;
    }

    @Override
    public String toString() {
        return PREFIX + realUrl.substring("jdbc:".length()) + (cachetParameters.isEmpty() ? "" : " " + cachetParameters);
    }

    // --- parameters ------------------------------------------------------------------------------------------------

    private static String stripQueryParameters(String url, Map<String, String> found) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        String[] segments = url.substring(q + 1).split("&", -1);
        List<String> kept = new ArrayList<>(segments.length);
        boolean removed = false;
        for (String segment : segments) {
            int eq = segment.indexOf('=');
            String rawName = eq >= 0 ? segment.substring(0, eq) : segment;
            String name = decodeOrRaw(rawName).trim();
            if (CachetSettings.isCachetName(name)) {
                String rawValue = eq >= 0 ? segment.substring(eq + 1) : "";
                String value;
                try {
                    value = URLDecoder.decode(rawValue, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the value of " + name + " is not valid percent-encoding: '"
                            + rawValue + "'");
                }
                found.put(name, value);
                removed = true;
            } else {
                kept.add(segment);
            }
        }
        if (!removed) {
            return url;
        }
        boolean nothingLeft = kept.stream().allMatch(String::isEmpty);
        return nothingLeft ? url.substring(0, q) : url.substring(0, q + 1) + String.join("&", kept);
    }

    private static String stripSemicolonParameters(String url, Map<String, String> found) {
        List<String> parts = splitUnescaped(url, ';');
        if (parts.size() == 1) {
            return url;
        }
        StringBuilder out = new StringBuilder(url.length()).append(parts.get(0));
        boolean removed = false;
        for (int i = 1; i < parts.size(); i++) {
            String segment = parts.get(i);
            int eq = segment.indexOf('=');
            String name = (eq >= 0 ? segment.substring(0, eq) : segment).trim();
            if (CachetSettings.isCachetName(name)) {
                found.put(name, eq >= 0 ? segment.substring(eq + 1) : "");
                removed = true;
            } else {
                out.append(';').append(segment);
            }
        }
        return removed ? out.toString() : url;
    }

    /** Splits on {@code sep} except where it is escaped with a backslash (H2's {@code INIT=…\;…}). */
    private static List<String> splitUnescaped(String s, char sep) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                i++;
            } else if (c == sep) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static String dropQueryParameters(String url, Set<String> lowerNames) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        List<String> kept = new ArrayList<>();
        boolean removed = false;
        for (String segment : url.substring(q + 1).split("&", -1)) {
            int eq = segment.indexOf('=');
            String name = decodeOrRaw(eq >= 0 ? segment.substring(0, eq) : segment).trim().toLowerCase(Locale.ROOT);
            if (lowerNames.contains(name)) {
                removed = true;
            } else {
                kept.add(segment);
            }
        }
        if (!removed) {
            return url;
        }
        return kept.stream().allMatch(String::isEmpty) ? url.substring(0, q)
                : url.substring(0, q + 1) + String.join("&", kept);
    }

    private static String decodeOrRaw(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    // --- hosts and database ----------------------------------------------------------------------------------------

    private static CachetUrl locate(String url, String real, Map<String, String> parameters, Dialect dialect) {
        int port = defaultPort(dialect);
        switch (dialect) {
            case H2: {
                int semi = indexOfUnescaped(real, ';', 0);
                String location = semi >= 0 ? real.substring("jdbc:h2:".length(), semi)
                        : real.substring("jdbc:h2:".length());
                String locationLower = location.toLowerCase(Locale.ROOT);
                if (locationLower.startsWith("tcp://") || locationLower.startsWith("ssl://")) {
                    int start = "jdbc:h2:".length() + "tcp://".length();
                    int end = endOfAuthority(real, start);
                    List<String> hosts = splitHosts(real.substring(start, end), port);
                    String db = end < real.length() && real.charAt(end) == '/'
                            ? real.substring(end + 1, semi >= 0 ? semi : real.length()) : "";
                    return new CachetUrl(url, real, parameters, dialect, hosts, db, start, end);
                }
                String db = locationLower.startsWith("file:") ? location.substring("file:".length()) : location;
                return new CachetUrl(url, real, parameters, dialect, List.of(), db, -1, -1);
            }
            case POSTGRESQL:
            case MYSQL:
            case GENERIC:
            default: {
                int slashes = real.indexOf("//");
                int colon = real.indexOf(':', "jdbc:".length());
                if (slashes < 0 || (dialect == Dialect.POSTGRESQL && slashes != colon + 1)) {
                    // jdbc:postgresql:db, jdbc:oracle:thin:@…, jdbc:sqlserver-ish forms without //
                    int end = firstOf(real, colon + 1, '?', ';');
                    String db = real.substring(colon + 1, end);
                    List<String> hosts = dialect == Dialect.POSTGRESQL ? List.of("localhost:" + port) : List.of();
                    return new CachetUrl(url, real, parameters, dialect, hosts, db, -1, -1);
                }
                int start = slashes + 2;
                int end = endOfAuthority(real, start);
                int at = lastAtDepthZero(real, start, end, '@');
                int hostsStart = at >= 0 ? at + 1 : start;
                List<String> hosts = splitHosts(real.substring(hostsStart, end), port);
                if (hosts.isEmpty() && dialect != Dialect.GENERIC) {
                    hosts = List.of("localhost:" + port);
                }
                String db = "";
                if (end < real.length() && real.charAt(end) == '/') {
                    db = real.substring(end + 1, firstOf(real, end + 1, '?', dialect == Dialect.GENERIC ? ';' : '?'));
                }
                return new CachetUrl(url, real, parameters, dialect, hosts, db, hostsStart, end);
            }
        }
    }

    private static int defaultPort(Dialect dialect) {
        switch (dialect) {
            case POSTGRESQL:
                return 5432;
            case MYSQL:
                return 3306;
            case H2:
                return 9092;
            default:
                return -1;
        }
    }

    private static int indexOfUnescaped(String s, char c, int from) {
        for (int i = from; i < s.length(); i++) {
            char x = s.charAt(i);
            if (x == '\\') {
                i++;
            } else if (x == c) {
                return i;
            }
        }
        return -1;
    }

    private static int firstOf(String s, int from, char a, char b) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return s.length();
    }

    /** The authority ends at the first '/', '?' or ';' outside parentheses and brackets. */
    private static int endOfAuthority(String s, int from) {
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if ((c == ')' || c == ']') && depth > 0) {
                depth--;
            } else if (depth == 0 && (c == '/' || c == '?' || c == ';')) {
                return i;
            }
        }
        return s.length();
    }

    private static int lastAtDepthZero(String s, int from, int to, char target) {
        int depth = 0;
        int found = -1;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if ((c == ')' || c == ']') && depth > 0) {
                depth--;
            } else if (depth == 0 && c == target) {
                found = i;
            }
        }
        return found;
    }

    /** Splits a host list on commas outside parentheses and brackets, normalizing each item. */
    private static List<String> splitHosts(String authority, int defaultPort) {
        List<String> hosts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= authority.length(); i++) {
            char c = i < authority.length() ? authority.charAt(i) : ',';
            if (c == '(' || c == '[') {
                depth++;
            } else if ((c == ')' || c == ']') && depth > 0) {
                depth--;
            } else if (depth == 0 && c == ',') {
                String item = authority.substring(start, i).trim();
                start = i + 1;
                if (item.isEmpty()) {
                    continue;
                }
                if (item.startsWith("[") && item.endsWith("]") && item.indexOf(',') >= 0) {
                    hosts.addAll(splitHosts(item.substring(1, item.length() - 1), defaultPort)); // MySQL sub-list
                } else {
                    hosts.add(hostPort(item, defaultPort));
                }
            }
        }
        return List.copyOf(hosts);
    }

    private static String hostPort(String item, int defaultPort) {
        int at = lastAtDepthZero(item, 0, item.length(), '@');
        String spec = at >= 0 ? item.substring(at + 1) : item;
        if (spec.regionMatches(true, 0, "address=", 0, "address=".length()) || spec.startsWith("(")) {
            Matcher h = KV_HOST.matcher(spec);
            if (!h.find()) {
                return spec; // a form Cachet does not understand: kept as written
            }
            Matcher p = KV_PORT.matcher(spec);
            String host = h.group(1).trim();
            String port = p.find() ? p.group(1) : (defaultPort > 0 ? Integer.toString(defaultPort) : null);
            return port == null ? host : host + ":" + port;
        }
        return withDefaultPort(spec, defaultPort);
    }

    /** {@code host} → {@code host:defaultPort}; {@code [::1]} → {@code [::1]:defaultPort}; others unchanged. */
    static String withDefaultPort(String hostPort, int defaultPort) {
        if (defaultPort <= 0) {
            return hostPort;
        }
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close == hostPort.length() - 1 ? hostPort + ":" + defaultPort : hostPort;
        }
        int colon = hostPort.indexOf(':');
        if (colon < 0) {
            return hostPort + ":" + defaultPort;
        }
        return colon == hostPort.length() - 1 ? hostPort + defaultPort : hostPort;
    }

    private static SQLException malformed(String url, String why) {
        return new SQLNonTransientConnectionException("Malformed Cachet URL " + redact(url) + ": " + why,
                CachetSettings.SQL_STATE);
    }

    /** Hides a password given in the URL (user:password@ or password=…) from messages. */
    static String redact(String url) {
        if (url == null) {
            return "null";
        }
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("(//[^/@:]*:)[^/@]*@", "$1***@");
    }
}
