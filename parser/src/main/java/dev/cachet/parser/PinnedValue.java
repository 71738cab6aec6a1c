package dev.cachet.parser;

import java.util.Objects;

/**
 * Where the value of a pinned column comes from: a bound JDBC parameter, or a literal written in the
 * text. Immutable; equal when kind and index or literal are equal.
 *
 * <p>A literal is reported only in the forms whose value the text alone decides: an integer
 * ({@code 42}, {@code -7}; no decimal point, exponent, hexadecimal or type prefix) as
 * {@link Kind#NUMBER}, and a plain single-quoted string without a prefix ({@code E'…'}, {@code N'…'},
 * {@code X'…'}, {@code _utf8mb4'…'} are not plain) and without a backslash (whose meaning depends on
 * server settings) as {@link Kind#STRING}. {@code NULL}, booleans, dates, casts ({@code ?::int},
 * {@code CAST(? AS int)}) and every other expression never pin.
 *
 * <p>The value is the one written, not the one the database compares: a database converts a value whose
 * type differs from the column's (MySQL compares {@code varchar_column = 5} as numbers, so {@code '05'}
 * and {@code '5'} both match; PostgreSQL reads {@code int_column = '05'} as 5), and compares strings under
 * the column's collation (MySQL's default collations ignore case and trailing spaces). A caller that
 * turns values into row keys uses only values whose kind matches the column's type, and string values
 * only for columns whose comparison is exact.
 */
public final class PinnedValue {

    /** The kinds of value source. */
    public enum Kind {
        /** A bound JDBC parameter ({@code ?}); {@link #parameterIndex()} is its 1-based index. */
        PARAMETER,
        /** An integer literal; {@link #literal()} is its canonical decimal text ({@code -7}, {@code 42}). */
        NUMBER,
        /** A plain string literal; {@link #literal()} is its value (quotes removed, {@code ''} read as {@code '}). */
        STRING
    }

    private static final PinnedValue[] PARAMETERS = new PinnedValue[64];

    static {
        for (int i = 1; i < PARAMETERS.length; i++) {
            PARAMETERS[i] = new PinnedValue(Kind.PARAMETER, i, null);
        }
    }

    private final Kind kind;
    private final int parameterIndex;
    private final String literal;

    private PinnedValue(Kind kind, int parameterIndex, String literal) {
        this.kind = kind;
        this.parameterIndex = parameterIndex;
        this.literal = literal;
    }

    /** The JDBC parameter with the given 1-based index. */
    public static PinnedValue parameter(int index) {
        if (index < 1) {
            throw new IllegalArgumentException("parameter indexes start at 1: " + index);
        }
        return index < PARAMETERS.length ? PARAMETERS[index] : new PinnedValue(Kind.PARAMETER, index, null);
    }

    /**
     * The integer literal written as {@code digits}, with an optional leading sign; the canonical form
     * drops a {@code +} sign and leading zeros ({@code -007} is {@code -7}, {@code -0} is {@code 0}).
     *
     * @throws IllegalArgumentException when {@code digits} is not an optionally signed run of ASCII digits
     */
    public static PinnedValue number(String digits) {
        return new PinnedValue(Kind.NUMBER, 0, canonicalInteger(digits));
    }

    /** The string literal whose value is {@code value}. */
    public static PinnedValue string(String value) {
        return new PinnedValue(Kind.STRING, 0, Objects.requireNonNull(value, "value"));
    }

    /** What the value is. */
    public Kind kind() {
        return kind;
    }

    /** {@code kind() == PARAMETER}. */
    public boolean isParameter() {
        return kind == Kind.PARAMETER;
    }

    /** The 1-based JDBC parameter index; 0 for a literal. */
    public int parameterIndex() {
        return parameterIndex;
    }

    /** The canonical literal text (see {@link Kind}); {@code null} for a parameter. */
    public String literal() {
        return literal;
    }

    static String canonicalInteger(String text) {
        int n = text.length();
        int i = 0;
        boolean negative = false;
        if (n > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
            negative = text.charAt(0) == '-';
            i = 1;
        }
        if (i == n) {
            throw new IllegalArgumentException("not an integer: " + text);
        }
        for (int j = i; j < n; j++) {
            char c = text.charAt(j);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not an integer: " + text);
            }
        }
        while (i < n - 1 && text.charAt(i) == '0') {
            i++;
        }
        String digits = text.substring(i);
        return negative && !digits.equals("0") ? "-" + digits : digits;
    }

    /** Whether {@code text} is a run of ASCII digits (an unsigned integer literal). */
    static boolean isDigits(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PinnedValue)) {
            return false;
        }
        PinnedValue v = (PinnedValue) o;
        return kind == v.kind && parameterIndex == v.parameterIndex && Objects.equals(literal, v.literal);
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + parameterIndex) * 31 + Objects.hashCode(literal);
    }

    /** {@code ?3}, {@code 42}, {@code 'it''s'}. */
    @Override
    public String toString() {
        switch (kind) {
            case PARAMETER:
                return "?" + parameterIndex;
            case NUMBER:
                return literal;
            default:
                return "'" + literal.replace("'", "''") + "'";
        }
    }
}
