package dev.cachet.driver.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link NodeProbe} for PostgreSQL over JDBC: one query per probe, on a connection per host that it keeps open
 * between probes and replaces when it fails.
 *
 * <p>The timeline comes from the WAL file name of the current position on a primary (the control file's checkpoint
 * timeline only changes at the first checkpoint after a promotion, seconds later), and on a standby from the WAL
 * receiver (visible to superusers and {@code pg_read_all_stats}), else from the control file's last checkpoint.
 * The connector must set connect and socket timeouts; this class adds a query timeout. Thread-safe.
 */
public final class JdbcNodeProbe implements NodeProbe, AutoCloseable {

  /** Opens a new connection to one host. */
  @FunctionalInterface
  public interface HostConnector {
    /** A new connection to {@code host} ({@code "host:port"}), with connect and socket timeouts set. */
    Connection connect(String host) throws SQLException;
  }

  /** The probe's query: in recovery?, position (text), timeline. */
  public static final String QUERY = "SELECT pg_is_in_recovery(),"
      + " (CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_replay_lsn(), '0/0'::pg_lsn)"
      + " ELSE pg_current_wal_insert_lsn() END)::text,"
      + " CASE WHEN pg_is_in_recovery() THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver),"
      + " (SELECT timeline_id FROM pg_control_checkpoint()))::bigint"
      + " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END"
      + " /*cachet:probe*/";

  private final HostConnector connector;
  private final int queryTimeoutSeconds;
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();

  /** A probe connecting through {@code connector}, each query bounded by {@code queryTimeout} (at least 1 s). */
  public JdbcNodeProbe(HostConnector connector, Duration queryTimeout) {
    this.connector = connector;
    this.queryTimeoutSeconds = (int) Math.max(1, queryTimeout.toSeconds());
  }

  @Override
  public NodeStatus probe(String host) throws SQLException {
    Connection connection = connections.get(host);
    if (connection == null) {
      connection = connector.connect(host);
      Connection raced = connections.putIfAbsent(host, connection);
      if (raced != null) {
        connection.close();
        connection = raced;
      }
    }
    try (Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(queryTimeoutSeconds);
      try (ResultSet rs = statement.executeQuery(QUERY)) {
        rs.next();
        return new NodeStatus(rs.getBoolean(1), Lsn.parse(rs.getString(2)), rs.getLong(3));
      }
    } catch (SQLException | RuntimeException e) {
      connections.remove(host, connection);
      closeQuietly(connection);
      throw e;
    }
  }

  /** Closes every kept connection. */
  @Override
  public void close() {
    connections.values().forEach(JdbcNodeProbe::closeQuietly);
    connections.clear();
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Already broken; nothing to release.
    }
  }
}
