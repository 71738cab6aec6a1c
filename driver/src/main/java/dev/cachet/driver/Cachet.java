package dev.cachet.driver;

import dev.cachet.driver.jdbc.CachetConnection;
import dev.cachet.driver.jdbc.ClusterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import javax.sql.DataSource;

/**
 * Cachet's operator API: find the cluster behind a connection or data source, list the clusters of this JVM, shut
 * Cachet down.
 *
 * <pre>{@code
 * CachetCluster cluster = Cachet.cluster(dataSource);
 * cluster.invalidate("orders");                 // after a change made around Cachet
 * System.out.println(cluster.explain("SELECT * FROM orders WHERE id = ?"));
 * System.out.println(cluster.statistics().hitRatio());
 * }</pre>
 */
public final class Cachet {

    private Cachet() {
    }

    /**
     * The cluster of a Cachet connection, also through pools that wrap it (found with {@link Connection#unwrap}).
     *
     * @throws SQLException if {@code connection} is not (and does not wrap) a Cachet connection
     */
    public static CachetCluster cluster(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(CachetConnection.class)) {
            throw new SQLException("Cachet: not a Cachet connection: " + connection.getClass().getName(), "HY000");
        }
        return new CachetCluster(connection.unwrap(CachetConnection.class).cluster());
    }

    /**
     * The cluster behind a data source of Cachet connections (a {@link CachetDataSource}, or a pool of Cachet
     * connections). Borrows one connection to find it, and gives it back.
     */
    public static CachetCluster cluster(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return cluster(c);
        }
    }

    /** Every cluster Cachet has served in this JVM since it started or since {@link #shutdown()}. */
    public static Collection<CachetCluster> clusters() {
        return ClusterRegistry.all().stream().map(CachetCluster::new).toList();
    }

    /**
     * Stops what Cachet started in this JVM (background services of every cluster), drops every cached result and
     * forgets every cluster. Connections still open keep working, uncached, and their writes still invalidate the
     * clusters opened later; a later connection starts afresh. Call it when an application is undeployed.
     */
    public static void shutdown() {
        ClusterRegistry.shutdown();
    }
}
