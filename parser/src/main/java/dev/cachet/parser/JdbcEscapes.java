package dev.cachet.parser;

import java.util.Locale;

/**
 * Translates JDBC escape syntax into plain SQL for analysis only (the statement sent to the
 * database is never changed by Cachet): {@code {fn f(…)}} → {@code f(…)}, {@code {call p(?)}} and
 * {@code {?= call p(?)}} → {@code CALL p(?)}, {@code {ts '…'}} / {@code {d '…'}} / {@code {t '…'}} →
 * TIMESTAMP / DATE / TIME literals, {@code {oj …}} → its join, {@code {escape '\'}} → ESCAPE '\',
 * {@code {limit n offset m}} → LIMIT n OFFSET m. Escapes nest. Braces inside literals, quoted names
 * and comments are left alone. Unknown brace forms are kept as they are (the parser will then
 * reject them, which is the conservative outcome). Never throws.
 */
public final class JdbcEscapes {

    private JdbcEscapes() {
    }

    /** The text with every JDBC escape translated; {@code sql} itself when it holds no '{'. */
    public static String translate(String sql) {
        if (sql == null || sql.indexOf('{') < 0) {
            return sql;
        }
        int n = sql.length();
        StringBuilder out = new StringBuilder(n);
        // true = the matching '}' belongs to an escape and is dropped
        boolean[] stack = new boolean[16];
        int depth = 0;
        int i = 0;
        while (i < n) {
            int end = SqlText.skipQuoted(sql, i, false);
            if (end > i) {
                out.append(sql, i, end);
                i = end;
                continue;
            }
            char c = sql.charAt(i);
            if (c == '{') {
                int j = i + 1;
                while (j < n && Character.isWhitespace(sql.charAt(j))) {
                    j++;
                }
                String replacement = null;
                int consumed = 0;
                if (j < n && sql.charAt(j) == '?') {
                    // {? = call p(...)}
                    int k = j + 1;
                    while (k < n && Character.isWhitespace(sql.charAt(k))) {
                        k++;
                    }
                    if (k < n && sql.charAt(k) == '=') {
                        k++;
                        while (k < n && Character.isWhitespace(sql.charAt(k))) {
                            k++;
                        }
                        if (sql.regionMatches(true, k, "call", 0, 4) && (k + 4 >= n || !SqlText.isIdentChar(sql.charAt(k + 4)))) {
                            replacement = "CALL";
                            consumed = k + 4 - i;
                        }
                    }
                } else {
                    int k = j;
                    while (k < n && Character.isLetter(sql.charAt(k))) {
                        k++;
                    }
                    String word = sql.substring(j, k).toLowerCase(Locale.ROOT);
                    switch (word) {
                        case "fn": case "oj": replacement = ""; break;
                        case "call": replacement = "CALL"; break;
                        case "ts": replacement = "TIMESTAMP"; break;
                        case "d": replacement = "DATE"; break;
                        case "t": replacement = "TIME"; break;
                        case "escape": replacement = "ESCAPE"; break;
                        case "limit": replacement = "LIMIT"; break;
                        default: replacement = null;
                    }
                    consumed = k - i;
                }
                if (depth == stack.length) {
                    stack = java.util.Arrays.copyOf(stack, depth * 2);
                }
                if (replacement != null) {
                    out.append(' ').append(replacement).append(' ');
                    stack[depth++] = true;
                    i += consumed;
                } else {
                    out.append(c);
                    stack[depth++] = false;
                    i++;
                }
                continue;
            }
            if (c == '}' && depth > 0) {
                if (stack[--depth]) {
                    out.append(' ');
                } else {
                    out.append(c);
                }
                i++;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }
}
