package dev.cachet.parser;

/**
 * Lexical helpers over raw SQL text: where string literals, quoted identifiers, comments and
 * PostgreSQL dollar-quoted bodies start and end, so that braces, semicolons and keywords inside them
 * are never mistaken for syntax. Stateless; never throws on any input.
 */
final class SqlText {

    private SqlText() {
    }

    /**
     * If a literal, quoted identifier or comment starts at {@code i}, the index just past its end (the
     * text's length when unterminated); otherwise {@code i}.
     *
     * @param backslashEscapes whether a backslash escapes the next character inside '…' and "…"
     *                         (MySQL's default); PostgreSQL's E'…' strings always honour it
     */
    static int skipQuoted(String s, int i, boolean backslashEscapes) {
        return skipQuoted(s, i, backslashEscapes, true);
    }

    /** As {@link #skipQuoted(String, int, boolean)}, choosing whether block comments nest (PostgreSQL) or not (MySQL). */
    static int skipQuoted(String s, int i, boolean backslashEscapes, boolean nestedComments) {
        int n = s.length();
        char c = s.charAt(i);
        switch (c) {
            case '\'':
                boolean esc = backslashEscapes
                        || i > 0 && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')
                        && (i < 2 || !Character.isLetterOrDigit(s.charAt(i - 2)) && s.charAt(i - 2) != '_');
                return skipQuote(s, i, '\'', esc);
            case '"':
                return skipQuote(s, i, '"', backslashEscapes);
            case '`':
                return skipQuote(s, i, '`', false);
            case '-':
                if (i + 1 < n && s.charAt(i + 1) == '-') {
                    int end = s.indexOf('\n', i);
                    return end < 0 ? n : end + 1;
                }
                return i;
            case '#':
                // MySQL comment; harmless to honour elsewhere only where it cannot be an operator,
                // so callers pass it through skipHashComment instead
                return i;
            case '/':
                if (i + 1 < n && s.charAt(i + 1) == '*') {
                    // PostgreSQL nests block comments; MySQL does not: callers try both readings.
                    int depth = 1;
                    int j = i + 2;
                    while (j < n) {
                        char d = s.charAt(j);
                        if (d == '*' && j + 1 < n && s.charAt(j + 1) == '/') {
                            j += 2;
                            if (--depth == 0) {
                                return j;
                            }
                        } else if (nestedComments && d == '/' && j + 1 < n && s.charAt(j + 1) == '*') {
                            depth++;
                            j += 2;
                        } else {
                            j++;
                        }
                    }
                    return n;
                }
                return i;
            case '$':
                return skipDollar(s, i);
            default:
                return i;
        }
    }

    private static int skipQuote(String s, int i, char q, boolean backslashEscapes) {
        int n = s.length();
        int j = i + 1;
        while (j < n) {
            char d = s.charAt(j);
            if (backslashEscapes && d == '\\') {
                j += 2;
                continue;
            }
            if (d == q) {
                if (j + 1 < n && s.charAt(j + 1) == q) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return n;
    }

    /** $$…$$ or $tag$…$tag$ (PostgreSQL); a lone '$' (e.g. a parameter $1) is not a quote. */
    private static int skipDollar(String s, int i) {
        int n = s.length();
        if (i > 0 && (Character.isLetterOrDigit(s.charAt(i - 1)) || s.charAt(i - 1) == '_')) {
            return i; // part of an identifier such as a$b
        }
        int j = i + 1;
        while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            if (j == i + 1 && Character.isDigit(s.charAt(j))) {
                return i; // $1 parameter
            }
            j++;
        }
        if (j >= n || s.charAt(j) != '$') {
            return i;
        }
        String tag = s.substring(i, j + 1);
        int end = s.indexOf(tag, j + 1);
        return end < 0 ? n : end + tag.length();
    }

    static boolean isIdentChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /**
     * Where the first statement of {@code s} ends: the index of its terminating ';' or the text's
     * length; {@code -1} when anything but whitespace, comments and further ';' follows it, i.e. the
     * text holds several statements under this lexical reading.
     */
    static int firstStatementEnd(String s, boolean backslashEscapes, boolean nestedComments) {
        int n = s.length();
        int i = 0;
        int end = -1;
        while (i < n) {
            char c = s.charAt(i);
            int skip = SqlText.skipQuoted(s, i, backslashEscapes, nestedComments);
            if (skip > i) {
                boolean comment = c == '-' || c == '/';
                if (end >= 0 && !comment) {
                    return -1;
                }
                i = skip;
                continue;
            }
            if (c == ';') {
                if (end < 0) {
                    end = i;
                }
            } else if (end >= 0 && !Character.isWhitespace(c)) {
                return -1;
            }
            i++;
        }
        return end < 0 ? n : end;
    }

    /**
     * The single statement in {@code s} without its trailing ';' and what follows it, or {@code null}
     * when the text holds several statements under any lexical reading (backslash escapes on or off,
     * nested comments on or off) — the databases Cachet serves differ on both, and an ambiguity must
     * fail safe.
     */
    static String singleStatement(String s) {
        int a = firstStatementEnd(s, false, true);
        int b = firstStatementEnd(s, true, true);
        int c = firstStatementEnd(s, false, false);
        int d = firstStatementEnd(s, true, false);
        if (a < 0 || b < 0 || c < 0 || d < 0) {
            return null;
        }
        int end = Math.min(Math.min(a, b), Math.min(c, d));
        return end == s.length() ? s : s.substring(0, end);
    }
}
