package dev.cachet.driver.catalog;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Every identifier in a view definition as the catalog stores it: bare words, {@code "quoted"} and {@code `quoted`}
 * names, lower-cased; string literals and comments skipped. Matching these against the catalog's table names
 * over-approximates the tables a view reads — a word that happens to be a table name only costs hit rate — and
 * cannot miss a table named in the text.
 */
final class Identifiers {

    private Identifiers() {
    }

    static Set<String> in(String sql) {
        Set<String> words = new HashSet<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                i = skipQuoted(sql, i, '\'', true);
            } else if (c == '"' || c == '`') {
                int end = skipQuoted(sql, i, c, false);
                String body = sql.substring(i + 1, Math.max(i + 1, end - 1));
                words.add(body.replace(String.valueOf(c) + c, String.valueOf(c)).toLowerCase(Locale.ROOT));
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
                        || sql.charAt(i) == '$')) {
                    i++;
                }
                words.add(sql.substring(start, i).toLowerCase(Locale.ROOT));
            } else {
                i++;
            }
        }
        return words;
    }

    /** Index after the closing quote; doubled quotes (and, for literals, backslash escapes) stay inside. */
    private static int skipQuoted(String s, int open, char quote, boolean backslash) {
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }
}
