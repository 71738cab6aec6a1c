package dev.cachet.driver.profile;

import java.lang.reflect.Field;
import java.util.Calendar;
import java.util.TimeZone;
import java.util.function.Function;
import org.mariadb.jdbc.BasePreparedStatement;
import org.mariadb.jdbc.Configuration;
import org.mariadb.jdbc.HostAddress;
import org.mariadb.jdbc.client.ColumnDecoder;
import org.mariadb.jdbc.client.Context;
import org.mariadb.jdbc.client.ReadableByteBuf;
import org.mariadb.jdbc.client.ServerVersion;
import org.mariadb.jdbc.client.context.BaseContext;
import org.mariadb.jdbc.export.ExceptionFactory;
import org.mariadb.jdbc.export.Prepare;

/**
 * An immutable snapshot of a Connector/J connection context: what the connector's value decoders read (the
 * configuration, the server version and capabilities, the connection time zone), without the live connection. A
 * cached cell replayed through Connector/J uses this instead of the connection's own context, so a cache entry never
 * keeps a connection, its socket or its buffers reachable. Every setter is refused: decoding never changes a context.
 */
final class DetachedContext implements Context {

  private final long threadId;
  private final Boolean loopbackAddress;
  private final byte[] seed;
  private final long serverCapabilities;
  private final long clientCapabilities;
  private final int serverStatus;
  private final String database;
  private final ServerVersion version;
  private final boolean eofDeprecated;
  private final boolean skipMeta;
  private final Function<ReadableByteBuf, ColumnDecoder> columnDecoderFunction;
  private final Configuration conf;
  private final ExceptionFactory exceptionFactory;
  private final boolean canUseTransactionIsolation;
  private final Integer transactionIsolationLevel;
  private final String charset;
  private final TimeZone connectionTimeZone;

  private DetachedContext(Context live, long serverCapabilities, long clientCapabilities, HostAddress host) {
    this.threadId = live.getThreadId();
    this.loopbackAddress = live.isLoopbackAddress();
    this.seed = live.getSeed() == null ? null : live.getSeed().clone();
    this.serverCapabilities = serverCapabilities;
    this.clientCapabilities = clientCapabilities;
    this.serverStatus = live.getServerStatus();
    this.database = live.getDatabase();
    this.version = live.getVersion();
    this.eofDeprecated = live.isEofDeprecated();
    this.skipMeta = live.canSkipMeta();
    this.columnDecoderFunction = live.getColumnDecoderFunction();
    this.conf = live.getConf();
    this.exceptionFactory = new ExceptionFactory(conf, host);
    this.canUseTransactionIsolation = live.canUseTransactionIsolation();
    this.transactionIsolationLevel = live.getTransactionIsolationLevel();
    this.charset = live.getCharset();
    TimeZone zone = live.getConnectionTimeZone();
    this.connectionTimeZone = zone == null ? null : (TimeZone) zone.clone();
  }

  /**
   * A snapshot of {@code live}.
   *
   * @throws ReflectiveOperationException when the context is not Connector/J 3.5's {@code BaseContext}
   */
  static DetachedContext of(Context live) throws ReflectiveOperationException {
    if (!(live instanceof BaseContext)) {
      throw new ReflectiveOperationException("not a BaseContext: " + live.getClass().getName());
    }
    return new DetachedContext(live, (Long) Fields.SERVER_CAPABILITIES.get(live),
        (Long) Fields.CLIENT_CAPABILITIES.get(live), (HostAddress) Fields.HOST_ADDRESS.get(live));
  }

  /** The base context's fields without public getters, looked up once. */
  private static final class Fields {
    static final Field SERVER_CAPABILITIES = field("serverCapabilities");
    static final Field CLIENT_CAPABILITIES = field("clientCapabilities");
    static final Field HOST_ADDRESS = field("hostAddress");

    private static Field field(String name) {
      try {
        Field field = BaseContext.class.getDeclaredField(name);
        field.setAccessible(true);
        return field;
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Connector/J's BaseContext has no field " + name, e);
      }
    }
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("a detached connection context is read-only");
  }

  @Override
  public long getThreadId() {
    return threadId;
  }

  @Override
  public Boolean isLoopbackAddress() {
    return loopbackAddress;
  }

  @Override
  public void setThreadId(long connectionId) {
    throw readOnly();
  }

  @Override
  public Long getAutoIncrement() {
    return null;
  }

  @Override
  public void setAutoIncrement(long autoIncrement) {
    throw readOnly();
  }

  @Override
  public void setMaxscaleVersion(String maxscaleVersion) {
    throw readOnly();
  }

  @Override
  public String getMaxscaleVersion() {
    return null;
  }

  @Override
  public void setRedirectUrl(String redirectUrl) {
    throw readOnly();
  }

  @Override
  public String getRedirectUrl() {
    return null;
  }

  @Override
  public byte[] getSeed() {
    return seed == null ? null : seed.clone();
  }

  @Override
  public boolean hasServerCapability(long flag) {
    return (serverCapabilities & flag) > 0;
  }

  @Override
  public boolean hasClientCapability(long flag) {
    return (clientCapabilities & flag) > 0;
  }

  @Override
  public boolean permitPipeline() {
    return false;
  }

  @Override
  public int getServerStatus() {
    return serverStatus;
  }

  @Override
  public void setServerStatus(int serverStatus) {
    throw readOnly();
  }

  @Override
  public String getDatabase() {
    return database;
  }

  @Override
  public void setDatabase(String database) {
    throw readOnly();
  }

  @Override
  public ServerVersion getVersion() {
    return version;
  }

  @Override
  public boolean isEofDeprecated() {
    return eofDeprecated;
  }

  @Override
  public boolean canSkipMeta() {
    return skipMeta;
  }

  @Override
  public Function<ReadableByteBuf, ColumnDecoder> getColumnDecoderFunction() {
    return columnDecoderFunction;
  }

  @Override
  public int getWarning() {
    return 0;
  }

  @Override
  public void setWarning(int warning) {
    throw readOnly();
  }

  @Override
  public ExceptionFactory getExceptionFactory() {
    return exceptionFactory;
  }

  @Override
  public Configuration getConf() {
    return conf;
  }

  @Override
  public boolean canUseTransactionIsolation() {
    return canUseTransactionIsolation;
  }

  @Override
  public Integer getTransactionIsolationLevel() {
    return transactionIsolationLevel;
  }

  @Override
  public void setTransactionIsolationLevel(Integer transactionIsolationLevel) {
    throw readOnly();
  }

  @Override
  public Prepare getPrepareCacheCmd(String sql, BasePreparedStatement preparedStatement) {
    return null;
  }

  @Override
  public Prepare putPrepareCacheCmd(String sql, Prepare result, BasePreparedStatement preparedStatement) {
    throw readOnly();
  }

  @Override
  public void resetPrepareCache() {
    throw readOnly();
  }

  @Override
  public int getStateFlag() {
    return 0;
  }

  @Override
  public void resetStateFlag() {
    throw readOnly();
  }

  @Override
  public void addStateFlag(int state) {
    throw readOnly();
  }

  @Override
  public void setTreadsConnected(long threadsConnected) {
    throw readOnly();
  }

  @Override
  public String getCharset() {
    return charset;
  }

  @Override
  public void setCharset(String charset) {
    throw readOnly();
  }

  @Override
  public TimeZone getConnectionTimeZone() {
    return connectionTimeZone == null ? null : (TimeZone) connectionTimeZone.clone();
  }

  @Override
  public void setConnectionTimeZone(TimeZone connectionTimeZone) {
    throw readOnly();
  }

  /** As Connector/J's own context: the connection zone's calendar when instants are preserved, else the JVM's. */
  @Override
  public Calendar getDefaultCalendar() {
    return conf.preserveInstants() ? Calendar.getInstance(connectionTimeZone) : Calendar.getInstance();
  }
}
