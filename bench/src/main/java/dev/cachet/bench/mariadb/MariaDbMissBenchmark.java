package dev.cachet.bench.mariadb;

import dev.cachet.cache.CacheSettings;
import dev.cachet.cache.FillTicket;
import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.QueryKey;
import dev.cachet.cache.ResultCache;
import dev.cachet.cache.ResultTee;
import dev.cachet.cache.SessionKey;
import dev.cachet.driver.profile.MariaDbProfile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What capturing a MariaDB result for the cache costs on a miss, against a real MariaDB server (system property
 * {@code cachet.bench.mariadb}, default {@code 127.0.0.1:3306}, user root without password; a database of its own is
 * created and dropped). One query returns {@code rows} rows of INT, VARCHAR, DATETIME(6), DATE, TEXT, DECIMAL, read
 * with their usual getters: {@code live} reads the connector's result directly, {@code teed} reads it through the
 * tee with {@link MariaDbProfile} (every cell captured, the copy stored), {@code capturedOnly} is the tee without the
 * round trip's variance (a scrollable in-memory result re-read), and {@code hit} reads the cached copy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MariaDbMissBenchmark {

  private static final String SQL = "SELECT id, name, created, day, note, price FROM t ORDER BY id";

  @Param({"10", "100"})
  public int rows;

  private String database;
  private Connection connection;
  private ResultCache cache;
  private QueryKey key;
  private MaterializedResult cached;
  private Statement statement;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    database = "cachet_bench_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection admin = connect(""); Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    connection = connect(database);
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(40), created DATETIME(6), day DATE, note TEXT,"
          + " price DECIMAL(10,2)) DEFAULT CHARSET utf8mb4");
      for (int i = 0; i < rows; i++) {
        s.execute("INSERT INTO t VALUES (" + i + ", 'customer-" + i + "', '2024-02-29 13:45:30." + (100000 + i)
            + "', '2024-03-0" + (1 + i % 9) + "', 'a note about order " + i + " with some words', " + i + ".99)");
      }
    }
    cache = new ResultCache(CacheSettings.builder().build());
    key = QueryKey.of(SessionKey.of("root", database, null, null, null, "MariaDB"), SQL, null, null, 0,
        ResultSet.TYPE_FORWARD_ONLY);
    statement = connection.createStatement();
    fill();
    cached = cache.get(key);
    if (cached == null) {
      throw new IllegalStateException("the result was not cached: " + cache.statistics());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    statement.close();
    connection.close();
    try (Connection admin = connect(""); Statement s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database);
    }
  }

  private static Connection connect(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:mariadb://" + System.getProperty("cachet.bench.mariadb",
        "127.0.0.1:3306") + "/" + database + "?user=root");
  }

  private void fill() throws SQLException {
    cache.invalidate(List.of("t"));
    FillTicket ticket = cache.beginFill(key, Set.of("t"), null);
    try (ResultSet rs = ResultTee.wrap(statement.executeQuery(SQL), statement, ticket, cache,
        MariaDbProfile.INSTANCE)) {
      while (rs.next()) {
        // reaching the end stores the copy
      }
    }
  }

  private static void readAll(ResultSet rs, Blackhole bh) throws SQLException {
    while (rs.next()) {
      bh.consume(rs.getInt(1));
      bh.consume(rs.getString(2));
      bh.consume(rs.getTimestamp(3));
      bh.consume(rs.getDate(4));
      bh.consume(rs.getString(5));
      bh.consume(rs.getBigDecimal(6));
    }
  }

  /** The query and every value read from the connector's own result. */
  @Benchmark
  public void live(Blackhole bh) throws SQLException {
    try (ResultSet rs = statement.executeQuery(SQL)) {
      readAll(rs, bh);
    }
  }

  /** The same through the tee: every cell captured and the copy stored (a miss). */
  @Benchmark
  public void teed(Blackhole bh) throws SQLException {
    cache.invalidate(List.of("t"));
    FillTicket ticket = cache.beginFill(key, Set.of("t"), null);
    try (ResultSet rs = ResultTee.wrap(statement.executeQuery(SQL), statement, ticket, cache,
        MariaDbProfile.INSTANCE)) {
      readAll(rs, bh);
    }
  }

  /** Every value read from the cached copy (a hit, without the key and lookup). */
  @Benchmark
  public void hit(Blackhole bh) throws SQLException {
    try (ResultSet rs = cached.toResultSet(statement)) {
      readAll(rs, bh);
    }
  }

  /** Capturing alone: the result materialized from an in-memory connector result (no round trip). */
  @Benchmark
  public MaterializedResult captureOnly(InMemory memory) throws SQLException {
    memory.result.beforeFirst();
    return MaterializedResult.materialize(memory.result, MariaDbProfile.INSTANCE, Integer.MAX_VALUE, Long.MAX_VALUE);
  }

  /** Reading alone: the same in-memory connector result read with the same getters. */
  @Benchmark
  public void readOnly(InMemory memory, Blackhole bh) throws SQLException {
    memory.result.beforeFirst();
    readAll(memory.result, bh);
  }

  /** A scrollable connector result, fully in memory, re-read by each invocation. */
  @State(Scope.Thread)
  public static class InMemory {
    Statement statement;
    ResultSet result;

    @Setup(Level.Trial)
    public void open(MariaDbMissBenchmark benchmark) throws SQLException {
      statement = benchmark.connection.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY);
      result = statement.executeQuery(SQL);
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
      statement.close();
    }
  }
}
