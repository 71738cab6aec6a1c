package dev.cachet.driver.it.routing;

import static dev.cachet.driver.it.routing.Nodes.fresh;
import static dev.cachet.driver.it.routing.Nodes.onPrimary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.Cachet;
import dev.cachet.driver.CachetCluster;
import dev.cachet.driver.RowStaleChecker;
import dev.cachet.driver.it.cluster.PgCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Row-precise invalidation (DESIGN §13) on the test cluster (a PostgreSQL primary with two streaming replicas): which
 * tables PostgreSQL's catalog lets Cachet track by rows, what a point write leaves cached, and the stale checker with
 * every kind of write, in auto-commit and transactions, with reads spread over the replicas.
 */
class RowPrecisionIT {

  @BeforeAll
  static void clusterIsUp() {
    if (!PgCluster.run("status").contains("running  primary")) {
      PgCluster.recreate();
    }
  }

  private static Connection cachet(String cluster) throws SQLException {
    return DriverManager.getConnection(Nodes.url(cluster, ""), "postgres", "");
  }

  private static String value(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static void write(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  /**
   * Caches the look-ups of keys {@code k1} and {@code k2} of {@code table}, writes {@code write} through Cachet, and
   * tells whether the look-up of {@code k2} was then still served from the cache.
   */
  private static boolean otherRowStaysCached(Connection c, String table, String k1, String k2, String write,
                                             String expectedAfter) throws SQLException {
    String row1 = "SELECT v FROM " + table + " WHERE id = " + k1;
    String row2 = "SELECT v FROM " + table + " WHERE id = " + k2;
    value(c, row1);
    value(c, row2);
    value(c, row2);
    write(c, write);
    assertThat(value(c, row1)).isEqualTo(expectedAfter);
    CachetCluster cluster = Cachet.cluster(c);
    long hits = cluster.statistics().hits();
    value(c, row2);
    return cluster.statistics().hits() == hits + 1;
  }

  @Test
  void thePostgresCatalogDecidesWhichTablesAreTrackedByRows() throws SQLException {
    String plain = fresh("plain");
    String text = fresh("textkey");
    String trig = fresh("trig");
    String ruled = fresh("ruled");
    String parent = fresh("parent");
    String child = fresh("child");
    String parted = fresh("parted");
    String audit = fresh("audit");
    onPrimary(
        "CREATE TABLE " + plain + "(id int PRIMARY KEY, v text)",
        "INSERT INTO " + plain + " VALUES (1, 'a'), (2, 'b')",
        "CREATE TABLE " + text + "(id text PRIMARY KEY, v text)",
        "INSERT INTO " + text + " VALUES ('x', 'a'), ('y', 'b')",
        "CREATE TABLE " + audit + "(n int)",
        "CREATE TABLE " + trig + "(id int PRIMARY KEY, v text)",
        "INSERT INTO " + trig + " VALUES (1, 'a'), (2, 'b')",
        "CREATE FUNCTION " + trig + "_f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO " + audit
            + " VALUES (1); RETURN NEW; END $$",
        "CREATE TRIGGER " + trig + "_t AFTER UPDATE ON " + trig + " FOR EACH ROW EXECUTE FUNCTION " + trig + "_f()",
        "CREATE TABLE " + ruled + "(id int PRIMARY KEY, v text)",
        "INSERT INTO " + ruled + " VALUES (1, 'a'), (2, 'b')",
        "CREATE RULE " + ruled + "_r AS ON UPDATE TO " + ruled + " DO ALSO INSERT INTO " + audit + " VALUES (2)",
        "CREATE TABLE " + parent + "(id int PRIMARY KEY, v text)",
        "INSERT INTO " + parent + " VALUES (1, 'a'), (2, 'b')",
        "CREATE TABLE " + child + "(id int PRIMARY KEY, p int REFERENCES " + parent + "(id) ON DELETE CASCADE, v text)",
        "INSERT INTO " + child + " VALUES (1, 1, 'a'), (2, 2, 'b')",
        "CREATE TABLE " + parted + "(id int, v text, PRIMARY KEY (id)) PARTITION BY RANGE (id)",
        "CREATE TABLE " + parted + "_1 PARTITION OF " + parted + " FOR VALUES FROM (0) TO (100)",
        "INSERT INTO " + parted + " VALUES (1, 'a'), (2, 'b')");
    try (Connection c = cachet(fresh("c"))) {
      assertThat(otherRowStaysCached(c, plain, "1", "2", "UPDATE " + plain + " SET v = 'a2' WHERE id = 1", "a2"))
          .as("a plain table is tracked by rows").isTrue();
      assertThat(otherRowStaysCached(c, text, "'x'", "'y'", "UPDATE " + text + " SET v = 'a2' WHERE id = 'x'", "a2"))
          .as("a text key under the default collation is tracked by rows").isTrue();
      assertThat(otherRowStaysCached(c, child, "1", "2", "UPDATE " + child + " SET v = 'a2' WHERE id = 1", "a2"))
          .as("the child of a cascade is tracked by rows").isTrue();
      assertThat(otherRowStaysCached(c, trig, "1", "2", "UPDATE " + trig + " SET v = 'a2' WHERE id = 1", "a2"))
          .as("a table with a trigger is not").isFalse();
      assertThat(otherRowStaysCached(c, ruled, "1", "2", "UPDATE " + ruled + " SET v = 'a2' WHERE id = 1", "a2"))
          .as("a table with a rule is not").isFalse();
      assertThat(otherRowStaysCached(c, parent, "1", "2", "UPDATE " + parent + " SET v = 'a2' WHERE id = 1", "a2"))
          .as("a table a cascading foreign key references is not").isFalse();
      assertThat(otherRowStaysCached(c, parted, "1", "2", "UPDATE " + parted + " SET v = 'a2' WHERE id = 1", "a2"))
          .as("a partitioned table is not").isFalse();
      // the cascade itself: deleting a parent row empties its child's look-up
      assertThat(value(c, "SELECT v FROM " + child + " WHERE id = 2")).isEqualTo("b");
      write(c, "DELETE FROM " + parent + " WHERE id = 2");
      assertThat(value(c, "SELECT v FROM " + child + " WHERE id = 2")).isNull();
      // an upsert on the key keeps other rows, and refreshes its own
      assertThat(otherRowStaysCached(c, plain, "1", "2", "INSERT INTO " + plain + " (id, v) VALUES (1, 'up')"
          + " ON CONFLICT (id) DO UPDATE SET v = excluded.v", "up")).isTrue();
    }
  }

  @Test
  void theStaleCheckerSeesNoStaleReadOnTheClusterWithReplicas() throws Exception {
    staleCheck(true, false);
  }

  @Test
  void theStaleCheckerSeesNoStaleReadAtTableLevelWithReplicas() throws Exception {
    staleCheck(true, true);
  }

  @Test
  void theStaleCheckerSeesNoStaleReadOnThePrimaryAlone() throws Exception {
    staleCheck(false, false);
  }

  /**
   * The stale checker on a fresh table, through both replicas or the primary alone; {@code tableLevel} gives another
   * schema a table of the same name, so that Cachet keeps the table at table level (the baseline).
   */
  private static void staleCheck(boolean replicas, boolean tableLevel) throws Exception {
    String table = fresh("rk");
    try (Connection admin = PgCluster.connect(0)) {
      RowStaleChecker.createTable(admin, table);
      if (tableLevel) {
        try (Statement s = admin.createStatement()) {
          s.execute("CREATE SCHEMA IF NOT EXISTS twin");
          s.execute("CREATE TABLE twin." + table + "(x int)");
        }
      }
    }
    Nodes.replicated();
    String cluster = fresh("c");
    // adaptive off: the checker's write-heavy load must not switch its table to WRITE_HOT, caching must go on
    String url = replicas ? Nodes.url(cluster, "cachet.adaptive=false")
        : "jdbc:cachet:postgresql://" + PgCluster.host(0) + "/postgres?cachet.cluster=" + cluster
            + "&cachet.adaptive=false";
    RowStaleChecker checker = new RowStaleChecker(() -> DriverManager.getConnection(url, "postgres", ""), table,
        "INSERT INTO " + table + " (id, grp, n) VALUES (?, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET grp = excluded.grp, n = excluded.n");
    checker.run(200);
    assertThat(checker.reads.get()).isGreaterThan(100);
    assertThat(checker.stale.get()).as("stale reads out of %d: %s", checker.reads.get(), checker.staleDetails)
        .isZero();
    try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
      assertThat(Cachet.cluster(c).statistics().hits()).as("the cache served reads: %s, %s",
          Cachet.cluster(c).statistics(), Cachet.cluster(c).tableStatistics()).isGreaterThan(0);
    }
  }
}
