package dev.cachet.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal tokenizer for the statements Cachet recognizes without JSqlParser (transaction control,
 * session statements, LOCK, VACUUM, EXPLAIN prefixes, DROP lists). Comments are skipped; literals and
 * quoted names are single tokens. Never throws.
 */
final class Tokens {

    enum Type { WORD, QUOTED, STRING, NUMBER, SYMBOL }

    /** One token: its type, its text as written, and where it starts. */
    static final class Token {
        final Type type;
        final String text;
        final int start;

        Token(Type type, String text, int start) {
            this.type = type;
            this.text = text;
            this.start = start;
        }

        /** The upper-case text of a word, else the text. */
        String upper() {
            return type == Type.WORD ? text.toUpperCase(Locale.ROOT) : text;
        }

        boolean is(String word) {
            return type == Type.WORD && text.equalsIgnoreCase(word);
        }

        boolean isSymbol(String s) {
            return type == Type.SYMBOL && text.equals(s);
        }

        /**
         * An identifier or literal's value: quotes removed; unquoted words lower-cased
         * (the canonical form DESIGN §4 uses for names).
         */
        String value() {
            switch (type) {
                case WORD: return text.toLowerCase(Locale.ROOT);
                case QUOTED: return unquote(text);
                case STRING: return unquote(text.startsWith("E") || text.startsWith("e") ? text.substring(1) : text);
                default: return text;
            }
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static String unquote(String s) {
        if (s.length() >= 2) {
            char f = s.charAt(0);
            char l = s.charAt(s.length() - 1);
            if ((f == '"' && l == '"') || (f == '`' && l == '`') || (f == '\'' && l == '\'')) {
                String q = String.valueOf(f);
                return s.substring(1, s.length() - 1).replace(q + q, q);
            }
            if (f == '[' && l == ']') {
                return s.substring(1, s.length() - 1);
            }
            if (f == '$') {
                int tagEnd = s.indexOf('$', 1);
                if (tagEnd > 0 && s.length() >= 2 * (tagEnd + 1)) {
                    return s.substring(tagEnd + 1, s.length() - tagEnd - 1);
                }
            }
        }
        return s;
    }

    /** Tokens of {@code s}, at most {@code max} of them (the rest is not needed to recognize a statement). */
    static List<Token> of(String s, int max) {
        List<Token> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n && out.size() < max) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int end = SqlText.skipQuoted(s, i, false);
            if (end > i) {
                if (c == '\'' || c == '$') {
                    out.add(new Token(Type.STRING, s.substring(i, end), i));
                } else if (c == '"' || c == '`') {
                    out.add(new Token(Type.QUOTED, s.substring(i, end), i));
                } // else a comment: skipped
                i = end;
                continue;
            }
            if ((c == 'E' || c == 'e') && i + 1 < n && s.charAt(i + 1) == '\'') {
                end = SqlText.skipQuoted(s, i + 1, true);
                out.add(new Token(Type.STRING, s.substring(i, end), i));
                i = end;
                continue;
            }
            if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < n && SqlText.isIdentChar(s.charAt(j))) {
                    j++;
                }
                out.add(new Token(Type.WORD, s.substring(i, j), i));
                i = j;
                continue;
            }
            if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '.')) {
                    j++;
                }
                out.add(new Token(Type.NUMBER, s.substring(i, j), i));
                i = j;
                continue;
            }
            if (c == ':' && i + 1 < n && s.charAt(i + 1) == '=') {
                out.add(new Token(Type.SYMBOL, ":=", i));
                i += 2;
                continue;
            }
            if (c == '@' && i + 1 < n && s.charAt(i + 1) == '@') {
                out.add(new Token(Type.SYMBOL, "@@", i));
                i += 2;
                continue;
            }
            out.add(new Token(Type.SYMBOL, String.valueOf(c), i));
            i++;
        }
        return out;
    }
}
