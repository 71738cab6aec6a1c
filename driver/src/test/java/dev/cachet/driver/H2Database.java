package dev.cachet.driver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named in-memory H2 database for one test, with a direct (non-Cachet) admin connection that observes what the
 * database itself executed, through {@code INFORMATION_SCHEMA.QUERY_STATISTICS}.
 */
final class H2Database implements AutoCloseable {

    private static final AtomicInteger counter = new AtomicInteger();

    final String name;
    final String realUrl;
    final String cachetUrl;
    final Connection admin;

    H2Database() throws SQLException {
        name = "cachet_test_" + counter.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
        realUrl = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        cachetUrl = "jdbc:cachet:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
        admin = DriverManager.getConnection(realUrl);
        exec("SET QUERY_STATISTICS TRUE");
        exec("SET QUERY_STATISTICS_MAX_ENTRIES 10000");
    }

    /** Runs statements directly on the database, around Cachet. */
    H2Database exec(String... sql) throws SQLException {
        try (Statement s = admin.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
        return this;
    }

    /**
     * How many times the database executed exactly this SQL text (through any connection). H2 records the text
     * without its comments, so pass a text without them.
     */
    long executions(String sql) throws SQLException {
        try (PreparedStatement p = admin.prepareStatement(
                "SELECT COALESCE(SUM(EXECUTION_COUNT), 0) FROM INFORMATION_SCHEMA.QUERY_STATISTICS"
                        // RAND() keeps H2 from reusing the previous result of this (otherwise unchanged) query
                        + " WHERE SQL_STATEMENT = ? AND RAND() < 2")) {
            p.setString(1, sql);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A Cachet connection with the given {@code cachet.*} settings ("name", "value", ...). */
    Connection cachet(String... settings) throws SQLException {
        Properties p = new Properties();
        for (int i = 0; i < settings.length; i += 2) {
            p.setProperty(settings[i], settings[i + 1]);
        }
        return DriverManager.getConnection(cachetUrl, p);
    }

    /** A direct connection to the same database. */
    Connection direct() throws SQLException {
        return DriverManager.getConnection(realUrl);
    }

    /** The single value of a query run through a connection (a String via getString). */
    static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public void close() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("SHUTDOWN");
        } finally {
            admin.close();
        }
    }
}
