package dev.cachet.driver.it.routing;

import static dev.cachet.driver.it.routing.Nodes.calls;
import static dev.cachet.driver.it.routing.Nodes.fresh;
import static dev.cachet.driver.it.routing.Nodes.one;
import static dev.cachet.driver.it.routing.Nodes.onPrimary;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cachet.driver.it.cluster.PgCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session-bound work through a HikariCP pool over {@code jdbc:cachet:} on the test cluster: row-level security read
 * by two roles, roles and settings never reaching the next borrower of the same physical connections, sequences and
 * advisory locks kept on the primary; and hidden writes (DESIGN §6) invalidating end to end with replicas.
 */
class SessionRoutingIT {

  @BeforeAll
  static void clusterIsUp() {
    if (!PgCluster.run("status").contains("running  primary")) {
      PgCluster.recreate();
    }
  }

  private static HikariDataSource pool(int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(Nodes.url(fresh("c"), ""));
    config.setUsername("postgres");
    config.setPassword("");
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    return new HikariDataSource(config);
  }

  private static List<String> column(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  @Test
  void rowLevelSecurityNeverShowsOneRolesRowsToTheOtherAndNoRoleOrSettingLeaksToTheNextBorrower()
      throws SQLException {
    String t = fresh("rls");
    String alice = fresh("alice");
    String bob = fresh("bob");
    onPrimary("CREATE ROLE " + alice, "CREATE ROLE " + bob,
        "CREATE TABLE " + t + "(owner text, v text)",
        "INSERT INTO " + t + " VALUES ('" + alice + "', 'a1'), ('" + alice + "', 'a2'), ('" + bob + "', 'b1'),"
            + " ('tenant-x', 'x1')",
        "ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY own ON " + t + " USING (owner = current_user"
            + " OR owner = current_setting('app.tenant', true))",
        "GRANT SELECT ON " + t + " TO " + alice + ", " + bob);
    String read = "SELECT v FROM " + t + " ORDER BY v";
    try (HikariDataSource pool = pool(1)) {
      String pid;
      try (Connection c = pool.getConnection()) {
        pid = one(c, "SELECT /*cachet:primary*/ pg_backend_pid()");
        c.createStatement().execute("SET ROLE " + alice);
        for (int i = 0; i < 3; i++) {
          assertThat(column(c, read)).containsExactly("a1", "a2");
        }
      }
      try (Connection c = pool.getConnection()) {
        assertThat(one(c, "SELECT /*cachet:primary*/ pg_backend_pid()")).isEqualTo(pid); // the same physical one
        assertThat(one(c, "SELECT current_user")).isEqualTo("postgres"); // alice did not leak
        c.createStatement().execute("SET ROLE " + bob);
        for (int i = 0; i < 3; i++) {
          assertThat(column(c, read)).containsExactly("b1");
        }
      }
      try (Connection c = pool.getConnection()) {
        c.createStatement().execute("SET ROLE " + alice);
        assertThat(column(c, read)).containsExactly("a1", "a2");
        c.createStatement().execute("SELECT set_config('app.tenant', 'tenant-x', false)");
        assertThat(column(c, read)).containsExactly("a1", "a2", "x1");
      }
      try (Connection c = pool.getConnection()) {
        assertThat(one(c, "SELECT /*cachet:primary*/ pg_backend_pid()")).isEqualTo(pid);
        assertThat(one(c, "SELECT current_user")).isEqualTo("postgres");
        assertThat(one(c, "SELECT coalesce(current_setting('app.tenant', true), '')")).isEmpty();
        c.createStatement().execute("SET ROLE " + bob);
        for (int i = 0; i < 3; i++) {
          assertThat(column(c, read)).containsExactly("b1");
        }
        c.createStatement().execute("RESET ROLE");
      }
    }
    long onReplicas = calls(1, "FROM " + t) + calls(2, "FROM " + t);
    System.out.printf("row-level security reads: primary %d, replicas %d%n", calls(0, "FROM " + t), onReplicas);
    assertThat(onReplicas).as("roles were applied on replica connections too").isPositive();
    onPrimary("DROP TABLE " + t, "DROP ROLE " + alice, "DROP ROLE " + bob);
  }

  @Test
  void overAWrappedPoolARoleSetThroughSqlNeverReachesTheNextLogicalConnection() throws SQLException {
    String t = fresh("rlsw");
    String alice = fresh("alice");
    onPrimary("CREATE ROLE " + alice, "CREATE TABLE " + t + "(owner text, v text)",
        "INSERT INTO " + t + " VALUES ('" + alice + "', 'a1'), ('other', 'o1')",
        "ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY own ON " + t + " USING (owner = current_user)", "GRANT SELECT ON " + t + " TO " + alice);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(PgCluster.url(0));
    config.setUsername("postgres");
    config.setMaximumPoolSize(1);
    String read = "SELECT v FROM " + t + " ORDER BY v";
    try (HikariDataSource real = new HikariDataSource(config)) {
      dev.cachet.driver.CachetDataSource cachet = new dev.cachet.driver.CachetDataSource(real);
      java.util.Properties settings = new java.util.Properties();
      settings.setProperty("cachet.cluster", fresh("c"));
      cachet.setProperties(settings);
      try (Connection c = cachet.getConnection()) {
        c.createStatement().execute("SET ROLE " + alice);
        assertThat(column(c, read)).containsExactly("a1");
      }
      try (Connection c = cachet.getConnection()) { // the same physical connection, from the pool
        assertThat(one(c, "SELECT current_user")).isEqualTo("postgres");
        assertThat(column(c, read)).containsExactly("a1", "o1");
        assertThat(column(c, read)).containsExactly("a1", "o1");
      }
    }
    onPrimary("DROP TABLE " + t, "DROP ROLE " + alice);
  }

  @Test
  void sequencesAndAdvisoryLocksThroughAPoolStayOnThePrimary() throws SQLException {
    String seq = fresh("seq");
    onPrimary("CREATE SEQUENCE " + seq);
    long key = System.nanoTime() & 0x7fffffffL;
    long nextvalBefore = calls(0, "nextval(");
    try (HikariDataSource pool = pool(2)) {
      for (int i = 0; i < 5; i++) {
        try (Connection c = pool.getConnection()) {
          String next = one(c, "SELECT nextval('" + seq + "')");
          assertThat(one(c, "SELECT currval('" + seq + "')")).isEqualTo(next);
        }
      }
      try (Connection c = pool.getConnection()) {
        one(c, "SELECT pg_advisory_lock(" + key + ")");
        try (Connection direct = PgCluster.connect(0)) {
          assertThat(one(direct, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
              + " AND ((classid::bigint << 32) | objid::bigint) = " + key)).isEqualTo("1");
          assertThat(one(direct, "SELECT pg_try_advisory_lock(" + key + ")")).isEqualTo("f");
        }
        assertThat(one(c, "SELECT pg_advisory_unlock(" + key + ")")).isEqualTo("t");
      }
    }
    // pg_stat_statements shows the sequence's name as a parameter: count the functions
    assertThat(calls(0, "nextval(") - nextvalBefore).isGreaterThanOrEqualTo(5);
    for (int n = 1; n <= 2; n++) {
      assertThat(calls(n, "nextval(") + calls(n, "currval(")).as("sequence calls on replica %d", n).isZero();
      assertThat(calls(n, "pg_advisory")).as("advisory locks on replica %d", n).isZero();
    }
  }

  @Test
  void hiddenWritesInvalidateWhatTheyChanged() throws SQLException {
    String p = fresh("hw");
    onPrimary(
        "CREATE TABLE " + p + "_part(id int, v text) PARTITION BY RANGE (id)",
        "CREATE TABLE " + p + "_part1 PARTITION OF " + p + "_part FOR VALUES FROM (0) TO (1000)",
        "CREATE TABLE " + p + "_inh(id int, v text)",
        "CREATE TABLE " + p + "_inhc() INHERITS (" + p + "_inh)",
        "CREATE TABLE " + p + "_ru(id int)", "CREATE TABLE " + p + "_rulog(id int)",
        "CREATE RULE log AS ON INSERT TO " + p + "_ru DO ALSO INSERT INTO " + p + "_rulog VALUES (NEW.id)",
        "CREATE TABLE " + p + "_tr(id int)", "CREATE TABLE " + p + "_trlog(id int)",
        "CREATE FUNCTION " + p + "_f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO " + p
            + "_trlog VALUES (NEW.id); RETURN NEW; END $$",
        "CREATE TRIGGER log AFTER INSERT ON " + p + "_tr FOR EACH ROW EXECUTE FUNCTION " + p + "_f()",
        "CREATE TABLE " + p + "_fkp(id int PRIMARY KEY)",
        "CREATE TABLE " + p + "_fkc(id int, pid int REFERENCES " + p + "_fkp ON DELETE CASCADE)",
        "INSERT INTO " + p + "_fkp VALUES (1)", "INSERT INTO " + p + "_fkc VALUES (1, 1)",
        "CREATE TABLE " + p + "_base(id int, v text)", "INSERT INTO " + p + "_base VALUES (1, 'old')",
        "CREATE VIEW " + p + "_view AS SELECT v FROM " + p + "_base");
    String[][] cases = {
        {"SELECT count(*) FROM " + p + "_part", "INSERT INTO " + p + "_part1 VALUES (1, 'x')", "0", "1"},
        {"SELECT count(*) FROM " + p + "_part1", "INSERT INTO " + p + "_part VALUES (2, 'x')", "0", "2"},
        {"SELECT count(*) FROM " + p + "_inh", "INSERT INTO " + p + "_inhc VALUES (1, 'x')", "0", "1"},
        {"SELECT count(*) FROM " + p + "_rulog", "INSERT INTO " + p + "_ru VALUES (1)", "0", "1"},
        {"SELECT count(*) FROM " + p + "_trlog", "INSERT INTO " + p + "_tr VALUES (1)", "0", "1"},
        {"SELECT count(*) FROM " + p + "_fkc", "DELETE FROM " + p + "_fkp WHERE id = 1", "1", "0"},
        {"SELECT max(v) FROM " + p + "_view", "UPDATE " + p + "_base SET v = 'new'", "old", "new"},
    };
    String cluster = fresh("c");
    try (Connection c = DriverManager.getConnection(Nodes.url(cluster, ""), "postgres", "");
        Connection other = DriverManager.getConnection(Nodes.url(cluster, ""), "postgres", "")) {
      for (String[] k : cases) {
        assertThat(one(c, k[0])).as(k[0]).isEqualTo(k[2]);
        assertThat(one(c, k[0])).as(k[0]).isEqualTo(k[2]); // now cached
      }
      for (String[] k : cases) {
        try (Statement s = c.createStatement()) {
          s.executeUpdate(k[1]);
        }
        assertThat(one(c, k[0])).as("%s after %s", k[0], k[1]).isEqualTo(k[3]);
      }
      try (Connection direct = PgCluster.connect(0)) {
        for (String[] k : cases) {
          assertThat(one(other, k[0])).as(k[0]).isEqualTo(one(direct, k[0]));
        }
      }
    }
  }

  @Test
  void withoutReplicasRepeatedReadsRunOnceAndWritesInvalidate() throws SQLException {
    String t = fresh("norep");
    onPrimary("CREATE TABLE " + t + "(id int PRIMARY KEY, v text)", "INSERT INTO " + t + " VALUES (1, 'a')");
    String url = "jdbc:cachet:postgresql://" + PgCluster.host(0) + "/postgres?cachet.cluster=" + fresh("c");
    try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
      for (int i = 0; i < 5; i++) {
        assertThat(one(c, "SELECT v FROM " + t + " WHERE id = 1")).isEqualTo("a");
      }
      assertThat(calls(0, "SELECT v FROM " + t)).isEqualTo(1);
      c.createStatement().executeUpdate("UPDATE " + t + " SET v = 'b' WHERE id = 1");
      assertThat(one(c, "SELECT v FROM " + t + " WHERE id = 1")).isEqualTo("b");
      assertThat(calls(0, "SELECT v FROM " + t)).isEqualTo(2);
      c.setAutoCommit(false);
      c.createStatement().executeUpdate("UPDATE " + t + " SET v = 'c' WHERE id = 1");
      assertThat(one(c, "SELECT v FROM " + t + " WHERE id = 1")).isEqualTo("c");
      c.rollback();
      c.setAutoCommit(true);
      assertThat(one(c, "SELECT v FROM " + t + " WHERE id = 1")).isEqualTo("b");
    }
    assertThat(calls(1, "SELECT v FROM " + t) + calls(2, "SELECT v FROM " + t)).isZero();
  }
}
