package dev.cachet.driver.settings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parses the duration values of Cachet's settings and hints.
 *
 * <p>Accepted forms: a whole number followed by a unit — {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
 * (case-insensitive, optional blank before the unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}) — an
 * ISO-8601 duration ({@code PT30S}, {@code P1D}), or the bare number {@code 0}. Negative durations are rejected.
 * A bare number other than 0 is rejected rather than guessed at: {@code 30} could mean seconds or milliseconds.
 */
public final class Durations {

    /** What {@link #parse} accepts, for error messages and documentation. */
    public static final String ACCEPTS =
            "a duration such as 500ms, 30s, 5m, 1h, 1d, an ISO-8601 duration such as PT30S, or 0";

    private Durations() {
    }

    /**
     * Parses {@code text} into a non-negative duration.
     *
     * @throws IllegalArgumentException with a message saying what was wrong and what is accepted
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no value; expected " + ACCEPTS);
        }
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty value; expected " + ACCEPTS);
        }
        char first = s.charAt(0);
        if (first == 'P' || first == 'p' || ((first == '-' || first == '+') && s.length() > 1
                && (s.charAt(1) == 'P' || s.charAt(1) == 'p'))) {
            return parseIso(text, s);
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw invalid(text, s.charAt(0) == '-' ? "negative durations are not allowed" : "no number");
        }
        String digits = s.substring(0, i);
        String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
        long amount;
        try {
            amount = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw invalid(text, "number too large");
        }
        try {
            switch (unit) {
                case "ms":
                    return Duration.ofMillis(amount);
                case "s":
                    return Duration.ofSeconds(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                case "h":
                    return Duration.ofHours(amount);
                case "d":
                    return Duration.ofDays(amount);
                case "":
                    if (amount == 0) {
                        return Duration.ZERO;
                    }
                    throw invalid(text, "missing unit");
                default:
                    throw invalid(text, "unknown unit '" + s.substring(i).trim() + "'");
            }
        } catch (ArithmeticException e) {
            throw invalid(text, "number too large");
        }
    }

    private static Duration parseIso(String text, String s) {
        Duration d;
        try {
            d = Duration.parse(s);
        } catch (DateTimeParseException e) {
            throw invalid(text, "not a valid ISO-8601 duration");
        }
        if (d.isNegative()) {
            throw invalid(text, "negative durations are not allowed");
        }
        return d;
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("'" + text + "' is not a valid duration (" + why + "); expected " + ACCEPTS);
    }

    /** Renders a duration the way the settings documentation writes it: {@code 60s}, {@code 500ms}, {@code 5m}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        long ms = d.toMillis();
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1_000L == 0) {
            return ms / 1_000L + "s";
        }
        return ms + "ms";
    }
}
