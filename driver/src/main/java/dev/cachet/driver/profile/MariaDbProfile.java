package dev.cachet.driver.profile;

import dev.cachet.cache.ColumnCodec;
import dev.cachet.cache.ColumnMetadata;
import dev.cachet.cache.NotCacheableValueException;
import dev.cachet.cache.ValueProfile;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * The {@link ValueProfile} of MariaDB Connector/J 3.5 (also serving MySQL URLs through it). It reproduces the
 * connector's getters exactly for numeric columns — TINYINT (including {@code BOOLEAN}), SMALLINT, MEDIUMINT, INT,
 * BIGINT (signed or unsigned), DECIMAL, FLOAT, DOUBLE — see {@link MariaDbCodec}. A result with a column of any
 * other type is not cached (it streams from the server as usual): the connector's string, binary, temporal, JSON,
 * ENUM/SET and BIT conversions have rules of their own that this profile does not reproduce yet, and a cached
 * result that answered differently would be wrong. Thread-safe and stateless.
 */
public final class MariaDbProfile implements ValueProfile {

  /** The one instance. */
  public static final MariaDbProfile INSTANCE = new MariaDbProfile();

  private static final Set<String> INTEGERS =
      Set.of("TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT", "BOOLEAN", "BOOL");

  private MariaDbProfile() {}

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
    throw new NotCacheableValueException("MariaDbProfile does not reproduce Connector/J's getters for " + typeName
        + " columns");
  }

  @Override
  public String toString() {
    return "MariaDbProfile";
  }
}
