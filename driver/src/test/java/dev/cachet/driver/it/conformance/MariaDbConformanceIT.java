package dev.cachet.driver.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.cache.ValueProfile;
import dev.cachet.driver.it.cluster.ItServers;
import dev.cachet.driver.profile.MariaDbProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
      differences = Conformance.compare(c, sql, profile(), new ArrayList<>());
    }
    Files.write(Path.of("target", "conformance-mariadb-differences.txt"), differences);
    assertThat(live).hasSizeGreaterThan(ROWS.length * 8 * 40);
    assertThat(differences).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
  }

  @Test
  void numericExpressionsMatchTheConnector() throws Exception {
    List<String> differences;
    try (Connection c = connect(DATABASE)) {
      differences = Conformance.compare(c, "SELECT 1 + 1 AS two, COUNT(*) OVER () AS total, dec_ * 2 AS twice,"
          + " -i AS negated, f + d AS total_float, CAST(ubig AS DECIMAL(30, 0)) AS big FROM types ORDER BY id",
          profile(), new ArrayList<>());
    }
    assertThat(differences).filteredOn(d -> !Conformance.isProfileSpiGap(d)).isEmpty();
  }

  @Test
  void resultsWithColumnsTheProfileCannotReproduceAreNotCached() throws Exception {
    try (Connection c = connect(DATABASE)) {
      List<String> live = new ArrayList<>();
      Conformance.recordLive(c, "SELECT * FROM types ORDER BY id", live);
      Files.write(Path.of("target", "conformance-mariadb-all-types-live.txt"), live);
      for (String column : List.of("vc", "txt", "bl", "vb", "dt", "dtm", "ts", "tm", "yr", "js", "en", "st", "bt")) {
        assertThat(Conformance.cachedOrNull(c, "SELECT id, " + column + " FROM types", profile()))
            .as(column).isNull();
      }
    }
  }
}
