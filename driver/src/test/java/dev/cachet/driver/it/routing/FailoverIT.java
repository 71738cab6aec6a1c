package dev.cachet.driver.it.routing;

import static dev.cachet.driver.it.routing.Nodes.calls;
import static dev.cachet.driver.it.routing.Nodes.fresh;
import static dev.cachet.driver.it.routing.Nodes.one;
import static dev.cachet.driver.it.routing.Nodes.onPrimary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.it.cluster.PgCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failures on the test cluster: a replica stopped under read load, the primary stopped and a replica promoted. These
 * change the cluster, so it is torn down and started again afterwards.
 */
class FailoverIT {

  @BeforeAll
  static void clusterIsUp() {
    if (!PgCluster.run("status").contains("running  primary")) {
      PgCluster.recreate();
    }
  }

  @AfterAll
  static void restoreTheCluster() {
    PgCluster.recreate();
  }

  @Test
  void aReplicaStoppedDuringAReadHeavyLoadFailsNoRead() throws Exception {
    String t = fresh("stop");
    String cluster = fresh("c");
    onPrimary("CREATE TABLE " + t + "(id int PRIMARY KEY, v text)",
        "INSERT INTO " + t + " SELECT g, 'v' || g FROM generate_series(1, 100) g");
    int readers = 4;
    AtomicLong reads = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch warmedUp = new CountDownLatch(readers);
    ExecutorService pool = Executors.newFixedThreadPool(readers);
    List<Future<?>> futures = new ArrayList<>();
    long readsAtStop;
    try {
      for (int r = 0; r < readers; r++) {
        futures.add(pool.submit(() -> {
          try (Connection c = DriverManager.getConnection(Nodes.url(cluster, ""), "postgres", "")) {
            int i = 0;
            while (!stop.get()) {
              int id = 1 + (i++ % 100);
              try {
                String sql = (i % 2 == 0 ? "SELECT /*cachet:nocache*/ v FROM " : "SELECT v FROM ") + t
                    + " WHERE id = " + id;
                assertThat(one(c, sql)).isEqualTo("v" + id);
                reads.incrementAndGet();
              } catch (SQLException e) {
                failures.incrementAndGet();
                System.out.println("read failed: " + e);
              }
              if (i == 50) {
                warmedUp.countDown();
              }
            }
          }
          return null;
        }));
      }
      assertThat(warmedUp.await(60, TimeUnit.SECONDS)).isTrue();
      long replica1Before = calls(1, "FROM " + t);
      PgCluster.run("stop-replica", "1");
      readsAtStop = reads.get();
      // keep reading until a good number of reads ran with the replica gone
      long target = readsAtStop + 2000;
      org.awaitility.Awaitility.await("2000 reads after the stop").atMost(java.time.Duration.ofSeconds(60))
          .pollInterval(java.time.Duration.ofMillis(20))
          .until(() -> reads.get() >= target || failures.get() > 0);
      stop.set(true);
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      System.out.printf("replica stopped under load: %d reads (%d after the stop), %d failed;"
              + " replica 1 had served %d before%n", reads.get(), reads.get() - readsAtStop, failures.get(),
          replica1Before);
      assertThat(replica1Before).isPositive();
    } finally {
      stop.set(true);
      pool.shutdownNow();
      PgCluster.run("start-replica", "1");
    }
    assertThat(failures.get()).isZero();
    assertThat(reads.get() - readsAtStop).isGreaterThanOrEqualTo(2000);
  }

  @Test
  void primaryStoppedReadsKeepWorkingWritesFailFastThenResumeOnThePromotedReplica() throws Exception {
    String t = fresh("failover");
    String cluster = fresh("c");
    String url = Nodes.url(cluster, "");
    String cached = t + "_cached";
    onPrimary("CREATE TABLE " + t + "(id int PRIMARY KEY, v text)", "INSERT INTO " + t + " VALUES (1, 'a')",
        "CREATE TABLE " + cached + "(v text)", "INSERT INTO " + cached + " VALUES ('before')");
    try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
      assertThat(one(c, "SELECT v FROM " + cached)).isEqualTo("before"); // now in the cache
      assertThat(one(c, "SELECT v FROM " + t + " WHERE id = 1")).isEqualTo("a");
      assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo("a");

      long stopped = System.nanoTime();
      PgCluster.run("stop-primary", "immediate");

      // reads keep working on the replicas
      for (int i = 0; i < 20; i++) {
        assertThat(one(c, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo("a");
        assertThat(one(c, "SELECT v FROM " + t + " WHERE id = 1")).isEqualTo("a");
      }
      // writes fail fast: the real driver's exception on the open connection, class 08 on a new one, which still
      // reads from the replicas (it connects the primary only when a statement needs it)
      long writeStart = System.nanoTime();
      SQLException onOpen = writeFails(c, t);
      long writeFailedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writeStart);
      System.out.printf("write on an open connection failed after %d ms: %s %s%n", writeFailedMillis,
          onOpen.getSQLState(), onOpen.getMessage());
      assertThat(onOpen.getSQLState()).matches("08...|57P0.");
      long connectStart = System.nanoTime();
      SQLException onNew = null;
      long newWriteMillis;
      try (Connection n = DriverManager.getConnection(url, "postgres", "")) {
        assertThat(one(n, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo("a");
        assertThat(one(n, "SELECT v FROM " + t + " WHERE id = 1")).isEqualTo("a");
        long newWriteStart = System.nanoTime();
        onNew = writeFails(n, t);
        newWriteMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - newWriteStart);
        assertThat(one(n, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo("a");
      }
      System.out.printf("a new connection read from the replicas; its write failed after %d ms (%d ms from"
              + " connect): %s %s%n", newWriteMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectStart),
          onNew.getSQLState(), onNew.getMessage());
      assertThat(onNew.getSQLState()).startsWith("08");
      assertThat(writeFailedMillis).isLessThan(10_000);
      assertThat(newWriteMillis).isLessThan(10_000);

      long promoteStart = System.nanoTime();
      PgCluster.run("promote", "1");
      long promoted = System.nanoTime();
      long resumed = 0;
      int attempts = 0;
      while (resumed == 0 && System.nanoTime() - promoted < TimeUnit.SECONDS.toNanos(60)) {
        attempts++;
        try (Connection n = DriverManager.getConnection(url, "postgres", "");
            Statement s = n.createStatement()) {
          s.executeUpdate("UPDATE " + t + " SET v = 'after' WHERE id = 1");
          resumed = System.nanoTime();
          assertThat(one(n, "SELECT v FROM " + t + " WHERE id = 1")).isEqualTo("after");
          assertThat(one(n, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo("after");
        } catch (SQLException e) {
          assertThat(e.getSQLState()).startsWith("08");
        }
      }
      assertThat(resumed).as("writes resumed within 60 s of the promotion").isPositive();
      System.out.printf("FAILOVER: primary stopped -> writes resumed through Cachet in %d ms (the promote command"
              + " took %d ms; from promotion done to the first successful write %d ms, %d connection attempts)%n",
          TimeUnit.NANOSECONDS.toMillis(resumed - stopped), TimeUnit.NANOSECONDS.toMillis(promoted - promoteStart),
          TimeUnit.NANOSECONDS.toMillis(resumed - promoted), attempts);
      // the replica still on the old timeline serves nothing: a read of what was just written sees it
      long staleReplicaBefore = calls(2, "FROM " + t);
      for (int i = 0; i < 10; i++) {
        try (Connection n = DriverManager.getConnection(url, "postgres", "")) {
          assertThat(one(n, "SELECT /*cachet:nocache*/ v FROM " + t + " WHERE id = 1")).isEqualTo("after");
        }
      }
      assertThat(calls(2, "FROM " + t)).isEqualTo(staleReplicaBefore);
      // the cache was flushed when the primary changed: a change made around Cachet on the new primary shows
      try (Connection direct = PgCluster.connect(1); Statement s = direct.createStatement()) {
        s.executeUpdate("UPDATE " + cached + " SET v = 'changed on the new primary'");
      }
      try (Connection n = DriverManager.getConnection(url, "postgres", "")) {
        assertThat(one(n, "SELECT v FROM " + cached)).isEqualTo("changed on the new primary");
      }
    }
  }

  private static SQLException writeFails(Connection c, String table) {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE " + table + " SET v = 'lost' WHERE id = 1");
    } catch (SQLException e) {
      return e;
    }
    throw new AssertionError("the write succeeded with the primary stopped");
  }
}
