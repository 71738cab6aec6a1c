package dev.cachet.driver.profile;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cachet.cache.ColumnCodec;
import dev.cachet.cache.ColumnMetadata;
import dev.cachet.cache.ResultMetadata;
import dev.cachet.cache.ValueProfile;
import java.lang.ref.WeakReference;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@link ValueProfile} of pgjdbc (the PostgreSQL JDBC driver, 42.7): a cached result answers every getter the way
 * pgjdbc's own result set does for the same text-transferred result — {@code getString} of a boolean is {@code "t"},
 * a {@code timestamptz} renders in the session zone, integer getters truncate decimals, {@code money} loses its
 * currency sign for numeric getters, {@code getObject(column, Class)} accepts only the classes pgjdbc accepts for the
 * column's type, and failures are pgjdbc's {@code PSQLException}s with its SQLStates.
 *
 * <p>Cells are captured as the text pgjdbc received (one {@code getString} per cell), plus an immutable copy of the
 * value where {@code getObject} returns more than the text gives (bytea, arrays, json/jsonb/interval and other
 * {@code PGobject}s, which are cloned on every read). Zone-less dates and times convert in the JVM's default zone at
 * read time, as pgjdbc's do. Values pgjdbc ties to its connection (large objects, {@code xml}, ref cursors) are not
 * cached.
 *
 * <p>Metadata: pgjdbc answers some {@link ResultSetMetaData} calls (nullability, auto-increment, base table) with a
 * catalog query, once per connection and column set. This profile shares the captured metadata of a column set
 * (same server and database, labels, types, source table OIDs and positions) across connections, so that query runs
 * at most once per column set in the JVM, not on every connection's first miss (DESIGN §8). Shared entries expire
 * after 10 minutes, so a DDL change to nullability shows up within that time (pgjdbc's own per-connection copy
 * never expires). Thread-safe.
 */
public final class PgJdbcProfile implements ValueProfile {

  /** The one instance. */
  public static final PgJdbcProfile INSTANCE = new PgJdbcProfile();

  private static final Map<String, PgJdbcCodec.Kind> KINDS = Map.ofEntries(
      Map.entry("bool", PgJdbcCodec.Kind.BOOL),
      Map.entry("int2", PgJdbcCodec.Kind.INT2), Map.entry("smallserial", PgJdbcCodec.Kind.INT2),
      Map.entry("int4", PgJdbcCodec.Kind.INT4), Map.entry("serial", PgJdbcCodec.Kind.INT4),
      Map.entry("int8", PgJdbcCodec.Kind.INT8), Map.entry("bigserial", PgJdbcCodec.Kind.INT8),
      Map.entry("oid", PgJdbcCodec.Kind.INT8),
      Map.entry("float4", PgJdbcCodec.Kind.FLOAT4), Map.entry("float8", PgJdbcCodec.Kind.FLOAT8),
      Map.entry("numeric", PgJdbcCodec.Kind.NUMERIC), Map.entry("money", PgJdbcCodec.Kind.MONEY),
      Map.entry("text", PgJdbcCodec.Kind.TEXT), Map.entry("varchar", PgJdbcCodec.Kind.TEXT),
      Map.entry("bpchar", PgJdbcCodec.Kind.TEXT), Map.entry("name", PgJdbcCodec.Kind.TEXT),
      Map.entry("char", PgJdbcCodec.Kind.TEXT),
      Map.entry("bytea", PgJdbcCodec.Kind.BYTEA), Map.entry("date", PgJdbcCodec.Kind.DATE),
      Map.entry("time", PgJdbcCodec.Kind.TIME), Map.entry("timetz", PgJdbcCodec.Kind.TIMETZ),
      Map.entry("timestamp", PgJdbcCodec.Kind.TIMESTAMP), Map.entry("timestamptz", PgJdbcCodec.Kind.TIMESTAMPTZ),
      Map.entry("uuid", PgJdbcCodec.Kind.UUID));

  private final Cache<List<Object>, ResultMetadata> sharedMetadata =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofNanos(SHARED_NANOS)).build();

  /**
   * Per SQL text, the snapshots returned lately, each with pgjdbc's field array it was taken for (held weakly), in one
   * of {@link #PROBE} slots from the array's identity hash: a described statement hands every result on its connection
   * the same array, so each of a pool's connections finds its own. A full probe replaces its first slot. Arrays are
   * copied on write, never changed; the map is bounded (cleared when full). Not a weak-keyed Caffeine cache: its
   * reads scheduled maintenance on the pool from the fill path, nearly three times this probe's cost in a profile.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Seen[]> byStatement =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final int SLOTS = 64;
  private static final int PROBE = 4;

  private record Seen(WeakReference<Object> fields, ResultMetadata metadata, long takenNanos) {
    boolean answers(Object f, long now) {
      return fields.get() == f && now - takenNanos < SHARED_NANOS;
    }

    boolean reusable(long now) {
      return fields.get() == null || now - takenNanos >= SHARED_NANOS;
    }
  }

  /** As long as a shared snapshot is trusted (the column-set cache's expiry). */
  private static final long SHARED_NANOS = 600_000_000_000L; // ten minutes (a constant: INSTANCE is built first)

  private PgJdbcProfile() {}

  /**
   * The shared snapshot, found without building the column-set key when pgjdbc hands this result a field array an
   * earlier result had (a described prepared statement reuses it: same connection, same columns); else as
   * {@link #metadata(ResultSetMetaData)}.
   */
  @Override
  public ResultMetadata metadata(String statementKey, ResultSetMetaData real) throws SQLException {
    Object fields = statementKey == null ? null : PgFieldKeys.fields(real);
    if (fields == null) {
      return metadata(real);
    }
    int first = System.identityHashCode(fields) & (SLOTS - 1);
    Seen[] seen = byStatement.get(statementKey);
    long now = System.nanoTime();
    if (seen != null) {
      for (int i = 0; i < PROBE; i++) {
        Seen s = seen[(first + i) & (SLOTS - 1)];
        if (s != null && s.answers(fields, now)) {
          return s.metadata();
        }
      }
    }
    ResultMetadata metadata = metadata(real);
    Seen[] next = seen == null ? new Seen[SLOTS] : seen.clone();
    int slot = first;
    for (int i = 0; i < PROBE; i++) {
      int j = (first + i) & (SLOTS - 1);
      if (next[j] == null || next[j].reusable(now)) {
        slot = j;
        break;
      }
    }
    next[slot] = new Seen(new WeakReference<>(fields), metadata, now);
    if (byStatement.size() >= 1024) {
      byStatement.clear();
    }
    byStatement.put(statementKey, next); // a racing connection's slot may be lost: it is taken again next time
    return metadata;
  }

  @Override
  public ResultMetadata metadata(ResultSetMetaData real) throws SQLException {
    List<Object> key = PgFieldKeys.key(real);
    if (key == null) {
      return ResultMetadata.capture(real);
    }
    ResultMetadata shared = sharedMetadata.getIfPresent(key);
    if (shared == null) {
      shared = ResultMetadata.capture(real);
      try {
        // codecs chosen once per column set, and the snapshot held once, not once per cached result
        shared.share(this);
      } catch (dev.cachet.cache.NotCacheableValueException e) {
        // a column whose values are never cached (xml, refcursor): the snapshot still serves the metadata
      }
      sharedMetadata.put(key, shared);
    }
    return shared;
  }

  @Override
  public ColumnCodec codec(ColumnMetadata column) throws SQLException {
    String typeName = column.typeName() == null ? "" : column.typeName().toLowerCase(Locale.ROOT);
    PgJdbcCodec.Kind kind = KINDS.get(typeName);
    if (kind == null) {
      kind = column.type() == Types.ARRAY || typeName.startsWith("_") ? PgJdbcCodec.Kind.ARRAY
          : PgJdbcCodec.Kind.OTHER;
    }
    if (kind == PgJdbcCodec.Kind.OTHER && (column.type() == Types.SQLXML || typeName.equals("refcursor"))) {
      throw new dev.cachet.cache.NotCacheableValueException(typeName + " values are bound to their connection");
    }
    return new PgJdbcCodec(kind, typeName, column.type());
  }

  @Override
  public SQLException closed() {
    return PgErrors.of("This ResultSet is closed.", PgErrors.OBJECT_NOT_IN_STATE);
  }

  @Override
  public SQLException noCurrentRow() {
    return PgErrors.of("ResultSet not positioned properly, perhaps you need to call next.",
        PgErrors.INVALID_CURSOR_STATE);
  }

  @Override
  public SQLException invalidColumnIndex(int index, int columnCount) {
    return PgErrors.of("The column index is out of range: " + index + ", number of columns: " + columnCount + ".",
        PgErrors.INVALID_PARAMETER_VALUE);
  }

  @Override
  public SQLException columnNotFound(String label) {
    return PgErrors.of("The column name " + label + " was not found in this ResultSet.", PgErrors.UNDEFINED_COLUMN);
  }

  @Override
  public SQLException notScrollable() {
    return PgErrors.of("Operation requires a scrollable ResultSet, but this ResultSet is FORWARD_ONLY.",
        PgErrors.INVALID_CURSOR_STATE);
  }

  @Override
  public String toString() {
    return "PgJdbcProfile";
  }
}
