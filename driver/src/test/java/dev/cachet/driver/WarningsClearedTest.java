package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.jdbc.ClusterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Connection.clearWarnings} — which a pool calls on every return — reaches every physical connection that may
 * hold warnings: the lead always, and every other one that anything was called on (or on a statement or result set
 * of it) since its warnings were last cleared. A replica connection nothing used since is left alone. Every object
 * of the real driver is wrapped in a proxy that records, per real connection, whether it was used since its last
 * clear.
 */
class WarningsClearedTest {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final List<H2Database> databases = new ArrayList<>();
    private final Thread application = Thread.currentThread();
    /** Per real connection (its proxy): used since its warnings were last cleared. */
    private final Map<Object, Boolean> usedSinceCleared = new IdentityHashMap<>();
    /** Per real connection (its proxy): how many times its warnings were cleared. */
    private final Map<Object, Integer> clears = new IdentityHashMap<>();

    @AfterEach
    void tearDown() throws SQLException {
        ClusterRegistry.shutdown();
        for (H2Database db : databases) {
            db.close();
        }
    }

    private String database(String name) throws SQLException {
        H2Database db = new H2Database();
        databases.add(db);
        db.exec("CREATE TABLE node(id INT PRIMARY KEY, name VARCHAR(20))",
                "INSERT INTO node VALUES (1, '" + name + "')");
        return db.realUrl;
    }

    private DataSource tracking(String url) {
        JdbcDataSource real = new JdbcDataSource();
        real.setURL(url);
        return ObservedJdbc.dataSource(real, (iface, connection, method, args) -> {
            // the application's thread only: the replica poller probes the same data sources on its own thread
            String name = method.getName();
            if (connection != null && Thread.currentThread() == application
                    && method.getDeclaringClass() != Object.class) { // toString of a failing assertion is no use
                if (iface == Connection.class && name.equals("clearWarnings")) {
                    usedSinceCleared.put(connection, false);
                    clears.merge(connection, 1, Integer::sum);
                } else if (!name.equals("isClosed") && !name.equals("getWarnings")) {
                    usedSinceCleared.put(connection, true);
                }
            }
        });
    }

    private CachetDataSource cachet() throws SQLException {
        CachetDataSource ds = new CachetDataSource(tracking(database("primary")));
        Properties settings = new Properties();
        settings.setProperty("cachet.cluster", "warnings-" + COUNTER.incrementAndGet());
        settings.setProperty("cachet.enabled", "false");
        ds.setProperties(settings);
        ds.addReplica(tracking(database("replica1")));
        ds.addReplica(tracking(database("replica2")));
        return ds;
    }

    private void assertNothingUsedKeepsWarnings(String when) {
        assertThat(usedSinceCleared).as("real connections the application's thread used").isNotEmpty();
        assertThat(usedSinceCleared).as("used since their warnings were last cleared, %s", when)
                .allSatisfy((connection, used) -> assertThat(used).isFalse());
    }

    @Test
    void everyPhysicalConnectionUsedSinceTheLastClearIsCleared() throws SQLException {
        CachetDataSource ds = cachet();
        try (Connection c = ds.getConnection()) {
            // from here on: the logical connection's own physical connections (the cluster's first connection also
            // read the catalog and found the primary through connections of its own)
            usedSinceCleared.clear();
            clears.clear();
            for (int i = 0; i < 6; i++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT name FROM node WHERE id = ?")) {
                    ps.setInt(1, 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                    }
                }
                c.clearWarnings();
                assertNothingUsedKeepsWarnings("after prepared read " + i);
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM node")) {
                    assertThat(rs.next()).isTrue();
                }
                c.clearWarnings();
                assertNothingUsedKeepsWarnings("after plain read " + i);
            }
            assertThat(usedSinceCleared).as("reads ran on both replicas; the primary is not open yet").hasSize(2);

            c.setReadOnly(true);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM node")) {
                assertThat(rs.next()).isTrue();
            }
            c.commit();
            c.setAutoCommit(true);
            c.setReadOnly(false);
            c.clearWarnings();
            assertNothingUsedKeepsWarnings("after a read-only transaction");

            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE node SET name = name");
            }
            c.clearWarnings();
            assertNothingUsedKeepsWarnings("after a write");
            assertThat(usedSinceCleared).as("the write opened the primary").hasSize(3);

            // nothing used since: the lead is cleared all the same (the application reaches it directly)
            Map<Object, Integer> before = new IdentityHashMap<>(clears);
            c.clearWarnings();
            c.clearWarnings();
            long clearedAgain = clears.entrySet().stream()
                    .filter(e -> e.getValue() - before.getOrDefault(e.getKey(), 0) == 2).count();
            long leftAlone = clears.entrySet().stream()
                    .filter(e -> e.getValue().equals(before.get(e.getKey()))).count();
            assertThat(clearedAgain).as("the lead (the primary, once open)").isEqualTo(1);
            assertThat(leftAlone).as("the replica connections nothing used").isEqualTo(2);
        }
    }
}
