package dev.cachet.driver.settings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parsers for the non-duration, non-size value shapes of Cachet's settings; each throws IllegalArgumentException. */
public final class SettingValues {

    private SettingValues() {
    }

    public static boolean parseBoolean(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) {
            return true;
        }
        if (s.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("'" + text + "' is not a boolean; expected true or false");
    }

    public static int parsePositiveInt(String text) {
        String s = text.trim();
        try {
            int v = Integer.parseInt(s);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("'" + text + "' is not a valid count; expected a whole number from 1 to "
                + Integer.MAX_VALUE);
    }

    /** Case-insensitive; hyphens and underscores are interchangeable ({@code round-robin}, {@code ROUND_ROBIN}). */
    public static <E extends Enum<E>> E parseEnum(Class<E> type, String text, List<String> choices) {
        String s = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(s)) {
                return e;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of " + String.join(", ", choices));
    }

    /** A comma-separated list of function names, lower-cased, quotes removed; empty items are skipped. */
    public static Set<String> parseNames(String text) {
        Set<String> names = new LinkedHashSet<>();
        for (String item : text.split(",")) {
            String name = item.trim();
            if (name.isEmpty()) {
                continue;
            }
            names.add(identifier(name, text));
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * {@code a:b,c:d} — a write to a changes b. Names are canonical (unqualified, unquoted, lower-case); {@code *} as
     * a target means "every table".
     */
    public static Map<String, Set<String>> parseDependencies(String text) {
        Map<String, Set<String>> deps = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            String edge = item.trim();
            if (edge.isEmpty()) {
                continue;
            }
            int colon = edge.indexOf(':');
            if (colon <= 0 || colon == edge.length() - 1 || edge.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("'" + edge + "' is not an edge; expected table:table pairs"
                        + " separated by commas, e.g. orders:order_audit,orders:stock");
            }
            String from = canonicalTable(edge.substring(0, colon).trim(), text);
            String toText = edge.substring(colon + 1).trim();
            String to = toText.equals("*") ? "*" : canonicalTable(toText, text);
            deps.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(to);
        }
        Map<String, Set<String>> frozen = new LinkedHashMap<>();
        deps.forEach((k, v) -> frozen.put(k, Collections.unmodifiableSet(v)));
        return Collections.unmodifiableMap(frozen);
    }

    /** {@code host:port,host:port}; IPv6 literals in brackets; the port may be omitted. Kept as written. */
    public static List<String> parseHosts(String text) {
        List<String> hosts = new ArrayList<>();
        for (String item : text.split(",")) {
            String host = item.trim();
            if (host.isEmpty()) {
                continue;
            }
            validateHostPort(host);
            hosts.add(host);
        }
        return List.copyOf(hosts);
    }

    public static void validateHostPort(String host) {
        String port = null;
        String name;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 2) {
                throw badHost(host, "unclosed IPv6 bracket");
            }
            name = host.substring(1, close);
            String after = host.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw badHost(host, "unexpected text after ']'");
                }
                port = after.substring(1);
            }
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0 && host.indexOf(':') != colon) {
                throw badHost(host, "IPv6 addresses must be written in brackets, e.g. [::1]:5432");
            }
            name = colon >= 0 ? host.substring(0, colon) : host;
            port = colon >= 0 ? host.substring(colon + 1) : null;
        }
        if (name.isEmpty() || name.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '?')) {
            throw badHost(host, "bad host name");
        }
        if (port != null) {
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw badHost(host, "port is not a number");
            }
            if (p < 1 || p > 65535) {
                throw badHost(host, "port out of range 1-65535");
            }
        }
    }

    private static IllegalArgumentException badHost(String host, String why) {
        return new IllegalArgumentException("'" + host + "' is not a valid host (" + why
                + "); expected host:port items separated by commas, e.g. replica1:5432,[::1]:5433");
    }

    /** Unqualified, unquoted, lower-case (DESIGN §4): {@code "Sales"."Orders"} → {@code orders}. */
    public static String canonicalTable(String name, String whole) {
        String last = lastNamePart(name);
        return identifier(last, whole);
    }

    private static String lastNamePart(String name) {
        // split on the last dot that is not inside quotes/backticks/brackets
        char quote = 0;
        int lastDot = -1;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '`') {
                quote = c;
            } else if (c == '[') {
                quote = ']';
            } else if (c == '.') {
                lastDot = i;
            }
        }
        return name.substring(lastDot + 1).trim();
    }

    private static String identifier(String name, String whole) {
        String s = name;
        if (s.length() >= 2 && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("`") && s.endsWith("`"))
                || (s.startsWith("[") && s.endsWith("]")))) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty() || s.chars().anyMatch(c -> Character.isWhitespace(c) || c == ':' || c == ',' || c == '('
                || c == ')' || c == ';' || c == '\'' || c == '*')) {
            throw new IllegalArgumentException("'" + name + "' in '" + whole + "' is not a valid name");
        }
        return s.toLowerCase(Locale.ROOT);
    }
}
