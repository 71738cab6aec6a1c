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
        return skipQuoted(s, i, backslashEscapes ? BACKSLASH | NESTED : NESTED);
    }

    /** Reading option: a backslash escapes the next character in '…' and "…" (MySQL's default). */
    static final int BACKSLASH = 1;
    /** Reading option: block comments nest (PostgreSQL). */
    static final int NESTED = 2;
    /** Reading option: '#' starts a comment to the end of the line (MySQL). */
    static final int HASH_COMMENT = 4;
    /** Reading option: '--' starts a comment only when followed by white space (MySQL). */
    static final int DASH_NEEDS_SPACE = 8;
    private static final int ALL_READINGS = 16;

    /** As {@link #skipQuoted(String, int, boolean)}, under the given reading options. */
    static int skipQuoted(String s, int i, int reading) {
        boolean backslashEscapes = (reading & BACKSLASH) != 0;
        boolean nestedComments = (reading & NESTED) != 0;
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
                if (i + 1 < n && s.charAt(i + 1) == '-' && ((reading & DASH_NEEDS_SPACE) == 0
                        || i + 2 >= n || Character.isWhitespace(s.charAt(i + 2)))) {
                    int end = s.indexOf('\n', i);
                    return end < 0 ? n : end + 1;
                }
                return i;
            case '#':
                if ((reading & HASH_COMMENT) != 0) {
                    int end = s.indexOf('\n', i);
                    return end < 0 ? n : end + 1;
                }
                return i;
            case '/':
                if (i + 1 < n && s.charAt(i + 1) == '*') {
                    // PostgreSQL nests block comments; MySQL does not: callers try both readings.
                    int end = blockCommentEnd(s, i, nestedComments);
                    return end < 0 ? n : end;
                }
                return i;
            case '$':
                return skipDollar(s, i);
            default:
                return i;
        }
    }

    /** The index past the block comment that opens at {@code i}, or -1 when it is not closed. */
    static int blockCommentEnd(String s, int i, boolean nested) {
        int n = s.length();
        int depth = 1;
        int j = i + 2;
        while (j < n) {
            char d = s.charAt(j);
            if (d == '*' && j + 1 < n && s.charAt(j + 1) == '/') {
                j += 2;
                if (--depth == 0) {
                    return j;
                }
            } else if (nested && d == '/' && j + 1 < n && s.charAt(j + 1) == '*') {
                depth++;
                j += 2;
            } else {
                j++;
            }
        }
        return -1;
    }

    private static int skipQuote(String s, int i, char q, boolean backslashEscapes) {
        int end = quoteEnd(s, i, q, backslashEscapes);
        return end < 0 ? s.length() : end;
    }

    /** The index past the quoted run that opens at {@code i} with {@code q}, or -1 when it is not closed. */
    static int quoteEnd(String s, int i, char q, boolean backslashEscapes) {
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
        return -1;
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
    static int firstStatementEnd(String s, int reading) {
        int n = s.length();
        int i = 0;
        int end = -1;
        while (i < n) {
            char c = s.charAt(i);
            int skip = SqlText.skipQuoted(s, i, reading);
            if (skip > i) {
                boolean comment = c == '-' || c == '/' || c == '#';
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
     * when the text holds several statements under any lexical reading (backslash escapes, nested
     * block comments, '#' comments, '--' with or without a following space) — the databases Cachet
     * serves differ on each, and an ambiguity must fail safe.
     */
    static String singleStatement(String s) {
        int end = s.length();
        for (int reading = 0; reading < ALL_READINGS; reading++) {
            int e = firstStatementEnd(s, reading);
            if (e < 0) {
                return null;
            }
            end = Math.min(end, e);
        }
        return end == s.length() ? s : s.substring(0, end);
    }
}
