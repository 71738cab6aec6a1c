package dev.cachet.driver;

import dev.cachet.driver.settings.SettingValues;
import dev.cachet.driver.settings.SettingsFile;
import dev.cachet.driver.settings.Durations;
import dev.cachet.driver.settings.Sizes;
import dev.cachet.driver.settings.SharedSettings;
import dev.cachet.cache.shared.EncryptionKey;
import dev.cachet.cache.shared.SharedTierSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Cachet's effective settings for one connection: immutable, resolved from four sources, strongest first — the
 * {@code Properties} given to {@code connect}, the URL's own parameters, system properties, and a
 * {@code cachet.properties} file on the class path (DESIGN §3).
 *
 * <p>Every setting is named {@code cachet.*} and matched case-insensitively. A bad value, and an unknown
 * {@code cachet.*} name (a typo silently ignored would leave a cache configured differently from what its operator
 * believes) in the connect properties, the URL or the settings file, fail resolution with an {@link SQLNonTransientConnectionException} of SQLState {@value #SQL_STATE}
 * whose message names the setting, its source, the bad value and what it accepts: the connection cannot be made, and
 * retrying without fixing the configuration will not help — exactly what that JDBC exception class says. System
 * properties are shared with every tool in the JVM, so an unknown {@code cachet.*} name there is logged once as a
 * warning and ignored; a bad value of a known setting there still fails.
 *
 * <p>{@link #all()} lists every setting with its default; {@code docs/configuration.md} is written from it.
 */
public final class CachetSettings {

    /** SQLState of every settings error: "SQL client unable to establish SQL connection". */
    public static final String SQL_STATE = "08001";

    /** Prefix of every Cachet setting name. */
    public static final String PREFIX = "cachet.";

    public static final String ENABLED = "cachet.enabled";
    public static final String TTL = "cachet.ttl";
    public static final String TABLE_TTL = "cachet.ttl.<table>";
    public static final String ADAPTIVE = "cachet.adaptive";
    public static final String ADMISSION = "cachet.admission";
    public static final String MAX_BYTES = "cachet.maxBytes";
    public static final String MAX_ROWS_PER_ENTRY = "cachet.maxRowsPerEntry";
    public static final String MAX_BYTES_PER_ENTRY = "cachet.maxBytesPerEntry";
    public static final String DETERMINISTIC_FUNCTIONS = "cachet.deterministicFunctions";
    public static final String READ_ONLY_FUNCTIONS = "cachet.readOnlyFunctions";
    public static final String DEPENDENCIES = "cachet.dependencies";
    public static final String REPLICAS = "cachet.replicas";
    public static final String READ_STRATEGY = "cachet.readStrategy";
    public static final String MAX_REPLICA_LAG = "cachet.maxReplicaLag";
    public static final String CLUSTER = "cachet.cluster";
    public static final String IN_FLIGHT_WAIT = "cachet.inFlightWait";
    public static final String TRANSACTION_BLOCK_TIMEOUT = "cachet.transactionBlockTimeout";
    public static final String CONNECT_TIMEOUT = "cachet.connectTimeout";
    public static final String SOCKET_TIMEOUT = "cachet.socketTimeout";
    public static final String PROBE_USER = "cachet.probe.user";
    public static final String PROBE_PASSWORD = "cachet.probe.password";
    public static final String PARSE_BUDGET = "cachet.parseBudget";
    public static final String SHARED_URI = "cachet.shared.uri";
    public static final String SHARED_MODE = "cachet.shared.mode";
    public static final String SHARED_CONSISTENCY = "cachet.shared.consistency";
    public static final String SHARED_TIMEOUT = "cachet.shared.timeout";
    public static final String SHARED_MAX_ENTRY_BYTES = "cachet.shared.maxEntryBytes";
    public static final String SHARED_ENCRYPTION_KEY = "cachet.shared.encryptionKey";
    public static final String SHARED_USER = "cachet.shared.user";
    public static final String SHARED_PASSWORD = "cachet.shared.password";
    public static final String SHARED_TRUSTED_CERTIFICATES = "cachet.shared.trustedCertificates";

    private static final String TABLE_TTL_PREFIX = "cachet.ttl.";
    /**
     * Names under {@code cachet.agent.} belong to the Java agent (docs/agent.md), which reads them from its arguments,
     * system properties and {@code cachet.properties}; in those two shared sources they are neither settings nor
     * unknown names. In the URL or the connection properties they mean nothing and are reported as unknown.
     */
    public static final String AGENT_PREFIX = "cachet.agent.";
    private static final Logger LOG = LoggerFactory.getLogger(CachetSettings.class);
    /** Messages already logged, so a shared source's stray name is reported once, not on every connect. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    private static final String NAMES = "a comma-separated list of function names, e.g. my_tax,app.fmt_price";

    /** One setting: its description and how a value is applied to a {@link Builder}. */
    private static final class Setting {
        final SettingDescriptor descriptor;
        final BiConsumer<Builder, String> apply;

        Setting(SettingDescriptor descriptor, BiConsumer<Builder, String> apply) {
            this.descriptor = descriptor;
            this.apply = apply;
        }
    }

    private static final List<Setting> SETTINGS = List.of(
            setting(ENABLED, "true", "true or false", List.of("true", "false"),
                    "Turns result caching on or off. When off, every statement runs on the database as if Cachet"
                            + " were not there (routing still applies).",
                    (b, v) -> b.enabled = SettingValues.parseBoolean(v)),
            setting(TTL, "60s", Durations.ACCEPTS, List.of(),
                    "How long a cached result may be served. Bounds how stale a result can be after a write made"
                            + " around Cachet (another JVM, a migration script); 0 caches nothing.",
                    (b, v) -> b.ttl = Durations.parse(v)),
            setting(TABLE_TTL, "", Durations.ACCEPTS, List.of(),
                    "Per-table TTL for results that read the table (the shortest TTL of the tables read wins);"
                            + " 0 means results reading the table are never cached. The table name is unqualified"
                            + " and case-insensitive, e.g. cachet.ttl.exchange_rates=5s.",
                    null),
            setting(ADAPTIVE, "true", "true or false", List.of("true", "false"),
                    "Lets Cachet stop caching a table by itself while caching it costs more than it saves: most of"
                            + " its results are invalidated by writes before anyone reads them. Such a table's reads"
                            + " run on the database (reason WRITE_HOT) and caching is tried again later. A table with"
                            + " its own cachet.ttl.<table> is never switched off.",
                    (b, v) -> b.adaptive = SettingValues.parseBoolean(v)),
            setting(ADMISSION, "adaptive", "adaptive or always", List.of("adaptive", "always"),
                    "Which misses fill the cache. adaptive: a statement whose filled results are almost never read"
                            + " again stores a result only on the second read of its key (the first runs on the"
                            + " database as if the cache were off), until its keys are re-read again. always:"
                            + " every miss fills. With a shared tier every miss fills.",
                    (b, v) -> b.adaptiveAdmission = parseAdmission(v)),
            setting(MAX_BYTES, "64MB", Sizes.ACCEPTS, List.of(),
                    "Upper bound of the memory held by the cluster's cached results, as estimated per entry.",
                    (b, v) -> b.maxBytes = positiveSize(v)),
            setting(MAX_ROWS_PER_ENTRY, "10000", "a whole number from 1", List.of(),
                    "Results with more rows are not cached; their rows simply stream to the application.",
                    (b, v) -> b.maxRowsPerEntry = SettingValues.parsePositiveInt(v)),
            setting(MAX_BYTES_PER_ENTRY, "1MB", Sizes.ACCEPTS + ", at most cachet.maxBytes", List.of(),
                    "Results larger than this are not cached; their rows simply stream to the application.",
                    (b, v) -> b.maxBytesPerEntry = positiveSize(v)),
            setting(DETERMINISTIC_FUNCTIONS, "", NAMES, List.of(),
                    "User-defined functions that return the same result for the same arguments and write nothing:"
                            + " queries calling them may be cached.",
                    (b, v) -> b.deterministicFunctions = SettingValues.parseNames(v)),
            setting(READ_ONLY_FUNCTIONS, "", NAMES, List.of(),
                    "User-defined functions that write nothing but are not deterministic: queries calling them are"
                            + " not cached, but no longer count as writes to every table.",
                    (b, v) -> b.readOnlyFunctions = SettingValues.parseNames(v)),
            setting(DEPENDENCIES, "",
                    "comma-separated table:table edges, e.g. orders:order_audit; table:* means every table",
                    List.of(),
                    "Extra hidden-write edges: a write to the first table also changes the second (e.g. what a"
                            + " trigger writes). A table listed here is trusted to write only what is listed, even"
                            + " when it has triggers.",
                    (b, v) -> b.dependencies = SettingValues.parseDependencies(v)),
            setting(REPLICAS, "", "comma-separated host:port items, e.g. replica1:5432,[::1]:5433", List.of(),
                    "Read replicas of the primary in the URL: same database, credentials and parameters. Empty:"
                            + " every statement goes to the primary.",
                    (b, v) -> b.replicas = SettingValues.parseHosts(v)),
            setting(READ_STRATEGY, ReadStrategy.ROUND_ROBIN.settingValue(),
                    "one of " + String.join(", ", choices(ReadStrategy.class)), choices(ReadStrategy.class),
                    "How an autocommit read picks among the healthy replicas.",
                    (b, v) -> b.readStrategy = SettingValues.parseEnum(ReadStrategy.class, v,
                            choices(ReadStrategy.class))),
            setting(MAX_REPLICA_LAG, "5s", Durations.ACCEPTS + ", more than 0", List.of(),
                    "A replica further behind the primary than this leaves the rotation until it catches up.",
                    (b, v) -> b.maxReplicaLag = positiveDuration(v)),
            setting(CLUSTER, "", "any text", List.of(),
                    "The cluster's id: connections with the same id share one cache. Default: derived from the"
                            + " dialect, the primary and replica hosts and the database.",
                    (b, v) -> b.cluster = v.trim().isEmpty() ? null : v.trim()),
            setting(IN_FLIGHT_WAIT, "5s", Durations.ACCEPTS, List.of(),
                    "How long concurrent misses of one query wait for the first to fill the cache before running"
                            + " their own; 0 never waits.",
                    (b, v) -> b.inFlightWait = Durations.parse(v)),
            setting(TRANSACTION_BLOCK_TIMEOUT, "10m", Durations.ACCEPTS + ", more than 0", List.of(),
                    "While a transaction that wrote a table is open, nobody fills the cache for that table; this"
                            + " bounds the block when a connection is leaked with its transaction open.",
                    (b, v) -> b.transactionBlockTimeout = positiveDuration(v)),
            setting(CONNECT_TIMEOUT, "10s", Durations.ACCEPTS + ", more than 0", List.of(),
                    "Timeout for opening a physical connection to the primary or a replica.",
                    (b, v) -> b.connectTimeout = positiveDuration(v)),
            setting(SOCKET_TIMEOUT, "5m", Durations.ACCEPTS + ", more than 0", List.of(),
                    "Read timeout on physical connections: how long a silent server can hold a statement before"
                            + " the connection is considered dead. Raise it for reports that run longer.",
                    (b, v) -> b.socketTimeout = positiveDuration(v)),
            setting(PROBE_USER, "", "a database user name", List.of(),
                    "The user of the cluster's own connections (replica poller, primary search, catalog reads)."
                            + " Empty: the credentials of the cluster's first connection. Never used for an"
                            + " application statement.",
                    (b, v) -> b.probeUser = v.trim().isEmpty() ? null : v.trim()),
            setting(PROBE_PASSWORD, "", "the password of cachet.probe.user", List.of(),
                    "The password of cachet.probe.user; never logged.",
                    (b, v) -> b.probePassword = v.isEmpty() ? null : v),
            setting(PARSE_BUDGET, "250ms", Durations.ACCEPTS + ", more than 0", List.of(),
                    "How long the first execution of a statement waits for its analysis. A parse past it goes on"
                            + " in the background (up to 2 s or the budget) and meanwhile the statement runs"
                            + " uncached on the primary, counting as a write to every table.",
                    (b, v) -> b.parseBudget = positiveDuration(v)),
            setting(SHARED_URI, "", "Lettuce URIs, comma-separated, e.g. redis://cache-1:6379,redis://cache-2:6379"
                            + " (rediss:// for TLS; user and password may be in the URI)", List.of(),
                    "The shared tier on Redis (docs/shared-tier.md): instances of the application with the same"
                            + " cluster id share their cached results and see each other's writes. Empty: no shared"
                            + " tier, each JVM caches on its own. In standalone mode several URIs are a primary and"
                            + " its replicas; in cluster mode they are seeds.",
                    (b, v) -> b.sharedUri = v.trim().isEmpty() ? null : SharedSettings.uri(v)),
            setting(SHARED_MODE, "standalone", "standalone or cluster", List.of("standalone", "cluster"),
                    "How Redis is deployed: one node or a primary with replicas (standalone), or Redis Cluster"
                            + " (cluster).",
                    (b, v) -> b.sharedMode = SettingValues.parseEnum(SharedTierSettings.Mode.class, v,
                            List.of("standalone", "cluster"))),
            setting(SHARED_CONSISTENCY, "strict", "strict or broadcast", List.of("strict", "broadcast"),
                    "strict: every hit is checked against the table versions in Redis, so a read that starts after"
                            + " another instance's write committed never sees older data. broadcast: in-process hits"
                            + " trust the invalidation messages (no Redis round trip per hit; stale for as long as a"
                            + " message takes to arrive).",
                    (b, v) -> b.sharedConsistency = SettingValues.parseEnum(SharedTierSettings.Consistency.class,
                            v, List.of("strict", "broadcast"))),
            setting(SHARED_TIMEOUT, "100ms", Durations.ACCEPTS + ", more than 0", List.of(),
                    "The longest a Redis call may hold up a statement; past it Cachet answers from the in-process"
                            + " tier or the database and retries Redis in the background.",
                    (b, v) -> b.sharedTimeout = positiveDuration(v)),
            setting(SHARED_MAX_ENTRY_BYTES, "1MB", Sizes.ACCEPTS + ", from 64 bytes to 1GB", List.of(),
                    "Encoded results larger than this are kept in process only, and read from Redis as misses.",
                    (b, v) -> b.sharedMaxEntryBytes = SharedSettings.entryBytes(v)),
            setting(SHARED_ENCRYPTION_KEY, "", "the path of a file holding an AES key (16, 24 or 32 bytes,"
                            + " base64), or env:NAME for an environment variable holding it", List.of(),
                    "Encrypts and authenticates every value Cachet writes to Redis (AES-GCM); values written under"
                            + " another key are never served. The key itself is never logged. Empty: values are"
                            + " stored in clear, with a checksum.",
                    (b, v) -> {
                        b.sharedEncryptionKeySource = v.trim().isEmpty() ? null : v.trim();
                        b.sharedEncryptionKey = v.trim().isEmpty() ? null : SharedSettings.key(v);
                    }),
            setting(SHARED_USER, "", "a Redis ACL user name", List.of(),
                    "The Redis user; overrides a user in cachet.shared.uri.",
                    (b, v) -> b.sharedUser = v.trim().isEmpty() ? null : v.trim()),
            setting(SHARED_PASSWORD, "", "the password of cachet.shared.user", List.of(),
                    "The Redis password; overrides one in cachet.shared.uri. Never logged.",
                    (b, v) -> b.sharedPassword = v.isEmpty() ? null : v),
            setting(SHARED_TRUSTED_CERTIFICATES, "", "the path of a PEM file", List.of(),
                    "Certificates to trust for rediss:// (e.g. a private CA). Empty: the JVM's trust store.",
                    (b, v) -> b.sharedTrustedCertificates = v.trim().isEmpty() ? null : SharedSettings.pemFile(v)));

    private static final Map<String, Setting> BY_LOWER_NAME = new LinkedHashMap<>();
    private static final List<SettingDescriptor> DESCRIPTORS;
    private static final CachetSettings DEFAULTS = new Builder().build();

    static {
        List<SettingDescriptor> d = new ArrayList<>();
        for (Setting s : SETTINGS) {
            BY_LOWER_NAME.put(s.descriptor.name().toLowerCase(Locale.ROOT), s);
            d.add(s.descriptor);
        }
        DESCRIPTORS = List.copyOf(d);
    }

    private final boolean enabled;
    private final boolean adaptive;
    private final boolean adaptiveAdmission;
    private final Duration ttl;
    private final Map<String, Duration> tableTtls;
    private final long maxBytes;
    private final int maxRowsPerEntry;
    private final long maxBytesPerEntry;
    private final Set<String> deterministicFunctions;
    private final Set<String> readOnlyFunctions;
    private final Map<String, Set<String>> dependencies;
    private final List<String> replicas;
    private final ReadStrategy readStrategy;
    private final Duration maxReplicaLag;
    private final String cluster;
    private final Duration inFlightWait;
    private final Duration transactionBlockTimeout;
    private final Duration connectTimeout;
    private final Duration socketTimeout;
    private final String probeUser;
    private final String probePassword;
    private final Duration parseBudget;
    private final String sharedUri;
    private final SharedTierSettings.Mode sharedMode;
    private final SharedTierSettings.Consistency sharedConsistency;
    private final Duration sharedTimeout;
    private final int sharedMaxEntryBytes;
    private final String sharedEncryptionKeySource;
    private final EncryptionKey sharedEncryptionKey;
    private final String sharedUser;
    private final String sharedPassword;
    private final String sharedTrustedCertificates;

    private CachetSettings(Builder b) {
        enabled = b.enabled;
        adaptive = b.adaptive;
        adaptiveAdmission = b.adaptiveAdmission;
        ttl = b.ttl;
        tableTtls = Collections.unmodifiableMap(new TreeMap<>(b.tableTtls));
        maxBytes = b.maxBytes;
        maxRowsPerEntry = b.maxRowsPerEntry;
        maxBytesPerEntry = b.maxBytesPerEntry;
        deterministicFunctions = b.deterministicFunctions;
        readOnlyFunctions = b.readOnlyFunctions;
        dependencies = b.dependencies;
        replicas = b.replicas;
        readStrategy = b.readStrategy;
        maxReplicaLag = b.maxReplicaLag;
        cluster = b.cluster;
        inFlightWait = b.inFlightWait;
        transactionBlockTimeout = b.transactionBlockTimeout;
        connectTimeout = b.connectTimeout;
        socketTimeout = b.socketTimeout;
        probeUser = b.probeUser;
        probePassword = b.probePassword;
        parseBudget = b.parseBudget;
        sharedUri = b.sharedUri;
        sharedMode = b.sharedMode;
        sharedConsistency = b.sharedConsistency;
        sharedTimeout = b.sharedTimeout;
        sharedMaxEntryBytes = b.sharedMaxEntryBytes;
        sharedEncryptionKeySource = b.sharedEncryptionKeySource;
        sharedEncryptionKey = b.sharedEncryptionKey;
        sharedUser = b.sharedUser;
        sharedPassword = b.sharedPassword;
        sharedTrustedCertificates = b.sharedTrustedCertificates;
    }

    /** The settings when nothing is configured anywhere (ignores system properties and the settings file). */
    public static CachetSettings defaults() {
        return DEFAULTS;
    }

    /** Every setting, in documentation order. */
    public static List<SettingDescriptor> all() {
        return DESCRIPTORS;
    }

    /**
     * Resolves the settings for one {@code connect}: each {@code cachet.*} name takes its value from the strongest
     * source that has it — {@code connectProperties}, then {@code urlParameters} (as {@link CachetUrl#cachetParameters()}
     * returns them), then system properties, then {@code cachet.properties} on the class path.
     *
     * @param connectProperties may be null; keys not starting with {@code cachet.} are ignored (they are the real
     *                          driver's)
     * @param urlParameters     may be null
     * @throws SQLException (SQLState {@value #SQL_STATE}) on an unknown {@code cachet.*} name or a bad value, naming
     *                      the setting, where it came from, the value and what it accepts
     */
    public static CachetSettings resolve(Properties connectProperties, Map<String, String> urlParameters)
            throws SQLException {
        SettingsFile.Contents file = SettingsFile.load();
        Map<String, Source> winners = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        collect(file.values, "the settings file " + file.location, true, false, winners, errors);
        collect(stringEntries(System.getProperties()), "system properties", false, true, winners, errors);
        if (urlParameters != null) {
            collect(urlParameters, "the connection URL", false, false, winners, errors);
        }
        if (connectProperties != null) {
            collect(stringEntries(connectProperties), "the connection properties", false, false, winners, errors);
        }
        Builder b = new Builder();
        for (Map.Entry<String, Source> e : winners.entrySet()) {
            Source s = e.getValue();
            try {
                if (e.getKey().startsWith(TABLE_TTL_PREFIX)) {
                    b.tableTtls.put(e.getKey().substring(TABLE_TTL_PREFIX.length()), Durations.parse(s.value));
                } else {
                    BY_LOWER_NAME.get(e.getKey()).apply.accept(b, s.value);
                }
            } catch (IllegalArgumentException ex) {
                errors.add("Cachet setting " + s.writtenName + " from " + s.origin + " has a bad value: "
                        + ex.getMessage());
            }
        }
        if (errors.isEmpty() && b.maxBytesPerEntry > b.maxBytes) {
            errors.add("Cachet setting " + MAX_BYTES_PER_ENTRY + " (" + Sizes.format(b.maxBytesPerEntry)
                    + ") is larger than " + MAX_BYTES + " (" + Sizes.format(b.maxBytes) + "); it must be at most "
                    + MAX_BYTES);
        }
        if (!errors.isEmpty()) {
            throw new SQLNonTransientConnectionException(String.join("; ", errors), SQL_STATE);
        }
        return b.build();
    }

    /** A copy of {@code info} without its {@code cachet.*} keys, for the real driver; null gives an empty copy. */
    public static Properties stripCachetProperties(Properties info) {
        Properties copy = new Properties();
        if (info == null) {
            return copy;
        }
        for (Map.Entry<Object, Object> e : info.entrySet()) {
            if (!(e.getKey() instanceof String) || !isCachetName((String) e.getKey())) {
                copy.put(e.getKey(), e.getValue());
            }
        }
        for (String name : info.stringPropertyNames()) { // values held in the defaults
            if (!copy.containsKey(name) && !isCachetName(name)) {
                copy.setProperty(name, info.getProperty(name));
            }
        }
        return copy;
    }

    /** True when {@code name} starts with {@code cachet.}, in any case. */
    public static boolean isCachetName(String name) {
        return name != null && name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Whether result caching is on. */
    public boolean enabled() {
        return enabled;
    }

    /** Whether Cachet may stop caching a table where caching costs more than it saves ({@code cachet.adaptive}). */
    public boolean adaptive() {
        return adaptive;
    }

    /**
     * Whether a statement whose fills are almost never read again fills only on the second read of a key
     * ({@code cachet.admission=adaptive}, the default) or every miss fills ({@code always}).
     */
    public boolean adaptiveAdmission() {
        return adaptiveAdmission;
    }

    /** The default time a cached result may be served. */
    public Duration ttl() {
        return ttl;
    }

    /**
     * The TTL for results reading {@code canonicalTable} (already unqualified and lower-case): its
     * {@code cachet.ttl.<table>} when set, else {@link #ttl()}. {@link Duration#ZERO} means never cache.
     */
    public Duration ttlFor(String canonicalTable) {
        Duration d = tableTtls.get(canonicalTable);
        return d != null ? d : ttl;
    }

    /** The per-table TTLs that are set, by canonical table name. */
    public Map<String, Duration> tableTtls() {
        return tableTtls;
    }

    /** Bound of the cluster's cached bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Results with more rows are not cached. */
    public int maxRowsPerEntry() {
        return maxRowsPerEntry;
    }

    /** Results with more estimated bytes are not cached. */
    public long maxBytesPerEntry() {
        return maxBytesPerEntry;
    }

    /** Lower-case names of user functions declared deterministic. */
    public Set<String> deterministicFunctions() {
        return deterministicFunctions;
    }

    /** Lower-case names of user functions declared read-only. */
    public Set<String> readOnlyFunctions() {
        return readOnlyFunctions;
    }

    /** Configured hidden-write edges: a write to the key changes each value ({@code *} = every table). */
    public Map<String, Set<String>> dependencies() {
        return dependencies;
    }

    /** Replica {@code host:port} items as written; empty when none. */
    public List<String> replicas() {
        return replicas;
    }

    /** How reads pick a replica. */
    public ReadStrategy readStrategy() {
        return readStrategy;
    }

    /** A replica further behind leaves the rotation. */
    public Duration maxReplicaLag() {
        return maxReplicaLag;
    }

    /** The configured cluster id, or null when it is to be derived (ClusterId). */
    public String cluster() {
        return cluster;
    }

    /** How long a miss waits for a concurrent fill of the same key. */
    public Duration inFlightWait() {
        return inFlightWait;
    }

    /** Bound of a transaction's block on filling the tables it wrote. */
    public Duration transactionBlockTimeout() {
        return transactionBlockTimeout;
    }

    /** Timeout for opening physical connections. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Read timeout of physical connections. */
    public Duration socketTimeout() {
        return socketTimeout;
    }

    /** The user of the cluster's probe connections, or null for the first connection's credentials. */
    public String probeUser() {
        return probeUser;
    }

    /** The password of {@link #probeUser()}, or null. */
    public String probePassword() {
        return probePassword;
    }

    /** How long an execution waits for its statement's first analysis. */
    public Duration parseBudget() {
        return parseBudget;
    }

    /** The shared tier's Redis URIs ({@code cachet.shared.uri}), or null for no shared tier. */
    public String sharedUri() {
        return sharedUri;
    }

    /** How the shared tier's Redis is deployed. */
    public SharedTierSettings.Mode sharedMode() {
        return sharedMode;
    }

    /** What an in-process hit is checked against when there is a shared tier. */
    public SharedTierSettings.Consistency sharedConsistency() {
        return sharedConsistency;
    }

    /** The bound of every Redis call on a statement's path. */
    public Duration sharedTimeout() {
        return sharedTimeout;
    }

    /** The largest encoded entry written to or read from Redis. */
    public int sharedMaxEntryBytes() {
        return sharedMaxEntryBytes;
    }

    /** The AES key shared-tier values are encrypted with, or null. */
    public EncryptionKey sharedEncryptionKey() {
        return sharedEncryptionKey;
    }

    /** The Redis user ({@code cachet.shared.user}), or null for the URI's. */
    public String sharedUser() {
        return sharedUser;
    }

    /** The Redis password ({@code cachet.shared.password}), or null for the URI's. */
    public String sharedPassword() {
        return sharedPassword;
    }

    /** The PEM file of certificates to trust for {@code rediss://}, or null. */
    public String sharedTrustedCertificates() {
        return sharedTrustedCertificates;
    }

    /**
     * True when {@code other} asks for the same cluster-wide cache shape: everything but {@code cachet.enabled},
     * {@code cachet.cluster} and the per-connection timeouts. One cache exists per cluster (DESIGN §2); a later
     * connection with a different shape is warned about, see {@link #cacheShapeDifferences}.
     */
    public boolean sameCacheShape(CachetSettings other) {
        return cacheShapeDifferences(other).isEmpty();
    }

    /** Names of the cluster-wide settings whose values differ from {@code other}'s; empty when the shape is the same. */
    public List<String> cacheShapeDifferences(CachetSettings other) {
        List<String> diff = new ArrayList<>();
        differs(diff, TTL, ttl, other.ttl);
        differs(diff, TABLE_TTL, tableTtls, other.tableTtls);
        differs(diff, ADAPTIVE, adaptive, other.adaptive);
        differs(diff, ADMISSION, adaptiveAdmission, other.adaptiveAdmission);
        differs(diff, MAX_BYTES, maxBytes, other.maxBytes);
        differs(diff, MAX_ROWS_PER_ENTRY, maxRowsPerEntry, other.maxRowsPerEntry);
        differs(diff, MAX_BYTES_PER_ENTRY, maxBytesPerEntry, other.maxBytesPerEntry);
        differs(diff, DETERMINISTIC_FUNCTIONS, deterministicFunctions, other.deterministicFunctions);
        differs(diff, READ_ONLY_FUNCTIONS, readOnlyFunctions, other.readOnlyFunctions);
        differs(diff, DEPENDENCIES, dependencies, other.dependencies);
        differs(diff, REPLICAS, replicas, other.replicas);
        differs(diff, READ_STRATEGY, readStrategy, other.readStrategy);
        differs(diff, MAX_REPLICA_LAG, maxReplicaLag, other.maxReplicaLag);
        differs(diff, IN_FLIGHT_WAIT, inFlightWait, other.inFlightWait);
        differs(diff, TRANSACTION_BLOCK_TIMEOUT, transactionBlockTimeout, other.transactionBlockTimeout);
        differs(diff, PARSE_BUDGET, parseBudget, other.parseBudget);
        differs(diff, PROBE_USER, probeUser, other.probeUser);
        differs(diff, PROBE_PASSWORD, probePassword, other.probePassword);
        differs(diff, SHARED_URI, sharedUri, other.sharedUri);
        differs(diff, SHARED_MODE, sharedMode, other.sharedMode);
        differs(diff, SHARED_CONSISTENCY, sharedConsistency, other.sharedConsistency);
        differs(diff, SHARED_TIMEOUT, sharedTimeout, other.sharedTimeout);
        differs(diff, SHARED_MAX_ENTRY_BYTES, sharedMaxEntryBytes, other.sharedMaxEntryBytes);
        differs(diff, SHARED_ENCRYPTION_KEY, sharedEncryptionKeySource, other.sharedEncryptionKeySource);
        differs(diff, SHARED_USER, sharedUser, other.sharedUser);
        differs(diff, SHARED_PASSWORD, sharedPassword, other.sharedPassword);
        differs(diff, SHARED_TRUSTED_CERTIFICATES, sharedTrustedCertificates, other.sharedTrustedCertificates);
        return diff;
    }

    private static void differs(List<String> diff, String name, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            diff.add(name);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CachetSettings)) {
            return false;
        }
        CachetSettings s = (CachetSettings) o;
        return sameCacheShape(s) && enabled == s.enabled && Objects.equals(cluster, s.cluster)
                && connectTimeout.equals(s.connectTimeout) && socketTimeout.equals(s.socketTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ttl, maxBytes, maxRowsPerEntry, cluster, replicas);
    }

    /** The settings in {@code name=value} form, one per setting (per-table TTLs included). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CachetSettings{");
        sb.append(ENABLED).append('=').append(enabled)
                .append(", ").append(TTL).append('=').append(Durations.format(ttl));
        tableTtls.forEach((t, d) -> sb.append(", ").append(TABLE_TTL_PREFIX).append(t).append('=')
                .append(Durations.format(d)));
        sb.append(", ").append(ADAPTIVE).append('=').append(adaptive);
        sb.append(", ").append(ADMISSION).append('=').append(adaptiveAdmission ? "adaptive" : "always");
        sb.append(", ").append(MAX_BYTES).append('=').append(Sizes.format(maxBytes))
                .append(", ").append(MAX_ROWS_PER_ENTRY).append('=').append(maxRowsPerEntry)
                .append(", ").append(MAX_BYTES_PER_ENTRY).append('=').append(Sizes.format(maxBytesPerEntry))
                .append(", ").append(DETERMINISTIC_FUNCTIONS).append('=').append(String.join(",", deterministicFunctions))
                .append(", ").append(READ_ONLY_FUNCTIONS).append('=').append(String.join(",", readOnlyFunctions))
                .append(", ").append(DEPENDENCIES).append('=').append(dependencies)
                .append(", ").append(REPLICAS).append('=').append(String.join(",", replicas))
                .append(", ").append(READ_STRATEGY).append('=').append(readStrategy.settingValue())
                .append(", ").append(MAX_REPLICA_LAG).append('=').append(Durations.format(maxReplicaLag))
                .append(", ").append(CLUSTER).append('=').append(cluster == null ? "" : cluster)
                .append(", ").append(IN_FLIGHT_WAIT).append('=').append(Durations.format(inFlightWait))
                .append(", ").append(TRANSACTION_BLOCK_TIMEOUT).append('=')
                .append(Durations.format(transactionBlockTimeout))
                .append(", ").append(CONNECT_TIMEOUT).append('=').append(Durations.format(connectTimeout))
                .append(", ").append(SOCKET_TIMEOUT).append('=').append(Durations.format(socketTimeout))
                .append(", ").append(PROBE_USER).append('=').append(probeUser == null ? "" : probeUser)
                .append(", ").append(PROBE_PASSWORD).append('=').append(probePassword == null ? "" : "(set)")
                .append(", ").append(PARSE_BUDGET).append('=').append(Durations.format(parseBudget))
                .append(", ").append(SHARED_URI).append('=').append(sharedUri == null ? ""
                        : SharedSettings.redacted(sharedUri))
                .append(", ").append(SHARED_MODE).append('=').append(sharedMode.name().toLowerCase(Locale.ROOT))
                .append(", ").append(SHARED_CONSISTENCY).append('=')
                .append(sharedConsistency.name().toLowerCase(Locale.ROOT))
                .append(", ").append(SHARED_TIMEOUT).append('=').append(Durations.format(sharedTimeout))
                .append(", ").append(SHARED_MAX_ENTRY_BYTES).append('=').append(Sizes.format(sharedMaxEntryBytes))
                .append(", ").append(SHARED_ENCRYPTION_KEY).append('=')
                .append(sharedEncryptionKeySource == null ? "" : sharedEncryptionKeySource)
                .append(", ").append(SHARED_USER).append('=').append(sharedUser == null ? "" : sharedUser)
                .append(", ").append(SHARED_PASSWORD).append('=').append(sharedPassword == null ? "" : "(set)")
                .append(", ").append(SHARED_TRUSTED_CERTIFICATES).append('=')
                .append(sharedTrustedCertificates == null ? "" : sharedTrustedCertificates)
                .append('}');
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** A value and where it came from, for error messages. */
    private static final class Source {
        final String writtenName;
        final String value;
        final String origin;

        Source(String writtenName, String value, String origin) {
            this.writtenName = writtenName;
            this.value = value;
            this.origin = origin;
        }
    }

    /**
     * @param allKeysAreOurs every key must be a Cachet setting (the settings file)
     * @param shared         the source is shared with everything else in the JVM (system properties): an unknown
     *                       {@code cachet.*} name there may belong to a build or test tool, so it is logged once and
     *                       skipped rather than failing every connection
     */
    private static void collect(Map<String, String> entries, String origin, boolean allKeysAreOurs, boolean shared,
                                Map<String, Source> winners, List<String> errors) {
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String written = e.getKey();
            String name = written.trim();
            if (!isCachetName(name)) {
                if (allKeysAreOurs) {
                    errors.add("Unknown Cachet setting " + written + " in " + origin + suggestion(PREFIX + name));
                }
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if ((allKeysAreOurs || shared) && lower.startsWith(AGENT_PREFIX)) {
                continue; // the agent's own settings (cachet.agent.include / exclude): read by the agent, not here
            }
            String key;
            if (BY_LOWER_NAME.containsKey(lower) && !lower.equals(TABLE_TTL.toLowerCase(Locale.ROOT))) {
                key = lower;
            } else if (lower.startsWith(TABLE_TTL_PREFIX)) {
                String table = name.substring(TABLE_TTL_PREFIX.length()).trim();
                try {
                    key = TABLE_TTL_PREFIX + SettingValues.canonicalTable(table, name);
                } catch (IllegalArgumentException ex) {
                    report(shared, errors, "Cachet setting " + written + " from " + origin
                            + " does not name a table; expected cachet.ttl.<table>, e.g. cachet.ttl.orders");
                    continue;
                }
            } else {
                report(shared, errors, "Unknown Cachet setting " + written + " in " + origin + suggestion(name));
                continue;
            }
            winners.put(key, new Source(written, e.getValue() == null ? "" : e.getValue(), origin));
        }
    }

    private static void report(boolean shared, List<String> errors, String message) {
        if (!shared) {
            errors.add(message);
        } else if (WARNED.add(message)) {
            LOG.warn("{}; ignored", message);
        }
    }

    private static Map<String, String> stringEntries(Properties p) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (isCachetName(name.trim())) {
                m.put(name, p.getProperty(name));
            }
        }
        return m;
    }

    /** " (did you mean cachet.ttl?)" for a close name, else the list of names. */
    static String suggestion(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (SettingDescriptor d : DESCRIPTORS) {
            String candidate = d.isPerTable() ? TTL : d.name();
            int distance = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        if (best != null && bestDistance <= Math.max(2, best.length() / 4)) {
            return " (did you mean " + best + "?)";
        }
        List<String> names = new ArrayList<>();
        for (SettingDescriptor d : DESCRIPTORS) {
            names.add(d.name());
        }
        return "; known settings: " + String.join(", ", names);
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static long positiveSize(String v) {
        long bytes = Sizes.parse(v);
        if (bytes < 1) {
            throw new IllegalArgumentException("'" + v + "' must be more than 0; expected " + Sizes.ACCEPTS);
        }
        return bytes;
    }

    private static Duration positiveDuration(String v) {
        Duration d = Durations.parse(v);
        if (d.isZero()) {
            throw new IllegalArgumentException("'" + v + "' must be more than 0; expected " + Durations.ACCEPTS);
        }
        return d;
    }

    private static boolean parseAdmission(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.equals("adaptive") || s.equals("always")) {
            return s.equals("adaptive");
        }
        throw new IllegalArgumentException("'" + v + "' is not one of adaptive, always");
    }

    private static <E extends Enum<E>> List<String> choices(Class<E> type) {
        List<String> c = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            c.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return c;
    }

    private static Setting setting(String name, String defaultValue, String accepts, List<String> choices,
                                   String description, BiConsumer<Builder, String> apply) {
        return new Setting(new SettingDescriptor(name, defaultValue, accepts, description, choices), apply);
    }

    /** Mutable state while resolving; the defaults here are the documented ones (see {@link #all()}). */
    private static final class Builder {
        boolean enabled = true;
        boolean adaptive = true;
        boolean adaptiveAdmission = true;
        Duration ttl = Duration.ofSeconds(60);
        final Map<String, Duration> tableTtls = new LinkedHashMap<>();
        long maxBytes = 64L << 20;
        int maxRowsPerEntry = 10_000;
        long maxBytesPerEntry = 1L << 20;
        Set<String> deterministicFunctions = Set.of();
        Set<String> readOnlyFunctions = Set.of();
        Map<String, Set<String>> dependencies = Map.of();
        List<String> replicas = List.of();
        ReadStrategy readStrategy = ReadStrategy.ROUND_ROBIN;
        Duration maxReplicaLag = Duration.ofSeconds(5);
        String cluster;
        Duration inFlightWait = Duration.ofSeconds(5);
        Duration transactionBlockTimeout = Duration.ofMinutes(10);
        Duration connectTimeout = Duration.ofSeconds(10);
        Duration socketTimeout = Duration.ofMinutes(5);
        String probeUser;
        String probePassword;
        Duration parseBudget = Duration.ofMillis(250);
        String sharedUri;
        SharedTierSettings.Mode sharedMode = SharedTierSettings.Mode.STANDALONE;
        SharedTierSettings.Consistency sharedConsistency = SharedTierSettings.Consistency.STRICT;
        Duration sharedTimeout = Duration.ofMillis(100);
        int sharedMaxEntryBytes = 1 << 20;
        String sharedEncryptionKeySource;
        EncryptionKey sharedEncryptionKey;
        String sharedUser;
        String sharedPassword;
        String sharedTrustedCertificates;

        CachetSettings build() {
            return new CachetSettings(this);
        }
    }
}
