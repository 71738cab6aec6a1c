package dev.cachet.parser;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The tokens of one statement as every server of its dialect may read them, for the key-pinning reader:
 * literals, quoted names, comments and JDBC parameter markers. The text is read under each lexical
 * reading the dialect's servers and drivers may apply (backslash escapes on or off, nested comments,
 * {@code #} and {@code //} comments, dollar quotes); the answer exists only when every reading gives the
 * same tokens, so that the n-th {@code ?} here is the n-th parameter for whatever server runs the text.
 * Never throws.
 */
final class PinTokens {

    enum Type { WORD, QUOTED, STRING, NUMBER, SYMBOL, PARAMETER }

    /** One token. */
    static final class Tok {
        final Type type;
        final int start;
        final int end;
        final String text;
        /** WORD, QUOTED: the canonical name; STRING: the value when {@link #plain}; else the text. */
        final String value;
        /**
         * STRING: a single-quoted literal without prefix or backslash, whose value the text alone
         * decides; QUOTED: a name that is a name under every reading (MySQL reads "…" as a string).
         */
        final boolean plain;

        Tok(Type type, int start, int end, String text, String value, boolean plain) {
            this.type = type;
            this.start = start;
            this.end = end;
            this.text = text;
            this.value = value;
            this.plain = plain;
        }

        boolean is(String word) {
            return type == Type.WORD && text.equalsIgnoreCase(word);
        }

        boolean isSymbol(char c) {
            return type == Type.SYMBOL && text.charAt(0) == c;
        }

        /** A plain name (an unquoted word or an unambiguous quoted name). */
        boolean isName() {
            return type == Type.WORD || type == Type.QUOTED && plain;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static final int BACKSLASH = 1;
    static final int NESTED = 2;
    static final int HASH = 4;
    static final int DASH_SPACE = 8;
    static final int SLASH = 16;
    static final int DOLLAR = 32;
    /** PostgreSQL's E'…' strings, in which a backslash always escapes. */
    static final int E_STRINGS = 64;

    private PinTokens() {
    }

    /**
     * The tokens of {@code text} (comments dropped), or {@code null} when the readings of the dialect
     * disagree, a literal or comment is unterminated, or a parameter marker is ambiguous ({@code ??},
     * {@code ?|}, {@code ?&}, {@code ?1}, {@code $1}).
     */
    static List<Tok> read(String text, Dialect dialect) {
        int base;
        int vary;
        switch (dialect) {
            case POSTGRESQL:
                base = NESTED | DOLLAR | E_STRINGS;
                vary = BACKSLASH; // standard_conforming_strings
                break;
            case MYSQL:
                base = HASH | DASH_SPACE;
                vary = BACKSLASH; // NO_BACKSLASH_ESCAPES
                break;
            case H2:
                base = SLASH | DOLLAR;
                vary = NESTED;
                break;
            default:
                base = 0;
                vary = BACKSLASH | NESTED | HASH | DASH_SPACE | SLASH | DOLLAR | E_STRINGS;
        }
        // an option matters only where its character occurs
        if (text.indexOf('\\') < 0) {
            vary &= ~BACKSLASH;
        }
        if (!text.contains("/*")) {
            vary &= ~NESTED;
        }
        if (text.indexOf('#') < 0) {
            vary &= ~HASH;
        }
        if (!text.contains("--")) {
            vary &= ~DASH_SPACE;
        }
        if (!text.contains("//")) {
            vary &= ~SLASH;
        }
        if (text.indexOf('$') < 0) {
            vary &= ~DOLLAR;
        }
        if (text.indexOf('\\') < 0) {
            vary &= ~E_STRINGS;
        }
        boolean doubleQuotedNames = dialect == Dialect.POSTGRESQL || dialect == Dialect.H2;
        List<Tok> first = null;
        // every subset of the varying options
        for (int sub = vary; ; sub = (sub - 1) & vary) {
            List<Tok> tokens = tokenize(text, base | sub, doubleQuotedNames);
            if (tokens == null) {
                return null;
            }
            if (first == null) {
                first = tokens;
            } else if (!same(first, tokens)) {
                return null;
            }
            if (sub == 0) {
                break;
            }
        }
        return Collections.unmodifiableList(first);
    }

    private static boolean same(List<Tok> a, List<Tok> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Tok x = a.get(i);
            Tok y = b.get(i);
            if (x.type != y.type || x.start != y.start || x.end != y.end || x.plain != y.plain) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIdent(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** The tokens under one reading, or null (see {@link #read}). */
    static List<Tok> tokenize(String s, int reading, boolean doubleQuotedNames) {
        List<Tok> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            char next = i + 1 < n ? s.charAt(i + 1) : 0;
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '-' && next == '-' && ((reading & DASH_SPACE) == 0 || i + 2 >= n || s.charAt(i + 2) <= ' ')) {
                i = lineEnd(s, i);
                continue;
            }
            if (c == '#' && (reading & HASH) != 0 || c == '/' && next == '/' && (reading & SLASH) != 0) {
                i = lineEnd(s, i);
                continue;
            }
            if (c == '/' && next == '*') {
                i = SqlText.blockCommentEnd(s, i, (reading & NESTED) != 0);
                if (i < 0) {
                    return null;
                }
                continue;
            }
            if (c == '\'') {
                boolean prefixed = i > 0 && (isIdent(s.charAt(i - 1)) || s.charAt(i - 1) == '&');
                boolean escape = (reading & BACKSLASH) != 0 || (reading & E_STRINGS) != 0 && prefixed
                        && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')
                        && (i < 2 || !isIdent(s.charAt(i - 2)));
                int end = SqlText.quoteEnd(s, i, '\'', escape);
                if (end < 0) {
                    return null;
                }
                String inner = s.substring(i + 1, end - 1);
                boolean plain = !prefixed && inner.indexOf('\\') < 0;
                out.add(new Tok(Type.STRING, i, end, s.substring(i, end), plain ? inner.replace("''", "'") : null,
                        plain));
                i = end;
                continue;
            }
            if (c == '"' || c == '`') {
                boolean name = c == '`' || doubleQuotedNames;
                int end = SqlText.quoteEnd(s, i, c, !name && (reading & BACKSLASH) != 0);
                if (end < 0) {
                    return null;
                }
                String q = String.valueOf(c);
                String inner = s.substring(i + 1, end - 1).replace(q + q, q);
                out.add(new Tok(Type.QUOTED, i, end, s.substring(i, end), inner.toLowerCase(Locale.ROOT),
                        name && !inner.isEmpty()));
                i = end;
                continue;
            }
            if (c == '$' && (reading & DOLLAR) != 0 && (i == 0 || !isIdent(s.charAt(i - 1)))) {
                if (next >= '0' && next <= '9') {
                    return null; // $1: a server-side parameter, not a JDBC one
                }
                int tagEnd = i + 1;
                while (tagEnd < n && (Character.isLetterOrDigit(s.charAt(tagEnd)) || s.charAt(tagEnd) == '_')) {
                    tagEnd++;
                }
                if (tagEnd < n && s.charAt(tagEnd) == '$') {
                    String tag = s.substring(i, tagEnd + 1);
                    int close = s.indexOf(tag, tagEnd + 1);
                    if (close < 0) {
                        return null;
                    }
                    int end = close + tag.length();
                    out.add(new Tok(Type.STRING, i, end, s.substring(i, end), null, false));
                    i = end;
                    continue;
                }
            }
            if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < n && isIdent(s.charAt(j))) {
                    j++;
                }
                String word = s.substring(i, j);
                out.add(new Tok(Type.WORD, i, j, word, word.toLowerCase(Locale.ROOT), true));
                i = j;
                continue;
            }
            if (c >= '0' && c <= '9' || c == '.' && next >= '0' && next <= '9') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '.')) {
                    j++;
                }
                String number = s.substring(i, j);
                out.add(new Tok(Type.NUMBER, i, j, number, number, true));
                i = j;
                continue;
            }
            if (c == '?') {
                // ?? and ?| ?& ?- ?# are PostgreSQL operators (pgjdbc escapes them as ??); ?1 is H2's
                // numbered parameter: neither is a plain JDBC parameter
                if (next == '?' || next == '|' || next == '&' || next == '-' || next == '#'
                        || next >= '0' && next <= '9' || i > 0 && s.charAt(i - 1) == '?') {
                    return null;
                }
                out.add(new Tok(Type.PARAMETER, i, i + 1, "?", "?", true));
                i++;
                continue;
            }
            out.add(new Tok(Type.SYMBOL, i, i + 1, String.valueOf(c), String.valueOf(c), true));
            i++;
        }
        return out;
    }

    private static int lineEnd(String s, int i) {
        int end = s.indexOf('\n', i);
        return end < 0 ? s.length() : end + 1;
    }

    /** The number of parameter markers in {@code tokens}. */
    static int parameters(List<Tok> tokens) {
        int count = 0;
        for (Tok t : tokens) {
            if (t.type == Type.PARAMETER) {
                count++;
            }
        }
        return count;
    }
}
