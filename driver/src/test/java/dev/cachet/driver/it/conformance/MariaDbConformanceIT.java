package dev.cachet.driver.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.cache.ValueProfile;
import dev.cachet.driver.it.cluster.ItServers;
import dev.cachet.driver.profile.MariaDbProfile;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cache conformance on MariaDB with MariaDB Connector/J (DESIGN §8): for a table of MariaDB's common types, a result
 * served from the cache through {@link MariaDbProfile} answers every getter and every metadata method like the
 * connector's own result set. Runs in a database of its own on the machine's server, dropped afterwards.
 */
class MariaDbConformanceIT {

  private static final String DATABASE = "cachet_conformance_" + UUID.randomUUID().toString().substring(0, 8);
  private static TimeZone originalZone;

  static final String TABLE = "CREATE TABLE types ("
      + " id INT PRIMARY KEY, flag TINYINT(1), b BOOLEAN, i INT, ubig BIGINT UNSIGNED, dec_ DECIMAL(12,3),"
      + " f FLOAT, d DOUBLE, vc VARCHAR(20), txt TEXT, bl BLOB, vb VARBINARY(8), dt DATE, dtm DATETIME(6),"
      + " ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME, yr YEAR, js JSON, en ENUM('small','large'), st SET('x','y'),"
      + " bt BIT(8))";

  static final String[] ROWS = {
      "(1, 1, TRUE, 123456, 18446744073709551615, 12345.678, 1.5, 2.25, 'hello', 'some text', x'DEADBEEF',"
          + " x'00FF', '2024-02-29', '2024-02-29 13:45:30.123456', '2024-02-29 13:45:30.5', '13:45:30', 2024,"
          + " '{\"a\": 1}', 'large', 'x,y', b'10100101')",
      "(2, 0, FALSE, -2147483648, 0, -0.5, -3.25, 1e300, '1', '2024-01-02', x'', x'', '1000-01-01',"
          + " '1970-01-01 00:00:00', '1970-01-02 00:00:00', '-838:59:59', 1901, '[]', 'small', '', b'0')",
      "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
          + " NULL, NULL, NULL)",
      "(4, 5, TRUE, 255, 9223372036854775808, 0.001, 0, -0.0, 'true', 'yes', x'61', x'31', '9999-12-31',"
          + " '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '00:00:00.5', 2155, '\"s\"', 'small', 'y',"
          + " b'11111111')"};

  /** Further types and edge values: sizes of TEXT and BLOB, fractional precisions, BIT(1), text that looks numeric. */
  static final String MORE = "CREATE TABLE more ("
      + " id INT PRIMARY KEY, ch CHAR(4), tt TINYTEXT, mt MEDIUMTEXT, lt LONGTEXT, bn BINARY(3), tb TINYBLOB,"
      + " mb MEDIUMBLOB, lb LONGBLOB, dtm0 DATETIME, dtm3 DATETIME(3), ts0 TIMESTAMP NULL DEFAULT NULL,"
      + " tm6 TIME(6), b1 BIT(1), b12 BIT(12), yr YEAR, vc VARCHAR(40)) DEFAULT CHARSET utf8mb4";

  static final String[] MORE_ROWS = {
      "(1, 'ab', 'tiny', 'medium', 'long', x'010203', x'00', x'FF00', x'7B7D', '2000-01-01 00:00:00',"
          + " '2024-03-31 02:30:00.123', '2024-03-31 02:30:00', '12:34:56.000001', b'1', b'101010101010', 1970,"
          + " ' 42 ')",
      "(2, '', '', '', '😀 ünïcödé', x'000000', x'', x'', x'F09F9880', '1969-12-31 23:59:59',"
          + " '1900-01-01 00:00:00.999', '1970-01-01 05:30:01', '-00:00:01.5', b'0', b'0', 2000,"
          + " '2024-01-02 10:11:12')",
      "(3, '12', 'true', '1e3', '-7.9', x'616263', x'31', x'30', x'2D31', '2024-12-31 23:59:59',"
          + " '2024-06-15 12:00:00.5', '2001-09-09 01:46:40', '838:59:59', b'1', b'111111111111', 2155,"
          + " '10:11:12')",
      "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
      "(5, 'ff', '0', '', 'false', x'FFFFFF', x'FF', x'', x'', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000',"
          + " '2038-01-19 03:14:07', '00:00:00', b'0', b'000000000001', 1901,"
          + " '550e8400-e29b-41d4-a716-446655440000')"};

  @BeforeAll
  static void createDatabase() throws SQLException {
    originalZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
    try (Connection admin = connect(""); Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE);
    }
    try (Connection c = connect(DATABASE); Statement s = c.createStatement()) {
      s.execute(TABLE);
      for (String row : ROWS) {
        s.execute("INSERT INTO types VALUES " + row);
      }
      s.execute(MORE);
      for (String row : MORE_ROWS) {
        s.execute("INSERT INTO more VALUES " + row);
      }
      s.execute("CREATE TABLE partial (id INT PRIMARY KEY, d DATE, dtm DATETIME)");
      s.execute("INSERT INTO partial VALUES (1, '2024-00-00', '2024-01-00 10:00:00'), (2, '2024-02-00', NULL)");
      s.execute("CREATE TABLE zero (id INT PRIMARY KEY, d DATE, dtm DATETIME, vc VARCHAR(20), yr YEAR, g POINT)");
      s.execute("INSERT INTO zero VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00', 0, POINT(1, 2))");
    }
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    try {
      try (Connection admin = connect(""); Statement s = admin.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + DATABASE);
      }
    } finally {
      TimeZone.setDefault(originalZone);
    }
  }

  static Connection connect(String database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "root");
    props.setProperty("connectTimeout", "10000");
    return DriverManager.getConnection("jdbc:mariadb://" + ItServers.mariadb() + "/" + database, props);
  }

  /** Every getter of {@link Conformance#GETTERS} and the rest of {@link ResultSet}'s getters, by index and by label. */
  static final Map<String, Conformance.Getter> ALL_GETTERS = new LinkedHashMap<>(Conformance.GETTERS);

  static {
    ALL_GETTERS.put("getBigDecimal(scale 1)", (rs, c) -> rs.getBigDecimal(c, 1));
    ALL_GETTERS.put("getObject(map)", (rs, c) -> rs.getObject(c, Map.of()));
    ALL_GETTERS.put("getObject(Object)", (rs, c) -> rs.getObject(c, Object.class));
    ALL_GETTERS.put("getObject(Blob)", (rs, c) -> rs.getObject(c, Blob.class));
    ALL_GETTERS.put("getObject(Clob)", (rs, c) -> rs.getObject(c, Clob.class));
    ALL_GETTERS.put("getObject(Reader)", (rs, c) -> rs.getObject(c, Reader.class));
    ALL_GETTERS.put("getObject(InputStream)", (rs, c) -> rs.getObject(c, InputStream.class));
    ALL_GETTERS.put("getObject(Duration)", (rs, c) -> rs.getObject(c, Duration.class));
    ALL_GETTERS.put("getObject(java.util.Date)", (rs, c) -> rs.getObject(c, java.util.Date.class));
    ALL_GETTERS.put("getBlob", ResultSet::getBlob);
    ALL_GETTERS.put("getClob", ResultSet::getClob);
    ALL_GETTERS.put("getNClob", ResultSet::getNClob);
    ALL_GETTERS.put("getSQLXML", ResultSet::getSQLXML);
    ALL_GETTERS.put("getAsciiStream", ResultSet::getAsciiStream);
    ALL_GETTERS.put("getNCharacterStream", ResultSet::getNCharacterStream);
    ALL_GETTERS.put("getURL", ResultSet::getURL);
    // and every one of them again through the label overloads
    for (Map.Entry<String, Conformance.Getter> e : new ArrayList<>(ALL_GETTERS.entrySet())) {
      if (!e.getKey().equals("getString(label)")) {
        Conformance.Getter getter = e.getValue();
        ALL_GETTERS.put(e.getKey() + " by label", (rs, c) -> getter.get(byLabel(rs), c));
      }
    }
  }

  /**
   * A view of {@code rs} whose getters taking a column index call the overload taking the column's label instead —
   * so every getter can be compared by label too.
   */
  static ResultSet byLabel(ResultSet rs) {
    return (ResultSet) java.lang.reflect.Proxy.newProxyInstance(ResultSet.class.getClassLoader(),
        new Class<?>[] {ResultSet.class}, (proxy, method, args) -> {
          try {
            Class<?>[] parameters = method.getParameterTypes();
            if (method.getName().startsWith("get") && parameters.length > 0 && parameters[0] == int.class) {
              parameters = parameters.clone();
              parameters[0] = String.class;
              Object[] labelled = args.clone();
              labelled[0] = rs.getMetaData().getColumnLabel((Integer) args[0]);
              return ResultSet.class.getMethod(method.getName(), parameters).invoke(rs, labelled);
            }
            return method.invoke(rs, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** The differences between {@code sql}'s result cached through the profile and live, over {@link #ALL_GETTERS}. */
  static List<String> differences(Connection c, String sql) throws SQLException {
    return Conformance.compare(c, sql, Conformance.materialize(c, sql, profile()), ALL_GETTERS);
  }

  /** Pairs two lists of {@link Conformance#outcomes} into one line per getter whose outcome differs. */
  static List<String> differences(List<String> live, List<String> cached) {
    assertThat(cached).hasSameSizeAs(live);
    List<String> differences = new ArrayList<>();
    for (int i = 0; i < live.size(); i++) {
      if (!live.get(i).equals(cached.get(i))) {
        String[] l = live.get(i).split(" -> ", 2);
        differences.add(l[0] + ": live " + l[1] + " | cached " + cached.get(i).split(" -> ", 2)[1]);
      }
    }
    return differences;
  }

  static ValueProfile profile() {
    return MariaDbProfile.INSTANCE;
  }

  @Test
  void everyGetterOfEveryNumericTypeMatchesTheConnector() throws Exception {
    List<String> live = new ArrayList<>();
    List<String> differences;
    String sql = "SELECT id, flag, b, i, ubig, dec_, f, d FROM types ORDER BY id";
    try (Connection c = connect(DATABASE)) {
      Conformance.recordLive(c, sql, live);
      Files.write(Path.of("target", "conformance-mariadb-live.txt"), live);
      differences = differences(c, sql);
    }
    Files.write(Path.of("target", "conformance-mariadb-differences.txt"), differences);
    assertThat(live).hasSizeGreaterThan(ROWS.length * 8 * 40);
    assertThat(differences).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
  }

  @Test
  void numericExpressionsMatchTheConnector() throws Exception {
    List<String> differences;
    try (Connection c = connect(DATABASE)) {
      differences = differences(c, "SELECT 1 + 1 AS two, COUNT(*) OVER () AS total, dec_ * 2 AS twice,"
          + " -i AS negated, f + d AS total_float, CAST(ubig AS DECIMAL(30, 0)) AS big FROM types ORDER BY id");
    }
    assertThat(differences).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
  }

  @Test
  void everyGetterOfEveryStringBinaryTemporalJsonEnumSetAndBitTypeMatchesTheConnector() throws Exception {
    List<String> differences = new ArrayList<>();
    List<String> live = new ArrayList<>();
    try (Connection c = connect(DATABASE)) {
      for (String sql : List.of("SELECT * FROM types ORDER BY id", "SELECT * FROM more ORDER BY id")) {
        Conformance.recordLive(c, sql, live);
        differences.addAll(differences(c, sql));
      }
    }
    Files.write(Path.of("target", "conformance-mariadb-all-types-live.txt"), live);
    Files.write(Path.of("target", "conformance-mariadb-all-types-differences.txt"), differences);
    // every getter of every column of every row was compared
    assertThat(live).hasSize((ROWS.length * 21 + MORE_ROWS.length * 17) * Conformance.GETTERS.size());
    assertThat(differences).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
  }

  @Test
  void expressionsOfTheseTypesMatchTheConnector() throws Exception {
    List<String> differences;
    try (Connection c = connect(DATABASE)) {
      differences = differences(c, "SELECT CONCAT(vc, '!') AS shout, UPPER(txt) AS upper_txt,"
          + " DATE_ADD(dt, INTERVAL 1 DAY) AS next_day, CAST(dtm AS DATE) AS day_of, CAST(i AS CHAR) AS i_text,"
          + " JSON_OBJECT('k', vc) AS obj, HEX(bl) AS hex_bl, TIMEDIFF(tm, '01:00:00') AS earlier, NULL AS nothing,"
          + " '2024-05-06' AS date_text, X'CAFE' AS literal_bytes FROM types ORDER BY id");
    }
    assertThat(differences).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
  }

  @Test
  void longValuesMatchTheConnector() throws Exception {
    // length headers of 1, 3 and 4 bytes in one row; the texts are longer than what a cell keeps
    List<String> differences;
    try (Connection c = connect(DATABASE)) {
      differences = differences(c, "SELECT REPEAT('x', 300) AS medium, id, REPEAT('y', 70000) AS large, vc,"
          + " CAST(REPEAT('z', 600) AS BINARY) AS bytes, dtm FROM types ORDER BY id");
    }
    assertThat(differences).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
  }

  @Test
  void partlyZeroDatesMatchTheConnector() throws Exception {
    String sql = "SELECT id, d, dtm FROM partial ORDER BY id";
    try (Connection c = connect(DATABASE)) {
      assertThat(differences(c, sql)).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
    }
  }

  @Test
  void connectorOptionsThatChangeConversionsAreFollowedOrTheResultIsNotCached() throws Exception {
    int cachedResults = 0;
    for (String options : List.of("transformedBitIsBoolean=true", "tinyInt1isBit=false", "yearIsDateType=false",
        "transformedBitIsBoolean=true&tinyInt1isBit=false", "preserveInstants=true&connectionTimeZone=UTC")) {
      try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + ItServers.mariadb() + "/" + DATABASE
          + "?user=root&" + options)) {
        for (String sql : List.of("SELECT * FROM types ORDER BY id", "SELECT * FROM more ORDER BY id",
            "SELECT id, b1 FROM more ORDER BY id", "SELECT id, flag, b FROM types ORDER BY id")) {
          if (Conformance.cachedOrNull(c, sql, profile()) != null) {
            cachedResults++;
            assertThat(differences(c, sql)).as(options + ": " + sql)
                .filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
          }
        }
      }
    }
    assertThat(cachedResults).isGreaterThan(10);
  }

  @Test
  void cachedTemporalsFollowTheJvmZoneAtReadTimeLikeTheConnector() throws Exception {
    String sql = "SELECT id, dt, dtm, ts, tm, yr FROM types ORDER BY id";
    List<String> differences;
    try (Connection c = connect(DATABASE)) {
      dev.cachet.cache.MaterializedResult cached = Conformance.materialize(c, sql, profile());
      TimeZone.setDefault(TimeZone.getTimeZone("America/St_Johns"));
      try {
        differences = Conformance.compare(c, sql, cached, ALL_GETTERS);
      } finally {
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
      }
    }
    assertThat(differences).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
  }

  @Test
  void aCachedResultOutlivesItsConnection() throws Exception {
    String sql = "SELECT * FROM more ORDER BY id";
    dev.cachet.cache.MaterializedResult cached;
    try (Connection c = connect(DATABASE)) {
      cached = Conformance.materialize(c, sql, profile());
    }
    List<String> differences;
    try (Connection other = connect(DATABASE)) {
      differences = Conformance.compare(other, sql, cached, ALL_GETTERS);
    }
    assertThat(differences).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
  }

  @Test
  void changingWhatACachedResultReturnedDoesNotChangeTheCache() throws Exception {
    String sql = "SELECT bl, vb, txt, bt FROM types WHERE id = 1";
    List<String> differences;
    try (Connection c = connect(DATABASE); Statement s = c.createStatement()) {
      dev.cachet.cache.MaterializedResult cached = Conformance.materialize(c, sql, profile());
      try (ResultSet rs = cached.toResultSet(s)) {
        assertThat(rs.next()).isTrue();
        for (int column = 1; column <= 4; column++) {
          java.util.Arrays.fill(rs.getBytes(column), (byte) 0);
          Object object = rs.getObject(column);
          if (object instanceof byte[]) {
            java.util.Arrays.fill((byte[]) object, (byte) 0);
          }
          java.util.Arrays.fill(rs.getObject(column, byte[].class), (byte) 0);
        }
        rs.getBlob(1).setBytes(1, new byte[] {1, 2, 3, 4});
        rs.getClob(3).setString(1, "changed");
      }
      differences = Conformance.compare(c, sql, cached, ALL_GETTERS);
    }
    assertThat(differences).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
  }

  @Test
  void preparedAndStreamedResultsMatchTheConnector() throws Exception {
    String sql = "SELECT * FROM more WHERE id > ? ORDER BY id";
    for (int fetchSize : new int[] {0, 2}) {
      try (Connection c = connect(DATABASE)) {
        dev.cachet.cache.ResultCache cache = new dev.cachet.cache.ResultCache(
            dev.cachet.cache.CacheSettings.builder().build());
        dev.cachet.cache.QueryKey key = dev.cachet.cache.QueryKey.of(
            dev.cachet.cache.SessionKey.of("u", null, null, null, null, "test"), sql, new Object[] {1},
            new int[] {java.sql.Types.INTEGER}, 0, ResultSet.TYPE_FORWARD_ONLY);
        List<String> live;
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setFetchSize(fetchSize);
          ps.setInt(1, 1);
          try (ResultSet rs = ps.executeQuery()) {
            live = Conformance.outcomes(rs, ALL_GETTERS);
          }
          try (ResultSet teed = dev.cachet.cache.ResultTee.wrap(ps.executeQuery(), ps,
              cache.beginFill(key, java.util.Set.of("more"), null), cache, profile())) {
            assertThat(Conformance.outcomes(teed, ALL_GETTERS)).as("read through the tee").isEqualTo(live);
          }
          dev.cachet.cache.MaterializedResult cached = cache.get(key);
          assertThat(cached).as("fetch size " + fetchSize).isNotNull();
          try (ResultSet rs = cached.toResultSet(ps)) {
            assertThat(differences(live, Conformance.outcomes(rs, ALL_GETTERS))).as("fetch size " + fetchSize)
                .filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
          }
        }
      }
    }
  }

  @Test
  void resultsReadWithTheBinaryProtocolAreCachedOnlyWhenNumeric() throws Exception {
    Properties props = new Properties();
    props.setProperty("user", "root");
    props.setProperty("useServerPrepStmts", "true");
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + ItServers.mariadb() + "/" + DATABASE,
        props)) {
      for (String sql : List.of("SELECT id, vc FROM types WHERE id > ?", "SELECT id, dtm FROM types WHERE id > ?")) {
        dev.cachet.cache.ResultCache cache = new dev.cachet.cache.ResultCache(
            dev.cachet.cache.CacheSettings.builder().build());
        dev.cachet.cache.QueryKey key = dev.cachet.cache.QueryKey.of(
            dev.cachet.cache.SessionKey.of("u", null, null, null, null, "test"), sql, new Object[] {0},
            new int[] {java.sql.Types.INTEGER}, 0, ResultSet.TYPE_FORWARD_ONLY);
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setInt(1, 0);
          try (ResultSet teed = dev.cachet.cache.ResultTee.wrap(ps.executeQuery(), ps,
              cache.beginFill(key, java.util.Set.of("types"), null), cache, profile())) {
            while (teed.next()) {
              // read to the end
            }
          }
        }
        assertThat(cache.get(key)).as(sql).isNull();
      }
    }
  }

  @Test
  void concurrentReadersOfOneCachedResultSeeTheSameAnswers() throws Exception {
    String sql = "SELECT * FROM more ORDER BY id";
    dev.cachet.cache.MaterializedResult cached;
    List<String> expected;
    try (Connection c = connect(DATABASE); Statement s = c.createStatement()) {
      cached = Conformance.materialize(c, sql, profile());
      try (ResultSet rs = cached.toResultSet(s)) {
        expected = Conformance.outcomes(rs, Conformance.GETTERS);
      }
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        List<java.util.concurrent.Future<List<String>>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          results.add(pool.submit(() -> {
            try (ResultSet rs = cached.toResultSet(s)) {
              return Conformance.outcomes(rs, Conformance.GETTERS);
            }
          }));
        }
        for (java.util.concurrent.Future<List<String>> result : results) {
          assertThat(result.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(expected);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void zeroDatesAndTypesTheProfileCannotReproduceAreNotCached() throws Exception {
    try (Connection c = connect(DATABASE)) {
      for (String column : List.of("d", "dtm", "vc", "yr", "g")) {
        assertThat(Conformance.cachedOrNull(c, "SELECT id, " + column + " FROM zero", profile())).as(column).isNull();
      }
      assertThat(Conformance.cachedOrNull(c, "SELECT id FROM zero", profile())).isNotNull();
    }
  }

  @Test
  void throughTheDriverACachedResultMatchesTheConnector() throws Exception {
    List<String> differences = new ArrayList<>();
    Properties props = new Properties();
    props.setProperty("user", "root");
    try (Connection direct = connect(DATABASE);
        Connection cachet = DriverManager.getConnection(
            "jdbc:cachet:mariadb://" + ItServers.mariadb() + "/" + DATABASE, props)) {
      for (String sql : List.of("SELECT * FROM types ORDER BY id", "SELECT * FROM more ORDER BY id")) {
        differences.addAll(Conformance.compareThroughCachet(direct, cachet, sql));
      }
    }
    Files.write(Path.of("target", "conformance-mariadb-driver-differences.txt"), differences);
    assertThat(differences).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
  }
}
