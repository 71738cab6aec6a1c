package dev.cachet.parser;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * The Cachet hints a statement carries in its block comments: {@code /*cachet:ttl=30s*}{@code /},
 * {@code /*cachet:nocache*}{@code /}, {@code /*cachet:primary*}{@code /}, several of them combined in one
 * comment with commas ({@code /*cachet:ttl=5m,primary*}{@code /}) or spread over several comments,
 * anywhere in the text. Immutable.
 *
 * <p>A bad hint never fails a statement: an unreadable TTL is recorded as no TTL hint and explained by
 * {@link #hintError()}; an unknown hint word is ignored and explained the same way.
 */
public final class Hints {
    /** No hints. */
    public static final Hints NONE = new Hints(null, false, false, null);

    private static final String PREFIX = "cachet:";

    private final Duration ttl;
    private final boolean noCache;
    private final boolean primary;
    private final String hintError;

    private Hints(Duration ttl, boolean noCache, boolean primary, String hintError) {
        this.ttl = ttl;
        this.noCache = noCache;
        this.primary = primary;
        this.hintError = hintError;
    }

    /** The TTL asked for by {@code cachet:ttl=…}; {@code null} if none (or unreadable). */
    public Duration ttl() {
        return ttl;
    }

    /** {@code true} when {@code cachet:nocache} is present: the result must not be cached. */
    public boolean noCache() {
        return noCache;
    }

    /** {@code true} when {@code cachet:primary} is present: the statement must run on the primary. */
    public boolean primary() {
        return primary;
    }

    /** Why a hint was ignored (bad TTL, unknown word); {@code null} when every hint was understood. */
    public String hintError() {
        return hintError;
    }

    /**
     * The hints in {@code sql}'s block comments. Cheap when there are none: it scans for
     * {@code "cachet:"} first. Never throws.
     */
    public static Hints parse(String sql) {
        if (sql == null || sql.indexOf(PREFIX) < 0 && sql.toLowerCase(Locale.ROOT).indexOf(PREFIX) < 0) {
            return NONE;
        }
        Duration ttl = null;
        boolean noCache = false;
        boolean primary = false;
        StringBuilder errors = null;
        int from = 0;
        while (true) {
            int open = sql.indexOf("/*", from);
            if (open < 0) {
                break;
            }
            int close = sql.indexOf("*/", open + 2);
            if (close < 0) {
                break;
            }
            String body = sql.substring(open + 2, close).trim();
            from = close + 2;
            if (!body.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                continue;
            }
            for (String item : body.substring(PREFIX.length()).split(",")) {
                String word = item.trim();
                String lower = word.toLowerCase(Locale.ROOT);
                if (lower.isEmpty()) {
                    continue;
                }
                if (lower.equals("nocache")) {
                    noCache = true;
                } else if (lower.equals("primary")) {
                    primary = true;
                } else if (lower.startsWith("ttl=")) {
                    Duration parsed = parseDuration(word.substring(4).trim());
                    if (parsed == null) {
                        errors = append(errors, "bad ttl hint '" + word.substring(4).trim()
                                + "' (use e.g. 500ms, 30s, 5m, 1h or PT30S)");
                    } else {
                        ttl = parsed;
                    }
                } else {
                    errors = append(errors, "unknown hint 'cachet:" + word + "'");
                }
            }
        }
        if (ttl == null && !noCache && !primary && errors == null) {
            return NONE;
        }
        return new Hints(ttl, noCache, primary, errors == null ? null : errors.toString());
    }

    private static StringBuilder append(StringBuilder errors, String message) {
        if (errors == null) {
            return new StringBuilder(message);
        }
        return errors.append("; ").append(message);
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601; null if unreadable or negative. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
                return d.isNegative() ? null : d;
            }
            int i = 0;
            while (i < t.length() && Character.isDigit(t.charAt(i))) {
                i++;
            }
            if (i == 0 || i > 12) {
                return null;
            }
            long n = Long.parseLong(t.substring(0, i));
            switch (t.substring(i).trim()) {
                case "ms": return Duration.ofMillis(n);
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                case "d": return Duration.ofDays(n);
                default: return null;
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Hints)) {
            return false;
        }
        Hints h = (Hints) o;
        return noCache == h.noCache && primary == h.primary && Objects.equals(ttl, h.ttl)
                && Objects.equals(hintError, h.hintError);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ttl, noCache, primary, hintError);
    }

    @Override
    public String toString() {
        return "Hints[ttl=" + ttl + ", noCache=" + noCache + ", primary=" + primary
                + (hintError == null ? "" : ", error=" + hintError) + "]";
    }
}
