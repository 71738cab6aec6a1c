package dev.cachet.driver.profile;

import dev.cachet.cache.ColumnCodec;
import dev.cachet.cache.ColumnMetadata;
import dev.cachet.cache.NotCacheableValueException;
import dev.cachet.cache.ResultMetadata;
import dev.cachet.cache.StatementMetadata;
import dev.cachet.cache.ValueProfile;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * The {@link ValueProfile} of MariaDB Connector/J 3.5 (also serving MySQL URLs through it): a cached result answers
 * every getter exactly as the connector's own result set would.
 *
 * <ul>
 *   <li>Numeric columns — TINYINT (including {@code BOOLEAN}), SMALLINT, MEDIUMINT, INT, BIGINT (signed or
 *       unsigned), DECIMAL, FLOAT, DOUBLE — keep their text and {@code getObject} value and convert them like the
 *       connector ({@link MariaDbCodec}).
 *   <li>Strings (CHAR, VARCHAR, the TEXT types, JSON, ENUM, SET), binaries (BINARY, VARBINARY, the BLOB types),
 *       DATE, DATETIME, TIMESTAMP, TIME, YEAR, BIT and the NULL type keep the bytes the server sent and replay them
 *       through the connector's own decoders ({@link MariaDbReplayCodec}). This needs Connector/J 3.5 on the class
 *       path reading with the text protocol (its default); otherwise, and for zero dates, such results are not
 *       cached.
 * </ul>
 *
 * A result with a column of any other type (GEOMETRY, UUID, INET, vectors…) is not cached: it streams from the
 * server as usual. Thread-safe and stateless.
 */
public final class MariaDbProfile implements ValueProfile {

  /** The one instance. */
  public static final MariaDbProfile INSTANCE = new MariaDbProfile();

  private static final Set<String> INTEGERS =
      Set.of("TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT", "BOOLEAN", "BOOL");

  /** Column types replayed through Connector/J's decoders, by the connector's own type name. */
  private static final Set<String> REPLAYED = Set.of("CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT",
      "JSON", "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB", "DATE", "DATETIME", "TIMESTAMP",
      "TIME", "YEAR", "BIT", "NULL");

  // static, as the instance is a singleton: a result refers to its profile, not to other statements' metadata
  private static final StatementMetadata STATEMENTS = new StatementMetadata(INSTANCE);

  private MariaDbProfile() {}

  /**
   * The snapshot last captured for {@code statementKey}, with its codecs, when the connector's metadata (held in
   * memory) reports exactly the same facts; else a new capture. Held once per statement, not per cached result.
   */
  @Override
  public ResultMetadata metadata(String statementKey, ResultSetMetaData real) throws SQLException {
    return STATEMENTS.metadata(statementKey, real);
  }

  @Override
  public ColumnCodec codec(ColumnMetadata column) throws SQLException {
    String typeName = column.typeName() == null ? "" : column.typeName().toUpperCase(Locale.ROOT);
    String base = typeName.replace(" UNSIGNED", "").replace(" ZEROFILL", "").trim();
    if (INTEGERS.contains(base)) {
      return new MariaDbCodec(MariaDbCodec.Kind.INTEGER, typeName);
    }
    if (base.equals("DECIMAL") || base.equals("NUMERIC")) {
      return new MariaDbCodec(MariaDbCodec.Kind.DECIMAL, typeName);
    }
    if (base.equals("FLOAT") || base.equals("DOUBLE") || base.equals("REAL")) {
      return new MariaDbCodec(MariaDbCodec.Kind.APPROXIMATE, typeName);
    }
    if (REPLAYED.contains(base) && Replay.AVAILABLE) {
      return new MariaDbReplayCodec(base, String.class.getName().equals(column.className()));
    }
    throw new NotCacheableValueException("MariaDbProfile does not reproduce Connector/J's getters for " + typeName
        + " columns");
  }

  /** Whether replaying is possible; a class of its own so that Connector/J is only loaded when a codec needs it. */
  private static final class Replay {
    static final boolean AVAILABLE = available();

    private static boolean available() {
      try {
        return ConnectorJRows.available();
      } catch (LinkageError e) {
        return false;
      }
    }
  }

  @Override
  public String toString() {
    return "MariaDbProfile";
  }
}
