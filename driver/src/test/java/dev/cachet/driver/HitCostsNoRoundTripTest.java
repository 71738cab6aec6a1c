package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.jdbc.ClusterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hit never costs a round trip (issue 10, DESIGN §8/§9): once a result is cached, executing its query again — a
 * plain statement or a prepared one, without replicas or with two — calls nothing on the real driver's connections,
 * statements or result sets but JDBC's closed checks (state the real objects hold; no driver does I/O for them): not
 * even the parameter setter the application called, whose value is bound only when an execution reaches the real
 * statement. Every object the real driver hands out is wrapped in a proxy that
 * records each call made on it, so any other call Cachet made on a hit (an execute, a metadata or catalog question, a
 * ping, a session setting) would show. {@code RoundTripsIT} counts the same on PostgreSQL's servers.
 */
class HitCostsNoRoundTripTest {

    private static final java.util.Set<String> LOCAL = java.util.Set.of(
            "Connection.isClosed", "Statement.isClosed", "PreparedStatement.isClosed");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final List<H2Database> databases = new ArrayList<>();
    private final Thread application = Thread.currentThread();
    /** Every call the application's thread made on a real driver object, as "Interface.method". */
    private final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());

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
        db.exec("CREATE TABLE items(id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10,2))",
                "INSERT INTO items VALUES (1, 'one', 1.50), (2, 'two', 2.50)");
        return db.realUrl;
    }

    /** A data source whose connections, and everything obtained from them, record every call. */
    private DataSource counting(String url) {
        JdbcDataSource real = new JdbcDataSource();
        real.setURL(url);
        // the application's thread only: the replica poller probes the same data sources on its own thread
        return ObservedJdbc.dataSource(real, (iface, connection, method, args) -> {
            if (iface != DataSource.class && Thread.currentThread() == application) {
                calls.add(iface.getSimpleName() + "." + method.getName());
            }
        });
    }

    private CachetDataSource cachet(String name, boolean replicas) throws SQLException {
        CachetDataSource ds = new CachetDataSource(counting(database(name + "_primary")));
        Properties settings = new Properties();
        settings.setProperty("cachet.cluster", "hits-" + name + "-" + COUNTER.incrementAndGet());
        ds.setProperties(settings);
        if (replicas) {
            ds.addReplica(counting(database(name + "_replica1")));
            ds.addReplica(counting(database(name + "_replica2")));
        }
        return ds;
    }

    private static String read(ResultSet rs) throws SQLException {
        StringBuilder out = new StringBuilder();
        while (rs.next()) {
            out.append(rs.getInt(1)).append(rs.getString(2)).append(rs.getBigDecimal(3)).append(';');
        }
        return out.toString();
    }

    private void hitsCallNothingOnTheRealDriver(CachetDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement byId = c.prepareStatement("SELECT id, name, price FROM items WHERE id = ?");
             Statement plain = c.createStatement()) {
            byId.setInt(1, 2);
            String first;
            try (ResultSet rs = byId.executeQuery()) {
                first = read(rs); // the miss: runs on the database and fills the cache
            }
            String all;
            try (ResultSet rs = plain.executeQuery("SELECT id, name, price FROM items ORDER BY id")) {
                all = read(rs);
            }
            assertThat(first).isEqualTo("2two2.50;");
            assertThat(all).isEqualTo("1one1.50;2two2.50;");
            assertThat(calls).as("the misses ran on the real driver").isNotEmpty();

            // the first executions after the misses also close the misses' real result sets once more (a no-op)
            for (int i = 0; i < 2; i++) {
                byId.setInt(1, 2);
                byId.executeQuery().close();
                plain.executeQuery("SELECT id, name, price FROM items ORDER BY id").close();
            }
            calls.clear();
            for (int i = 0; i < 50; i++) {
                byId.setInt(1, 2);
                try (ResultSet rs = byId.executeQuery()) {
                    assertThat(read(rs)).isEqualTo(first);
                }
                try (ResultSet rs = plain.executeQuery("SELECT id, name, price FROM items ORDER BY id")) {
                    assertThat(read(rs)).isEqualTo(all);
                }
            }
            // isClosed reads the real objects' state (JDBC's closed checks, no I/O in any driver); nothing else may be
            // called, not even the setter: a cached query's plain setters bind when an execution needs the value
            assertThat(calls).as("calls on the real driver during 100 hits").isNotEmpty()
                    .allMatch(call -> LOCAL.contains(call), "a closed check");
            assertThat(Cachet.cluster(ds).statistics().hits()).isEqualTo(104);
        }
    }

    @Test
    void aHitCallsNothingOnTheRealDriver() throws SQLException {
        hitsCallNothingOnTheRealDriver(cachet("single", false));
    }

    @Test
    void aHitCallsNothingOnTheRealDriverWithReplicas() throws SQLException {
        hitsCallNothingOnTheRealDriver(cachet("replicas", true));
    }
}
