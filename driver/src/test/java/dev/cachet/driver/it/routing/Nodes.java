package dev.cachet.driver.it.routing;

import dev.cachet.driver.it.cluster.PgCluster;
import dev.cachet.driver.routing.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** What the test cluster's servers themselves say: statement counts from pg_stat_statements, direct statements. */
final class Nodes {

  private Nodes() {}

  /** A fresh lower-case name with {@code prefix}, unique across runs (tables are counted by name on the servers). */
  static String fresh(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /**
   * How many times node {@code n} executed statements whose text contains {@code fragment} (case-insensitive),
   * according to its pg_stat_statements.
   */
  static long calls(int n, String fragment) throws SQLException {
    try (Connection c = PgCluster.connect(n);
        PreparedStatement p = c.prepareStatement("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
            + " WHERE query ILIKE ? AND query NOT ILIKE '%pg_stat_statements%'")) {
      p.setString(1, "%" + fragment + "%");
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Runs statements on the primary (node 0), around Cachet, and waits until both replicas replayed them. */
  static void onPrimary(String... sql) throws SQLException {
    try (Connection c = PgCluster.connect(0); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
    replicated();
  }

  /** Waits until both replicas replayed everything the primary wrote so far. */
  static void replicated() throws SQLException {
    Lsn now = PgCluster.insertLsn(0);
    PgCluster.awaitReplayed(1, now);
    PgCluster.awaitReplayed(2, now);
  }

  /** The first column of the first row of {@code sql} on {@code c}. */
  static String one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new AssertionError("no row from " + sql);
      }
      return rs.getString(1);
    }
  }

  /** The cachet URL of the test cluster with both replicas, in cluster {@code clusterId}, plus {@code extra} settings. */
  static String url(String clusterId, String extra) {
    return "jdbc:cachet:postgresql://" + PgCluster.host(0) + "/postgres?cachet.replicas=" + PgCluster.host(1) + ","
        + PgCluster.host(2) + "&cachet.cluster=" + clusterId + (extra.isEmpty() ? "" : "&" + extra);
  }
}
