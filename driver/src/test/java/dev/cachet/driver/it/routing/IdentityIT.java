package dev.cachet.driver.it.routing;

import static dev.cachet.driver.it.routing.Nodes.fresh;
import static dev.cachet.driver.it.routing.Nodes.one;
import static dev.cachet.driver.it.routing.Nodes.onPrimary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cachet.driver.CachetDataSource;
import dev.cachet.driver.it.cluster.PgCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §2 and §11 on the test cluster, whose ordinary roles log in with scram-sha-256 passwords: the superuser
 * connects first, then two ordinary roles connect through the same cluster URL (and, below, through HikariCP pools of
 * their own wrapped by Cachet). Everything is observed on the servers themselves: {@code pg_stat_activity} and
 * {@code pg_stat_statements} on every node, rows written with {@code current_user}, the server's own refusals.
 */
class IdentityIT {

  private static String alice;
  private static String bob;
  private static String probe;
  private static String shared;
  private static String secret;
  private static String docs;
  private static String audit;

  @BeforeAll
  static void rolesAndTables() throws SQLException {
    if (!PgCluster.run("status").contains("running  primary")) {
      PgCluster.recreate();
    }
    alice = fresh("alice");
    bob = fresh("bob");
    probe = fresh("probe");
    shared = fresh("shared");
    secret = fresh("secret");
    docs = fresh("docs");
    audit = fresh("audit");
    onPrimary("CREATE ROLE " + alice + " LOGIN PASSWORD '" + alice + "-pw'",
        "CREATE ROLE " + bob + " LOGIN PASSWORD '" + bob + "-pw'",
        "CREATE ROLE " + probe + " LOGIN PASSWORD '" + probe + "-pw' IN ROLE pg_monitor",
        "CREATE TABLE " + shared + "(v text)", "INSERT INTO " + shared + " VALUES ('everyone')",
        "CREATE TABLE " + secret + "(v text)", "INSERT INTO " + secret + " VALUES ('superuser only')",
        "CREATE TABLE " + docs + "(owner text, body text)",
        "INSERT INTO " + docs + " VALUES ('" + alice + "', 'a1'), ('" + alice + "', 'a2'), ('" + bob + "', 'b1')",
        "ALTER TABLE " + docs + " ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY own ON " + docs + " USING (owner = current_user)",
        "CREATE TABLE " + audit + "(who text, via text)",
        "GRANT SELECT ON " + shared + ", " + docs + " TO " + alice + ", " + bob,
        "GRANT SELECT, INSERT ON " + audit + " TO " + alice + ", " + bob);
  }

  @AfterAll
  static void dropThem() throws SQLException {
    onPrimary("DROP TABLE " + shared + ", " + secret + ", " + docs + ", " + audit,
        "DROP ROLE " + alice, "DROP ROLE " + bob, "DROP ROLE " + probe);
  }

  private static Properties login(String user, String password, String application) {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("ApplicationName", application);
    return p;
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

  /** The users node {@code n} has sessions of for {@code application}, as its pg_stat_activity lists them. */
  private static Set<String> sessionUsers(int n, String application) throws SQLException {
    Set<String> users = new TreeSet<>();
    try (Connection c = PgCluster.connect(n);
        PreparedStatement p = c.prepareStatement("SELECT usename FROM pg_stat_activity WHERE application_name = ?")) {
      p.setString(1, application);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          users.add(rs.getString(1));
        }
      }
    }
    return users;
  }

  /** The roles that ran statements containing {@code fragment} on node {@code n}, by its pg_stat_statements. */
  private static Set<String> statementUsers(int n, String fragment) throws SQLException {
    Set<String> users = new TreeSet<>();
    try (Connection c = PgCluster.connect(n);
        PreparedStatement p = c.prepareStatement("SELECT DISTINCT r.rolname FROM pg_stat_statements s"
            + " JOIN pg_roles r ON r.oid = s.userid WHERE s.query ILIKE ? AND s.query NOT ILIKE '%pg_stat%'")) {
      p.setString(1, "%" + fragment + "%");
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          users.add(rs.getString(1));
        }
      }
    }
    return users;
  }

  /**
   * What {@code role}'s logical connection does in each test: reads spread over both replicas (marked so that the
   * servers' statistics name them), a refused table, row-level security cached and not, a write on the primary.
   */
  private static void exercise(Connection c, String role, List<String> ownRows, String via) throws SQLException {
    String marker = "m_" + role;
    for (int i = 0; i < 4; i++) { // round-robin: two on each replica
      assertThat(one(c, "SELECT /*cachet:nocache*/ v AS " + marker + " FROM " + shared)).isEqualTo("everyone");
    }
    for (int i = 0; i < 4; i++) {
      assertThat(one(c, "SELECT v FROM " + shared)).isEqualTo("everyone");
    }
    for (int i = 0; i < 3; i++) {
      assertThat(column(c, "SELECT body FROM " + docs + " ORDER BY body")).containsExactlyElementsOf(ownRows);
      assertThat(column(c, "SELECT /*cachet:nocache*/ body FROM " + docs + " ORDER BY body"))
          .containsExactlyElementsOf(ownRows);
      try (PreparedStatement p = c.prepareStatement("SELECT body FROM " + docs + " WHERE body <> ? ORDER BY body")) {
        p.setString(1, "none");
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            rows.add(rs.getString(1));
          }
        }
        assertThat(rows).containsExactlyElementsOf(ownRows);
      }
    }
    for (String sql : List.of("SELECT v FROM " + secret, "SELECT /*cachet:nocache*/ v FROM " + secret)) {
      SQLException refused = catchThrowableOfType(SQLException.class, () -> one(c, sql));
      assertThat((Throwable) refused).as(role + ": " + sql).isInstanceOf(org.postgresql.util.PSQLException.class);
      assertThat(refused.getSQLState()).isEqualTo("42501");
    }
    assertThat(one(c, "SELECT current_user")).isEqualTo(role);
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO " + audit + "(who, via) SELECT current_user, '" + via + "'");
    }
  }

  /** The superuser fills the cache first: every row of every table, including what no other role may read. */
  private static void superuserWarms(Connection c) throws SQLException {
    for (int i = 0; i < 2; i++) {
      assertThat(one(c, "SELECT v FROM " + secret)).isEqualTo("superuser only");
      assertThat(column(c, "SELECT body FROM " + docs + " ORDER BY body")).containsExactly("a1", "a2", "b1");
      assertThat(one(c, "SELECT v FROM " + shared)).isEqualTo("everyone");
    }
  }

  /** The roles the primary recorded as {@code current_user} of the writes marked {@code via}. */
  private static List<String> audited(String via) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = PgCluster.connect(0);
        PreparedStatement p = c.prepareStatement("SELECT who FROM " + audit + " WHERE via = ? ORDER BY who")) {
      p.setString(1, via);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
    }
    return rows;
  }

  @Test
  void everyStatementOfEachRoleRunsAsThatRoleOnEveryNode() throws SQLException {
    String url = Nodes.url(fresh("c"), "");
    // one application name for every login: the driver options (part of every key) are the same, so only the
    // user and role in the key keep the superuser's entries from answering the others
    String app = fresh("app");
    String viaAlice = fresh("via");
    String viaBob = fresh("via");
    try (Connection su = DriverManager.getConnection(url, login("postgres", "", app))) {
      superuserWarms(su);
      try (Connection a = DriverManager.getConnection(url, login(alice, alice + "-pw", app));
          Connection b = DriverManager.getConnection(url, login(bob, bob + "-pw", app))) {
        exercise(a, alice, List.of("a1", "a2"), viaAlice);
        exercise(b, bob, List.of("b1"), viaBob);
        for (int n = 0; n < 3; n++) {
          assertThat(sessionUsers(n, app)).as("node " + n).contains(alice, bob).isSubsetOf("postgres", alice, bob);
        }
      }
    }
    for (int n = 1; n < 3; n++) {
      assertThat(statementUsers(n, "m_" + alice)).as("replica " + n).containsExactly(alice);
      assertThat(statementUsers(n, "m_" + bob)).as("replica " + n).containsExactly(bob);
    }
    assertThat(audited(viaAlice)).containsExactly(alice);
    assertThat(audited(viaBob)).containsExactly(bob);
  }

  @Test
  void aSessionAuthorizationOrRoleSetBySqlHoldsOnEveryReplicaAndInTheKey() throws SQLException {
    String url = Nodes.url(fresh("c"), "");
    String app = fresh("app");
    try (Connection su = DriverManager.getConnection(url, login("postgres", "", app))) {
      superuserWarms(su);
      try (Statement s = su.createStatement()) {
        s.execute("SET SESSION AUTHORIZATION " + alice);
      }
      for (int i = 0; i < 4; i++) { // round-robin: both replicas, cached and not
        assertThat(column(su, "SELECT body FROM " + docs + " ORDER BY body")).containsExactly("a1", "a2");
        assertThat(column(su, "SELECT /*cachet:nocache*/ body FROM " + docs + " ORDER BY body"))
            .containsExactly("a1", "a2");
        SQLException refused = catchThrowableOfType(SQLException.class,
            () -> one(su, "SELECT /*cachet:nocache*/ v FROM " + secret));
        assertThat(refused.getSQLState()).isEqualTo("42501");
      }
      try (Statement s = su.createStatement()) {
        s.execute("SET SESSION AUTHORIZATION DEFAULT");
        s.execute("SET ROLE " + bob);
      }
      for (int i = 0; i < 4; i++) {
        assertThat(column(su, "SELECT body FROM " + docs + " ORDER BY body")).containsExactly("b1");
        assertThat(column(su, "SELECT /*cachet:nocache*/ body FROM " + docs + " ORDER BY body"))
            .containsExactly("b1");
      }
      try (Statement s = su.createStatement()) {
        s.execute("RESET ROLE");
      }
      assertThat(column(su, "SELECT body FROM " + docs + " ORDER BY body")).containsExactly("a1", "a2", "b1");
    }
  }

  @Test
  void serializableSetOnAReplicaLeadDoesNotBreakWhatRunsThere() throws SQLException {
    String url = Nodes.url(fresh("c"), "");
    String app = fresh("app");
    try (Connection a = DriverManager.getConnection(url, login(alice, alice + "-pw", app))) {
      // the primary is not connected yet: these reach the replica the connection leads with
      a.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      try (ResultSet rs = a.getMetaData().getTables(null, null, shared, null)) {
        assertThat(rs.next()).isTrue();
      }
      assertThat(a.getSchema()).isEqualTo("public");
      assertThat(one(a, "SELECT v FROM " + shared)).isEqualTo("everyone"); // SERIALIZABLE: on the primary
      a.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
  }

  @Test
  void commitEndsTheTransactionAMetadataCallBeganOnAReplica() throws SQLException {
    String url = Nodes.url(fresh("c"), "");
    String app = fresh("app");
    String via = fresh("via");
    try (Connection a = DriverManager.getConnection(url, login(alice, alice + "-pw", app))) {
      a.setAutoCommit(false);
      try (ResultSet rs = a.getMetaData().getTables(null, null, shared, null)) { // begins a transaction on the replica
        assertThat(rs.next()).isTrue();
      }
      try (Statement s = a.createStatement()) {
        s.executeUpdate("INSERT INTO " + audit + "(who, via) SELECT current_user, '" + via + "'");
      }
      a.commit();
      for (int n = 0; n < 3; n++) {
        assertThat(sessionStates(n, app)).as("node " + n).doesNotContain("idle in transaction");
      }
      assertThat(audited(via)).containsExactly(alice);
    }
  }

  /** The states of node {@code n}'s sessions for {@code application}, as its pg_stat_activity lists them. */
  private static List<String> sessionStates(int n, String application) throws SQLException {
    List<String> states = new ArrayList<>();
    try (Connection c = PgCluster.connect(n);
        PreparedStatement p = c.prepareStatement("SELECT state FROM pg_stat_activity WHERE application_name = ?")) {
      p.setString(1, application);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          states.add(rs.getString(1));
        }
      }
    }
    return states;
  }

  @Test
  void ddlCommittedInATransactionIsFollowedWhenTheProbeUserReadsTheCatalog() throws SQLException {
    String table = fresh("t");
    String view = fresh("v");
    String url = Nodes.url(fresh("c"), "cachet.probe.user=" + probe + "&cachet.probe.password=" + probe + "-pw");
    try (Connection su = DriverManager.getConnection(url, login("postgres", "", fresh("app")))) {
      su.setAutoCommit(false);
      try (Statement s = su.createStatement()) {
        s.execute("CREATE TABLE " + table + "(id int)");
        s.execute("CREATE VIEW " + view + " AS SELECT id FROM " + table);
      }
      su.commit();
      su.setAutoCommit(true);
      Nodes.replicated();
      assertThat(one(su, "SELECT count(*) FROM " + view)).isEqualTo("0");
      assertThat(one(su, "SELECT count(*) FROM " + view)).isEqualTo("0");
      try (Statement s = su.createStatement()) {
        s.executeUpdate("INSERT INTO " + table + " VALUES (1)");
      }
      // the write to the table reaches the view's entry and its reads: the catalog was read again at commit
      assertThat(one(su, "SELECT count(*) FROM " + view)).isEqualTo("1");
      assertThat(one(su, "SELECT count(*) FROM " + view)).isEqualTo("1");
    } finally {
      onPrimary("DROP VIEW IF EXISTS " + view, "DROP TABLE IF EXISTS " + table);
    }
  }

  @Test
  void aWrongPasswordFailsWithTheRealDriversErrorEvenAfterTheUserWarmedTheCluster() throws SQLException {
    String url = Nodes.url(fresh("c"), "");
    try (Connection su = DriverManager.getConnection(url, login("postgres", "", fresh("app")));
        Connection a = DriverManager.getConnection(url, login(alice, alice + "-pw", fresh("app")))) {
      superuserWarms(su);
      assertThat(one(a, "SELECT v FROM " + shared)).isEqualTo("everyone");
      for (String password : List.of("wrong", bob + "-pw")) {
        SQLException refused = catchThrowableOfType(SQLException.class,
            () -> DriverManager.getConnection(url, login(alice, password, "x")).close());
        assertThat((Throwable) refused).as("password " + password)
            .isInstanceOf(org.postgresql.util.PSQLException.class);
        assertThat(refused.getSQLState()).isEqualTo("28P01");
      }
      // no password at all: pgjdbc's own refusal, exactly as without Cachet
      SQLException direct = catchThrowableOfType(SQLException.class,
          () -> DriverManager.getConnection(PgCluster.url(1), login(alice, "", "x")).close());
      SQLException refused = catchThrowableOfType(SQLException.class,
          () -> DriverManager.getConnection(url, login(alice, "", "x")).close());
      assertThat((Throwable) refused).isExactlyInstanceOf(direct.getClass());
      assertThat(refused.getSQLState()).isEqualTo(direct.getSQLState());
    }
  }

  @Test
  void probesRunAsTheConfiguredProbeUserNeverAsAnApplicationRole() throws SQLException {
    String application = fresh("app");
    String url = Nodes.url(fresh("c"), "cachet.probe.user=" + probe + "&cachet.probe.password=" + probe + "-pw");
    try (Connection a = DriverManager.getConnection(url, login(alice, alice + "-pw", application))) {
      exercise(a, alice, List.of("a1", "a2"), application);
      Awaitility.await("probe sessions on every node").atMost(Duration.ofSeconds(30))
          .until(() -> sessionUsers(0, application).contains(probe) && sessionUsers(1, application).contains(probe)
              && sessionUsers(2, application).contains(probe));
      for (int n = 0; n < 3; n++) {
        assertThat(sessionUsers(n, application)).as("node " + n).containsExactlyInAnyOrder(alice, probe);
      }
    }
  }

  private static HikariDataSource pool(int node, String user, String password, String application) {
    return pool(node, user, password, application, 2);
  }

  private static HikariDataSource pool(int node, String user, String password, String application, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(PgCluster.url(node) + (PgCluster.url(node).contains("?") ? "&" : "?")
        + "ApplicationName=" + application);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    return new HikariDataSource(config);
  }

  /** Cachet over a HikariCP pool of the primary and one of each replica, all logging in as {@code user}. */
  private static CachetDataSource wrapped(List<HikariDataSource> pools, String cluster) {
    CachetDataSource ds = new CachetDataSource(pools.get(0));
    Properties settings = new Properties();
    settings.setProperty("cachet.cluster", cluster);
    ds.setProperties(settings);
    ds.addReplica(pools.get(1));
    ds.addReplica(pools.get(2));
    return ds;
  }

  @Test
  void throughAWrappedHikariPoolPerUserEveryRoleRunsAsItself() throws SQLException {
    String cluster = fresh("c");
    String app = fresh("app");
    String viaAlice = fresh("via");
    String viaBob = fresh("via");
    List<HikariDataSource> pools = new ArrayList<>();
    try {
      List<List<HikariDataSource>> byUser = new ArrayList<>();
      for (String[] user : List.of(new String[] {"postgres", "", app},
          new String[] {alice, alice + "-pw", app}, new String[] {bob, bob + "-pw", app})) {
        List<HikariDataSource> nodes = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
          nodes.add(pool(n, user[0], user[1], user[2]));
        }
        pools.addAll(nodes);
        byUser.add(nodes);
      }
      CachetDataSource su = wrapped(byUser.get(0), cluster);
      CachetDataSource a = wrapped(byUser.get(1), cluster);
      CachetDataSource b = wrapped(byUser.get(2), cluster);
      try (Connection c = su.getConnection()) {
        superuserWarms(c);
      }
      for (int round = 0; round < 2; round++) {
        try (Connection c = a.getConnection()) {
          exercise(c, alice, List.of("a1", "a2"), viaAlice);
        }
        try (Connection c = b.getConnection()) {
          exercise(c, bob, List.of("b1"), viaBob);
        }
      }
      for (int n = 0; n < 3; n++) {
        assertThat(sessionUsers(n, app)).as("node " + n).contains(alice, bob).isSubsetOf("postgres", alice, bob);
      }
      assertThat(audited(viaAlice)).containsExactly(alice, alice);
      assertThat(audited(viaBob)).containsExactly(bob, bob);
    } finally {
      pools.forEach(HikariDataSource::close);
    }
  }

  @Test
  void aSearchPathSetBySqlDoesNotReachTheNextBorrowerOfAWrappedPool() throws SQLException {
    String schema = fresh("s");
    String app = fresh("app");
    onPrimary("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + "." + shared + "(v text)",
        "INSERT INTO " + schema + "." + shared + " VALUES ('other schema')",
        "GRANT USAGE ON SCHEMA " + schema + " TO " + alice,
        "GRANT SELECT ON " + schema + "." + shared + " TO " + alice);
    List<HikariDataSource> pools = new ArrayList<>();
    try {
      for (int n = 0; n < 3; n++) {
        pools.add(pool(n, alice, alice + "-pw", app, 1)); // the next logical connection borrows the same ones
      }
      CachetDataSource ds = wrapped(pools, fresh("c"));
      try (Connection c = ds.getConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute("SET search_path TO " + schema + ", public");
        }
        for (int i = 0; i < 4; i++) {
          assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + shared)).isEqualTo("other schema");
        }
      }
      try (Connection c = ds.getConnection()) {
        for (int i = 0; i < 4; i++) { // on both replicas, as the server's default search_path reads it
          assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + shared)).isEqualTo("everyone");
          assertThat(one(c, "SELECT v FROM " + shared)).isEqualTo("everyone");
        }
      }
    } finally {
      pools.forEach(HikariDataSource::close);
      onPrimary("DROP SCHEMA " + schema + " CASCADE");
    }
  }
}
