package dev.cachet.driver.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.cache.MaterializedResult;
import dev.cachet.driver.it.cluster.PgCluster;
import dev.cachet.driver.profile.PgJdbcProfile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §8: materializing a pgjdbc result adds no round trip except, once per column set, the catalog query pgjdbc
 * needs for some metadata. Counted on the server with pg_stat_statements (loaded on the test cluster's nodes).
 */
class PgJdbcMetadataRoundTripIT {

  @Test
  void theCatalogQueryRunsOncePerColumnSetNotOncePerConnection() throws SQLException {
    if (!PgCluster.run("status").contains("running  primary")) {
      PgCluster.recreate();
    }
    String table = "meta_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (Connection admin = PgCluster.connect(0); Statement s = admin.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id serial PRIMARY KEY, name text NOT NULL, note text)");
      s.execute("INSERT INTO " + table + " (name) VALUES ('a'), ('b')");
      s.execute("SELECT pg_stat_statements_reset()");
      for (int i = 0; i < 3; i++) {
        try (Connection c = PgCluster.connect(0); Statement q = c.createStatement();
            ResultSet rs = q.executeQuery("SELECT id, name, note FROM " + table + " WHERE id > " + i)) {
          MaterializedResult result = MaterializedResult.materialize(rs, PgJdbcProfile.INSTANCE, 1000, 1 << 20);
          try (Statement live = c.createStatement();
              ResultSet again = live.executeQuery("SELECT id, name, note FROM " + table)) {
            assertSameMetadata(again.getMetaData(), result.metadata());
          }
        }
      }
      long catalogQueries = Long.parseLong(PgCluster.queryString(admin, "SELECT coalesce(sum(calls), 0)"
          + " FROM pg_stat_statements WHERE query LIKE '%attnotnull%' AND query NOT LIKE '%pg_stat_statements%'"));
      // Three materializations on three connections share one capture; the live checks above fetch their own
      // (pgjdbc caches per connection), so: 1 for the shared capture + at most 3 for the live comparisons.
      assertThat(catalogQueries).isLessThanOrEqualTo(4);
      long materializeOnly = catalogQueriesForMaterializeOnly(admin, table);
      assertThat(materializeOnly).isEqualTo(0);
    }
  }

  /**
   * One statement text, two connections whose search paths make it read tables of different columns, executed in
   * turn on held prepared statements (pgjdbc hands each connection's results its own field array): every result
   * gets its own connection's metadata, however the snapshots per connection are remembered.
   */
  @Test
  void oneTextOnConnectionsReadingDifferentColumnsGetsEachItsOwnMetadata() throws SQLException {
    if (!PgCluster.run("status").contains("running  primary")) {
      PgCluster.recreate();
    }
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String a = "meta_a_" + suffix;
    String b = "meta_b_" + suffix;
    String sql = "SELECT * FROM shaped WHERE id = ?";
    try (Connection admin = PgCluster.connect(0); Statement s = admin.createStatement()) {
      s.execute("CREATE SCHEMA " + a);
      s.execute("CREATE SCHEMA " + b);
      try {
        s.execute("CREATE TABLE " + a + ".shaped (id int PRIMARY KEY, name text NOT NULL)");
        s.execute("CREATE TABLE " + b + ".shaped (id bigint PRIMARY KEY, price numeric, note text)");
        s.execute("INSERT INTO " + a + ".shaped VALUES (1, 'a')");
        s.execute("INSERT INTO " + b + ".shaped VALUES (1, 2.50, 'b')");
        try (Connection ca = PgCluster.connect(0); Connection cb = PgCluster.connect(0)) {
          ca.createStatement().execute("SET search_path TO " + a);
          cb.createStatement().execute("SET search_path TO " + b);
          try (PreparedStatement pa = ca.prepareStatement(sql); PreparedStatement pb = cb.prepareStatement(sql)) {
            for (int i = 0; i < 12; i++) { // past pgjdbc's prepare threshold: the field arrays are then kept
              assertThat(labels(pa, sql)).as("round %d on %s", i, a).containsExactly("id", "name");
              assertThat(labels(pb, sql)).as("round %d on %s", i, b).containsExactly("id", "price", "note");
            }
          }
        }
      } finally {
        s.execute("DROP SCHEMA " + a + " CASCADE");
        s.execute("DROP SCHEMA " + b + " CASCADE");
      }
    }
  }

  private static List<String> labels(PreparedStatement ps, String sql) throws SQLException {
    ps.setInt(1, 1);
    try (ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = MaterializedResult.materialize(rs, PgJdbcProfile.INSTANCE, sql, 1000, 1 << 20)
          .metadata();
      List<String> labels = new ArrayList<>();
      for (int c = 1; c <= md.getColumnCount(); c++) {
        labels.add(md.getColumnLabel(c));
      }
      return labels;
    }
  }

  /** Materializing again on fresh connections, without live metadata calls, runs no catalog query at all. */
  private static long catalogQueriesForMaterializeOnly(Connection admin, String table) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("SELECT pg_stat_statements_reset()");
    }
    for (int i = 0; i < 3; i++) {
      try (Connection c = PgCluster.connect(0); Statement q = c.createStatement();
          ResultSet rs = q.executeQuery("SELECT id, name, note FROM " + table)) {
        MaterializedResult.materialize(rs, PgJdbcProfile.INSTANCE, 1000, 1 << 20);
      }
    }
    return Long.parseLong(PgCluster.queryString(admin, "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
        + " WHERE query LIKE '%attnotnull%' AND query NOT LIKE '%pg_stat_statements%'"));
  }

  private static void assertSameMetadata(ResultSetMetaData live, ResultSetMetaData cached) throws SQLException {
    assertThat(cached.getColumnCount()).isEqualTo(live.getColumnCount());
    for (int c = 1; c <= live.getColumnCount(); c++) {
      assertThat(cached.isNullable(c)).isEqualTo(live.isNullable(c));
      assertThat(cached.isAutoIncrement(c)).isEqualTo(live.isAutoIncrement(c));
      assertThat(cached.getColumnTypeName(c)).isEqualTo(live.getColumnTypeName(c));
      assertThat(cached.getTableName(c)).isEqualTo(live.getTableName(c));
    }
  }
}
