package dev.cachet.driver.routing;

import java.sql.SQLException;

/**
 * Asks one configured server ({@code "host:port"}) where it stands. Implementations must bound the time a probe
 * takes (connect and query timeouts) and report an unreachable or failing server by throwing.
 */
@FunctionalInterface
public interface NodeProbe {

  /**
   * Probes {@code host}.
   *
   * @throws SQLException when the server cannot be reached or the query fails
   */
  NodeStatus probe(String host) throws SQLException;
}
