package dev.cachet.driver.it.cluster;

import java.util.Arrays;
import java.util.List;

/**
 * Where the integration suite's servers are, from the system properties the {@code it} profile passes (set by
 * {@code scripts/integration-tests.sh}). A missing property fails the test: integration tests never skip.
 */
public final class ItServers {

  private ItServers() {}

  /** The test cluster's primary as started, {@code host:port}. */
  public static String clusterPrimary() {
    return required("it.pg.primary");
  }

  /** The test cluster's replicas as started, {@code host:port} each. */
  public static List<String> clusterReplicas() {
    return Arrays.asList(required("it.pg.replicas").split(","));
  }

  /** The cluster's base port (node n listens on base + n). */
  public static int clusterBasePort() {
    return Integer.parseInt(required("it.pg.port"));
  }

  /** The directory the cluster's nodes live in. */
  public static String clusterDirectory() {
    return required("it.pg.dir");
  }

  /** The path of {@code scripts/pg-cluster.sh}. */
  public static String clusterScript() {
    return required("it.pg.script");
  }

  /** The machine's single PostgreSQL server, {@code host:port}. */
  public static String postgres() {
    return required("it.pg.single");
  }

  /** The machine's MariaDB server, {@code host:port}. */
  public static String mariadb() {
    return required("it.mariadb");
  }

  static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + property + " is not set: run the integration suite with "
          + "scripts/integration-tests.sh (or mvn verify -Pit with the cluster up)");
    }
    return value.trim();
  }
}
