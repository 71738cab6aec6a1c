package example.jdbcapp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.sql.DataSource;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.h2.jdbcx.JdbcDataSource;

/**
 * An application that knows nothing of Cachet, started in its own JVM by the agent's jar tests: it uses its own
 * Caffeine and Byte Buddy, opens JDBC connections one of several ways, reads the same row many times, writes it and
 * reads it back, and prints what happened as {@code RESULT name=value} lines — including how often H2 itself ran the
 * read (from H2's own statistics, not Cachet's) and what Cachet's JMX beans say, if there are any.
 *
 * <p>Arguments: the database name, how to connect ({@code hikari}, {@code hikari-datasource}, {@code datasource},
 * {@code drivermanager}, {@code toy}), and optionally a URL prefix for the application's connections
 * ({@code jdbc:cachet:h2:mem:} for an application using Cachet itself).
 */
public final class JdbcApp {

    public static final String READ = "SELECT name FROM item WHERE id = ?";
    public static final int READS = 20;

    private JdbcApp() {
    }

    public static void main(String[] args) throws Exception {
        String db = args[0];
        String how = args[1];
        String prefix = args.length > 2 ? args[2] : "jdbc:h2:mem:";
        String h2Url = "jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1";

        result("caffeine", library(Caffeine.class));
        result("bytebuddy", library(ByteBuddy.class));
        Cache<String, String> own = Caffeine.newBuilder().maximumSize(10).build();
        own.put("k", "v");
        result("ownCaffeineWorks", "v".equals(own.getIfPresent("k")));
        Object generated = new ByteBuddy().subclass(Object.class).method(ElementMatchers.named("toString"))
                .intercept(FixedValue.value("generated")).make().load(JdbcApp.class.getClassLoader())
                .getLoaded().getDeclaredConstructor().newInstance();
        result("ownByteBuddyWorks", "generated".equals(generated.toString()));

        try (Connection admin = DriverManager.getConnection(h2Url); Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE item(id INT PRIMARY KEY, name VARCHAR(20))");
            s.execute("INSERT INTO item VALUES (1, 'pen'), (2, 'ink')");
            s.execute("SET QUERY_STATISTICS TRUE");
            s.execute("SET QUERY_STATISTICS_MAX_ENTRIES 1000");
        }
        if (how.equals("toy")) {
            ToyDriver.register();
        }
        String appUrl = how.equals("toy") ? "jdbc:toy:" + db : prefix + db + ";DB_CLOSE_DELAY=-1";
        DataSource ds = dataSource(how, appUrl, h2Url);
        try {
            for (int i = 0; i < READS; i++) {
                if (!"pen".equals(read(ds, 1))) {
                    throw new IllegalStateException("wrong value read");
                }
            }
            try (Connection c = ds.getConnection(); PreparedStatement p =
                    c.prepareStatement("UPDATE item SET name = ? WHERE id = 1")) {
                p.setString(1, "quill");
                p.executeUpdate();
            }
            result("readAfterWrite", read(ds, 1));
            result("connectionClass", connectionClass(ds));
        } finally {
            if (ds instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        try (Connection admin = DriverManager.getConnection(h2Url);
             PreparedStatement p = admin.prepareStatement("SELECT COALESCE(SUM(EXECUTION_COUNT), 0) FROM"
                     + " INFORMATION_SCHEMA.QUERY_STATISTICS WHERE SQL_STATEMENT = ? AND RAND() < 2")) {
            p.setString(1, READ);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                result("dbExecutions", rs.getLong(1));
            }
        }
        jmx();
        result("done", true);
    }

    private static DataSource dataSource(String how, String appUrl, String h2Url) throws SQLException {
        switch (how) {
            case "hikari", "toy": {
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(appUrl);
                config.setMaximumPoolSize(2);
                return new HikariDataSource(config);
            }
            case "hikari-datasource": {
                JdbcDataSource h2 = new JdbcDataSource();
                h2.setURL(h2Url);
                HikariConfig config = new HikariConfig();
                config.setDataSource(h2);
                config.setMaximumPoolSize(2);
                return new HikariDataSource(config);
            }
            case "datasource": {
                JdbcDataSource h2 = new JdbcDataSource();
                h2.setURL(h2Url);
                return h2;
            }
            case "drivermanager":
                return new DriverManagerDataSource(appUrl);
            default:
                throw new IllegalArgumentException(how);
        }
    }

    private static String read(DataSource ds, int id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement p = c.prepareStatement(READ)) {
            p.setInt(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The class of the connection under the pool's proxy, as the application could see it. */
    private static String connectionClass(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            Connection inner = c.isWrapperFor(com.zaxxer.hikari.pool.ProxyConnection.class) ? c : c;
            if (c instanceof com.zaxxer.hikari.pool.ProxyConnection) {
                try {
                    java.lang.reflect.Field delegate = com.zaxxer.hikari.pool.ProxyConnection.class
                            .getDeclaredField("delegate");
                    delegate.setAccessible(true);
                    inner = (Connection) delegate.get(c);
                } catch (ReflectiveOperationException e) {
                    return "unknown";
                }
            }
            return inner.getClass().getName();
        }
    }

    private static void jmx() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(new ObjectName("dev.cachet:type=Cluster,*"), null);
        long hits = 0;
        long executions = 0;
        for (ObjectName n : names) {
            hits += (Long) server.getAttribute(n, "Hits");
            executions += (Long) server.getAttribute(n, "Executions");
        }
        result("jmxClusters", names.size());
        result("jmxHits", hits);
        result("jmxExecutions", executions);
    }

    private static String library(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
        } catch (Exception e) {
            return "unknown";
        }
    }

    static void result(String name, Object value) {
        System.out.println("RESULT " + name + "=" + value);
    }

    /** DriverManager per connection, as applications without a pool do. */
    private record DriverManagerDataSource(String url) implements DataSource {
        @Override public Connection getConnection() throws SQLException { return DriverManager.getConnection(url); }
        @Override public Connection getConnection(String u, String p) throws SQLException {
            return DriverManager.getConnection(url, u, p);
        }
        @Override public java.io.PrintWriter getLogWriter() { return null; }
        @Override public void setLogWriter(java.io.PrintWriter out) { }
        @Override public void setLoginTimeout(int seconds) { }
        @Override public int getLoginTimeout() { return 0; }
        @Override public java.util.logging.Logger getParentLogger() { return null; }
        @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("no"); }
        @Override public boolean isWrapperFor(Class<?> iface) { return false; }
    }
}
