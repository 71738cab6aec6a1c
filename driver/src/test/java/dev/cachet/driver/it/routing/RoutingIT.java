package dev.cachet.driver.it.routing;

import static dev.cachet.driver.it.routing.Nodes.calls;
import static dev.cachet.driver.it.routing.Nodes.fresh;
import static dev.cachet.driver.it.routing.Nodes.one;
import static dev.cachet.driver.it.routing.Nodes.onPrimary;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Routing on the test cluster (a PostgreSQL primary with two streaming replicas), observed on the servers through
 * pg_stat_statements: where reads, writes and transactions run; read-your-writes while replay is paused; concurrent
 * writers and readers. The cluster is left as it was found.
 */
class RoutingIT {

  @BeforeAll
  static void clusterIsUp() {
    if (!PgCluster.run("status").contains("running  primary")) {
      PgCluster.recreate();
    }
  }

  private static Connection cachet(String cluster) throws SQLException {
    return DriverManager.getConnection(Nodes.url(cluster, ""), "postgres", "");
  }

  @Test
  void readsSpreadOverTheReplicasWritesAndReadWriteTransactionsStayOnThePrimaryReadOnlyTransactionsUseAReplica()
      throws SQLException {
    String t = fresh("spread");
    String ro = fresh("rotx");
    String rw = fresh("rwtx");
    onPrimary("CREATE TABLE " + t + "(id int PRIMARY KEY, v text)", "INSERT INTO " + t + " VALUES (1, 'a')",
        "CREATE TABLE " + ro + "(id int PRIMARY KEY, v text)", "INSERT INTO " + ro + " VALUES (1, 'a')",
        "CREATE TABLE " + rw + "(id int PRIMARY KEY, v text)", "INSERT INTO " + rw + " VALUES (1, 'a')");
    try (Connection c = cachet(fresh("c"))) {
      for (int i = 0; i < 20; i++) {
        assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo("a");
      }
      long r1 = calls(1, "FROM " + t);
      long r2 = calls(2, "FROM " + t);
      System.out.printf("autocommit reads: primary %d, replica1 %d, replica2 %d%n", calls(0, "FROM " + t), r1, r2);
      assertThat(calls(0, "FROM " + t)).isZero();
      assertThat(r1 + r2).isEqualTo(20);
      assertThat(r1).isEqualTo(10); // round-robin
      assertThat(r2).isEqualTo(10);

      // a read-only transaction: every statement on one replica
      c.setReadOnly(true);
      c.setAutoCommit(false);
      for (int i = 0; i < 3; i++) {
        assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + ro + " WHERE id = 1")).isEqualTo("a");
      }
      c.commit();
      c.setAutoCommit(true);
      c.setReadOnly(false);
      assertThat(calls(0, "FROM " + ro)).isZero();
      assertThat(List.of(calls(1, "FROM " + ro), calls(2, "FROM " + ro))).containsExactlyInAnyOrder(0L, 3L);
      // ended by turning auto-commit on instead of commit(): the replica's transaction ends too
      c.setReadOnly(true);
      c.setAutoCommit(false);
      assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + ro + " WHERE id = 1")).isEqualTo("a");
      c.setAutoCommit(true);
      c.setReadOnly(false);
      for (int n = 1; n <= 2; n++) {
        assertThat(PgCluster.queryString(n, "SELECT count(*) FROM pg_stat_activity"
            + " WHERE state LIKE 'idle in transaction%'")).as("open transactions on replica %d", n).isEqualTo("0");
      }

      // writes and a read-write transaction: the primary only
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE " + t + " SET v = 'b' WHERE id = 1");
        s.executeUpdate("UPDATE " + t + " SET v = 'c' WHERE id = 1");
      }
      c.setAutoCommit(false);
      assertThat(one(c, "SELECT v FROM " + rw + " WHERE id = 1")).isEqualTo("a");
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE " + rw + " SET v = 'b' WHERE id = 1");
      }
      assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + rw + " WHERE id = 1")).isEqualTo("b");
      c.commit();
      c.setAutoCommit(true);
    }
    assertThat(calls(0, "UPDATE " + t)).isEqualTo(2);
    assertThat(calls(1, "UPDATE " + t) + calls(2, "UPDATE " + t)).isZero();
    assertThat(calls(0, "FROM " + rw)).isEqualTo(2);
    assertThat(calls(1, "FROM " + rw) + calls(2, "FROM " + rw)).isZero();
  }

  @Test
  void aReplicaBeyondMaxReplicaLagLeavesTheRotationUntilItCatchesUp() throws SQLException {
    String t = fresh("lag");
    String beat = fresh("beat");
    onPrimary("CREATE TABLE " + t + "(id int PRIMARY KEY, v text)", "INSERT INTO " + t + " VALUES (1, 'a')",
        "CREATE TABLE " + beat + "(n int)");
    String read = "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1";
    try (Connection c = DriverManager.getConnection(Nodes.url(fresh("c"), "cachet.maxReplicaLag=300ms"),
        "postgres", ""); Connection primary = PgCluster.connect(0); Statement heartbeat = primary.createStatement()) {
      PgCluster.run("pause-replay", "1");
      try {
        // the primary moves on around Cachet (nothing Cachet must wait for), replica 1 stays behind
        Awaitility.await("replica 1 leaves the rotation").atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(50)).until(() -> {
              heartbeat.executeUpdate("INSERT INTO " + beat + " VALUES (1)");
              long before = calls(1, "FROM " + t);
              for (int i = 0; i < 4; i++) {
                one(c, read);
              }
              return calls(1, "FROM " + t) == before;
            });
        heartbeat.executeUpdate("INSERT INTO " + beat + " VALUES (1)");
        long r1 = calls(1, "FROM " + t);
        long r2 = calls(2, "FROM " + t);
        for (int i = 0; i < 10; i++) {
          assertThat(one(c, read)).isEqualTo("a");
        }
        assertThat(calls(1, "FROM " + t)).isEqualTo(r1);
        assertThat(calls(2, "FROM " + t)).isEqualTo(r2 + 10);
      } finally {
        PgCluster.run("resume-replay", "1");
      }
      long before = calls(1, "FROM " + t);
      Awaitility.await("replica 1 returns").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            one(c, read);
            return calls(1, "FROM " + t) > before;
          });
    }
  }

  private static com.zaxxer.hikari.HikariDataSource hikari(int node) {
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(PgCluster.url(node));
    config.setUsername("postgres");
    config.setMaximumPoolSize(2);
    return new com.zaxxer.hikari.HikariDataSource(config);
  }

  @Test
  void wrappedPoolsOfThePrimaryAndItsReplicasRouteTheSameWay() throws SQLException {
    String t = fresh("wrapped");
    onPrimary("CREATE TABLE " + t + "(id int PRIMARY KEY, v text)", "INSERT INTO " + t + " VALUES (1, 'a')");
    try (com.zaxxer.hikari.HikariDataSource p0 = hikari(0); com.zaxxer.hikari.HikariDataSource p1 = hikari(1);
        com.zaxxer.hikari.HikariDataSource p2 = hikari(2)) {
      dev.cachet.driver.CachetDataSource ds = new dev.cachet.driver.CachetDataSource(p0);
      java.util.Properties settings = new java.util.Properties();
      settings.setProperty("cachet.cluster", fresh("c"));
      ds.setProperties(settings);
      ds.addReplica(p1);
      ds.addReplica(p2);
      try (Connection c = ds.getConnection()) {
        for (int i = 0; i < 10; i++) {
          assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo("a");
        }
        assertThat(calls(0, "FROM " + t)).isZero();
        assertThat(calls(1, "FROM " + t)).isEqualTo(5);
        assertThat(calls(2, "FROM " + t)).isEqualTo(5);
        try (Statement s = c.createStatement()) {
          s.executeUpdate("UPDATE " + t + " SET v = 'b' WHERE id = 1");
        }
        assertThat(one(c, "SELECT v FROM " + t + " WHERE id = 1")).isEqualTo("b");
        assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo("b");
      }
    }
  }

  @Test
  void aServerDefaultOfSerializableKeepsReadsOnThePrimary() throws SQLException {
    String t = fresh("serial");
    onPrimary("CREATE TABLE " + t + "(id int PRIMARY KEY, v text)", "INSERT INTO " + t + " VALUES (1, 'a')");
    String url = Nodes.url(fresh("c"), "options=-c%20default_transaction_isolation%3Dserializable");
    try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
      assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
      for (int i = 0; i < 4; i++) {
        assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo("a");
      }
    }
    assertThat(calls(0, "FROM " + t)).isEqualTo(4);
    assertThat(calls(1, "FROM " + t) + calls(2, "FROM " + t)).isZero();
  }

  @Test
  void withReplayPausedAWriteIsNeverFollowedByOldDataAndReadsReturnToTheReplicasAfterResume() throws SQLException {
    String t = fresh("paused");
    String cluster = fresh("c");
    onPrimary("CREATE TABLE " + t + "(id int PRIMARY KEY, v text)", "INSERT INTO " + t + " VALUES (1, 'old')");
    try (Connection writer = cachet(cluster); Connection reader = cachet(cluster);
        PreparedStatement byId = reader.prepareStatement("SELECT v FROM " + t + " WHERE id = ?")) {
      byId.setInt(1, 1);
      // warm the cache and the replicas
      assertThat(one(reader, "SELECT v FROM " + t + " WHERE id = 1")).isEqualTo("old");
      try (ResultSet rs = byId.executeQuery()) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("old");
      }
      for (String paused : List.of("1", "2", "1 2")) {
        for (String n : paused.split(" ")) {
          PgCluster.run("pause-replay", n);
        }
        try {
          String value = "new-" + paused.replace(' ', '-');
          try (Statement s = writer.createStatement()) {
            s.executeUpdate("UPDATE " + t + " SET v = '" + value + "' WHERE id = 1");
          }
          for (String n : paused.split(" ")) {
            // the paused replica really is behind
            assertThat(PgCluster.queryString(Integer.parseInt(n), "SELECT v FROM " + t + " WHERE id = 1"))
                .isNotEqualTo(value);
          }
          for (int i = 0; i < 10; i++) {
            for (Connection c : List.of(writer, reader)) {
              assertThat(one(c, "SELECT v FROM " + t + " WHERE id = 1")).isEqualTo(value);
              assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo(value);
            }
            try (ResultSet rs = byId.executeQuery()) {
              rs.next();
              assertThat(rs.getString(1)).isEqualTo(value);
            }
          }
        } finally {
          for (String n : paused.split(" ")) {
            PgCluster.run("resume-replay", n);
          }
        }
      }
      Nodes.replicated();
      long before = calls(1, "FROM " + t) + calls(2, "FROM " + t);
      Awaitility.await("reads return to the replicas").atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(one(reader, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo("new-1-2");
            return calls(1, "FROM " + t) + calls(2, "FROM " + t) > before;
          });
    }
  }

  @Test
  void concurrentWritersAndReadersNeverSeeStaleData() throws Exception {
    String t = fresh("conc");
    String cluster = fresh("c");
    int writers = 2;
    int readers = 4;
    int writes = 40;
    onPrimary("CREATE TABLE " + t + "(id int PRIMARY KEY, n bigint)",
        "INSERT INTO " + t + " SELECT g, 0 FROM generate_series(0, " + (writers - 1) + ") g");
    AtomicLongArray committed = new AtomicLongArray(writers);
    AtomicLong stale = new AtomicLong();
    AtomicLong reads = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch writersDone = new CountDownLatch(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        int id = w;
        futures.add(pool.submit(() -> {
          try (Connection c = cachet(cluster);
              PreparedStatement p = c.prepareStatement("UPDATE " + t + " SET n = ? WHERE id = ?")) {
            start.await();
            for (long v = 1; v <= writes; v++) {
              p.setLong(1, v);
              p.setInt(2, id);
              p.executeUpdate();
              committed.set(id, v);
              // pacing the load (not synchronization): between writes the replicas catch up and serve reads
              java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
          } finally {
            writersDone.countDown();
          }
          return null;
        }));
      }
      for (int r = 0; r < readers; r++) {
        futures.add(pool.submit(() -> {
          try (Connection c = cachet(cluster);
              PreparedStatement p = c.prepareStatement("SELECT n FROM " + t + " WHERE id = ?")) {
            start.await();
            int i = 0;
            while (writersDone.getCount() > 0) {
              int id = i++ % writers;
              long expected = committed.get(id);
              p.setInt(1, id);
              try (ResultSet rs = p.executeQuery()) {
                rs.next();
                if (rs.getLong(1) < expected) {
                  stale.incrementAndGet();
                }
              }
              reads.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(3, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    long onReplicas = calls(1, "SELECT n FROM " + t) + calls(2, "SELECT n FROM " + t);
    long onPrimary = calls(0, "SELECT n FROM " + t);
    System.out.printf("concurrent: %d reads, %d stale, database executions: primary %d, replicas %d%n", reads.get(),
        stale.get(), onPrimary, onReplicas);
    assertThat(stale.get()).isZero();
    assertThat(reads.get()).isPositive();
    assertThat(onReplicas).as("some reads ran on the replicas").isPositive();
  }
}
