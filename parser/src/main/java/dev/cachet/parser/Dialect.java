package dev.cachet.parser;

import java.util.Locale;

/**
 * The SQL dialect a statement is analyzed in. It selects the parser's syntax options and the
 * built-in function lists; it is part of the memo key, so the same text may be classified
 * differently per dialect.
 *
 * <p>{@link #MYSQL} covers MySQL and MariaDB. {@link #GENERIC} is used when nothing better is known;
 * it accepts the union of the built-in lists and is otherwise as conservative as the others.
 */
public enum Dialect {
    /** PostgreSQL (and wire-compatible servers such as Aurora PostgreSQL). */
    POSTGRESQL,
    /** MySQL and MariaDB. */
    MYSQL,
    /** H2. */
    H2,
    /** Any other database. */
    GENERIC;

    /**
     * The dialect of a JDBC URL: {@code jdbc:postgresql:}, {@code jdbc:mysql:}, {@code jdbc:mariadb:},
     * {@code jdbc:h2:}, each optionally behind a {@code jdbc:cachet:} prefix; anything else (including
     * {@code null}) is {@link #GENERIC}.
     */
    public static Dialect fromJdbcUrl(String url) {
        if (url == null) {
            return GENERIC;
        }
        String u = url.trim().toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:cachet:")) {
            u = "jdbc:" + u.substring("jdbc:cachet:".length());
        }
        if (u.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (u.startsWith("jdbc:mysql:") || u.startsWith("jdbc:mariadb:")) {
            return MYSQL;
        }
        if (u.startsWith("jdbc:h2:")) {
            return H2;
        }
        return GENERIC;
    }

    /**
     * The dialect of a {@code DatabaseMetaData.getDatabaseProductName()}: "PostgreSQL", "MySQL",
     * "MariaDB", "H2" (case-insensitive); anything else (including {@code null}) is {@link #GENERIC}.
     */
    public static Dialect fromProductName(String product) {
        if (product == null) {
            return GENERIC;
        }
        String p = product.trim().toLowerCase(Locale.ROOT);
        if (p.startsWith("postgresql")) {
            return POSTGRESQL;
        }
        if (p.startsWith("mysql") || p.startsWith("mariadb")) {
            return MYSQL;
        }
        if (p.equals("h2") || p.startsWith("h2 ")) {
            return H2;
        }
        return GENERIC;
    }
}
