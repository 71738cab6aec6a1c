package dev.cachet.driver.settings;

import java.util.Locale;

/**
 * Parses the byte-size values of Cachet's settings.
 *
 * <p>Accepted forms: a whole number of bytes ({@code 1048576}), or a whole number followed by a binary unit,
 * case-insensitive, optional blank before it: {@code B}, {@code KB}/{@code K}/{@code KiB} (1024 bytes),
 * {@code MB}/{@code M}/{@code MiB}, {@code GB}/{@code G}/{@code GiB}, {@code TB}/{@code T}/{@code TiB}. Units are
 * binary, like the JVM's {@code -Xmx}, because the figure bounds memory.
 */
public final class Sizes {

    /** What {@link #parse} accepts, for error messages and documentation. */
    public static final String ACCEPTS = "a size such as 512KB, 64MB, 1GB (binary units) or a number of bytes";

    private Sizes() {
    }

    /**
     * Parses {@code text} into a non-negative number of bytes.
     *
     * @throws IllegalArgumentException with a message saying what was wrong and what is accepted
     */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no value; expected " + ACCEPTS);
        }
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty value; expected " + ACCEPTS);
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw invalid(text, s.charAt(0) == '-' ? "negative sizes are not allowed" : "no number");
        }
        long amount;
        try {
            amount = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw invalid(text, "number too large");
        }
        String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
        int shift;
        switch (unit) {
            case "":
            case "b":
                shift = 0;
                break;
            case "k":
            case "kb":
            case "kib":
                shift = 10;
                break;
            case "m":
            case "mb":
            case "mib":
                shift = 20;
                break;
            case "g":
            case "gb":
            case "gib":
                shift = 30;
                break;
            case "t":
            case "tb":
            case "tib":
                shift = 40;
                break;
            default:
                throw invalid(text, "unknown unit '" + s.substring(i).trim() + "'");
        }
        if (shift > 0 && amount > (Long.MAX_VALUE >> shift)) {
            throw invalid(text, "number too large");
        }
        return amount << shift;
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("'" + text + "' is not a valid size (" + why + "); expected " + ACCEPTS);
    }

    /** Renders a byte count the way the settings documentation writes it: {@code 64MB}, {@code 1MB}, {@code 1500}. */
    public static String format(long bytes) {
        String[] units = {"TB", "GB", "MB", "KB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
