package dev.cachet.spring;

import dev.cachet.cache.shared.SharedTierSettings;
import dev.cachet.driver.ReadStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Cachet's settings bound from {@code application.properties} / YAML ({@code cachet.*}, relaxed names such as
 * {@code cachet.max-bytes}). Each one is the Cachet setting of the same name (docs/configuration.md); unset ones keep
 * Cachet's own resolution (system properties, {@code cachet.properties}, defaults). Per-table TTLs are written as in
 * Cachet, {@code cachet.ttl.<table>=5s}, and read from the environment by the auto-configuration.
 */
@ConfigurationProperties(prefix = "cachet")
public class CachetProperties {

    /**
     * Whether the starter wraps the application's DataSources, binds meters and the endpoint. With false the starter
     * does nothing; a jdbc:cachet: URL still goes through Cachet's driver.
     */
    private boolean enabled = true;

    /** How long a cached result may be served (cachet.ttl, default 60s); 0 caches nothing. */
    private Duration ttl;

    /**
     * Whether Cachet may stop caching a table where caching costs more than it saves (cachet.adaptive, default true);
     * a table with its own cachet.ttl.<table> is never switched off.
     */
    private Boolean adaptive;

    /**
     * Which misses fill the cache (cachet.admission, default adaptive): adaptive fills a statement whose results are
     * almost never read again only on the second read of a key; always fills every miss.
     */
    private String admission;

    /** Upper bound of the memory held by each cluster's cached results (cachet.maxBytes, default 64MB). */
    private DataSize maxBytes;

    /** Results with more rows are not cached (cachet.maxRowsPerEntry, default 10000). */
    private Integer maxRowsPerEntry;

    /** Results estimated larger are not cached (cachet.maxBytesPerEntry, default 1MB). */
    private DataSize maxBytesPerEntry;

    /** User-defined functions that return the same result for the same arguments and write nothing. */
    private List<String> deterministicFunctions;

    /** User-defined functions that write nothing but are not deterministic. */
    private List<String> readOnlyFunctions;

    /** Extra hidden-write edges, "a:b" meaning a write to table a also changes table b. */
    private List<String> dependencies;

    /** Read replicas of the primary in the URL, as host:port items. */
    private List<String> replicas;

    /** How an autocommit read picks among the healthy replicas (default round-robin). */
    private ReadStrategy readStrategy;

    /** A replica further behind the primary leaves the rotation (cachet.maxReplicaLag, default 5s). */
    private Duration maxReplicaLag;

    /** The cluster id: connections with the same id share one cache. Default: derived from hosts and database. */
    private String cluster;

    /** How long concurrent misses of one query wait for the first (cachet.inFlightWait, default 5s). */
    private Duration inFlightWait;

    /** Bound of a leaked transaction's block on filling the tables it wrote (default 10m). */
    private Duration transactionBlockTimeout;

    /** Timeout for opening a physical connection to the primary or a replica (default 10s). */
    private Duration connectTimeout;

    /** Read timeout of physical connections (default 5m). */
    private Duration socketTimeout;

    /** How long an execution waits for its statement's first analysis (cachet.parseBudget, default 250ms). */
    private Duration parseBudget;

    /** The user of the cluster's own probe and catalog connections (cachet.probe.*). */
    private final Probe probe = new Probe();

    /** {@code cachet.probe.user} and {@code cachet.probe.password}. */
    public static class Probe {

        /** The user of the cluster's own connections (replica poller, primary search, catalog reads). */
        private String user;

        /** The password of cachet.probe.user; never logged. */
        private String password;

        public String getUser() {
            return user;
        }

        public void setUser(String user) {
            this.user = user;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
    }

    public Probe getProbe() {
        return probe;
    }

    /** The shared tier on Redis (cachet.shared.*, docs/shared-tier.md). */
    private final Shared shared = new Shared();

    /** {@code cachet.shared.*}: the shared tier on Redis. */
    public static class Shared {

        /** Redis URIs, comma-separated (redis:// or rediss:// for TLS). Unset: no shared tier. */
        private String uri;

        /** How Redis is deployed: standalone (one node, or a primary with replicas) or cluster. */
        private SharedTierSettings.Mode mode;

        /** strict (every hit checked against Redis's versions, the default) or broadcast. */
        private SharedTierSettings.Consistency consistency;

        /** The longest a Redis call may hold up a statement (cachet.shared.timeout, default 100ms). */
        private Duration timeout;

        /** Encoded results larger than this stay in process (cachet.shared.maxEntryBytes, default 1MB). */
        private DataSize maxEntryBytes;

        /** An AES key file (base64), or env:NAME; values in Redis are then encrypted. The key is never logged. */
        private String encryptionKey;

        /** The Redis ACL user; overrides the URI's. */
        private String user;

        /** The Redis password; overrides the URI's. Never logged. */
        private String password;

        /** A PEM file of certificates to trust for rediss://. */
        private String trustedCertificates;

        public String getUri() {
            return uri;
        }

        public void setUri(String uri) {
            this.uri = uri;
        }

        public SharedTierSettings.Mode getMode() {
            return mode;
        }

        public void setMode(SharedTierSettings.Mode mode) {
            this.mode = mode;
        }

        public SharedTierSettings.Consistency getConsistency() {
            return consistency;
        }

        public void setConsistency(SharedTierSettings.Consistency consistency) {
            this.consistency = consistency;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public DataSize getMaxEntryBytes() {
            return maxEntryBytes;
        }

        public void setMaxEntryBytes(DataSize maxEntryBytes) {
            this.maxEntryBytes = maxEntryBytes;
        }

        public String getEncryptionKey() {
            return encryptionKey;
        }

        public void setEncryptionKey(String encryptionKey) {
            this.encryptionKey = encryptionKey;
        }

        public String getUser() {
            return user;
        }

        public void setUser(String user) {
            this.user = user;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getTrustedCertificates() {
            return trustedCertificates;
        }

        public void setTrustedCertificates(String trustedCertificates) {
            this.trustedCertificates = trustedCertificates;
        }
    }

    public Shared getShared() {
        return shared;
    }

    public Boolean getAdaptive() {
        return adaptive;
    }

    public void setAdaptive(Boolean adaptive) {
        this.adaptive = adaptive;
    }

    public String getAdmission() {
        return admission;
    }

    public void setAdmission(String admission) {
        this.admission = admission;
    }

    public Duration getParseBudget() {
        return parseBudget;
    }

    public void setParseBudget(Duration parseBudget) {
        this.parseBudget = parseBudget;
    }

    /**
     * The settings given here, as Cachet connection properties ({@code cachet.ttl=30000ms}, ...), plus
     * {@code tableTtls} as {@code cachet.ttl.<table>}.
     */
    public Properties toCachetProperties(Map<String, Duration> tableTtls) {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "cachet.ttl", ttl);
        put(m, "cachet.adaptive", adaptive);
        put(m, "cachet.admission", admission);
        put(m, "cachet.maxBytes", maxBytes);
        put(m, "cachet.maxRowsPerEntry", maxRowsPerEntry);
        put(m, "cachet.maxBytesPerEntry", maxBytesPerEntry);
        put(m, "cachet.deterministicFunctions", deterministicFunctions);
        put(m, "cachet.readOnlyFunctions", readOnlyFunctions);
        put(m, "cachet.dependencies", dependencies);
        put(m, "cachet.replicas", replicas);
        put(m, "cachet.readStrategy", readStrategy == null ? null : readStrategy.settingValue());
        put(m, "cachet.maxReplicaLag", maxReplicaLag);
        put(m, "cachet.cluster", cluster);
        put(m, "cachet.inFlightWait", inFlightWait);
        put(m, "cachet.transactionBlockTimeout", transactionBlockTimeout);
        put(m, "cachet.connectTimeout", connectTimeout);
        put(m, "cachet.socketTimeout", socketTimeout);
        put(m, "cachet.parseBudget", parseBudget);
        put(m, "cachet.probe.user", probe.getUser());
        put(m, "cachet.probe.password", probe.getPassword());
        put(m, "cachet.shared.uri", shared.getUri());
        put(m, "cachet.shared.mode", shared.getMode() == null ? null
                : shared.getMode().name().toLowerCase(Locale.ROOT));
        put(m, "cachet.shared.consistency", shared.getConsistency() == null ? null
                : shared.getConsistency().name().toLowerCase(Locale.ROOT));
        put(m, "cachet.shared.timeout", shared.getTimeout());
        put(m, "cachet.shared.maxEntryBytes", shared.getMaxEntryBytes());
        put(m, "cachet.shared.encryptionKey", shared.getEncryptionKey());
        put(m, "cachet.shared.user", shared.getUser());
        put(m, "cachet.shared.password", shared.getPassword());
        put(m, "cachet.shared.trustedCertificates", shared.getTrustedCertificates());
        tableTtls.forEach((table, d) -> put(m, "cachet.ttl." + table.toLowerCase(Locale.ROOT), d));
        Properties p = new Properties();
        p.putAll(m);
        return p;
    }

    private static void put(Map<String, String> m, String name, Object value) {
        if (value == null) {
            return;
        }
        String text;
        if (value instanceof Duration d) {
            text = d.toMillis() + "ms";
        } else if (value instanceof DataSize s) {
            text = Long.toString(s.toBytes());
        } else if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(item -> items.add(String.valueOf(item).trim()));
            text = String.join(",", items);
        } else {
            text = value.toString();
        }
        m.put(name, text);
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public DataSize getMaxBytes() {
        return maxBytes;
    }

    public void setMaxBytes(DataSize maxBytes) {
        this.maxBytes = maxBytes;
    }

    public Integer getMaxRowsPerEntry() {
        return maxRowsPerEntry;
    }

    public void setMaxRowsPerEntry(Integer maxRowsPerEntry) {
        this.maxRowsPerEntry = maxRowsPerEntry;
    }

    public DataSize getMaxBytesPerEntry() {
        return maxBytesPerEntry;
    }

    public void setMaxBytesPerEntry(DataSize maxBytesPerEntry) {
        this.maxBytesPerEntry = maxBytesPerEntry;
    }

    public List<String> getDeterministicFunctions() {
        return deterministicFunctions;
    }

    public void setDeterministicFunctions(List<String> deterministicFunctions) {
        this.deterministicFunctions = deterministicFunctions;
    }

    public List<String> getReadOnlyFunctions() {
        return readOnlyFunctions;
    }

    public void setReadOnlyFunctions(List<String> readOnlyFunctions) {
        this.readOnlyFunctions = readOnlyFunctions;
    }

    public List<String> getDependencies() {
        return dependencies;
    }

    public void setDependencies(List<String> dependencies) {
        this.dependencies = dependencies;
    }

    public List<String> getReplicas() {
        return replicas;
    }

    public void setReplicas(List<String> replicas) {
        this.replicas = replicas;
    }

    public ReadStrategy getReadStrategy() {
        return readStrategy;
    }

    public void setReadStrategy(ReadStrategy readStrategy) {
        this.readStrategy = readStrategy;
    }

    public Duration getMaxReplicaLag() {
        return maxReplicaLag;
    }

    public void setMaxReplicaLag(Duration maxReplicaLag) {
        this.maxReplicaLag = maxReplicaLag;
    }

    public String getCluster() {
        return cluster;
    }

    public void setCluster(String cluster) {
        this.cluster = cluster;
    }

    public Duration getInFlightWait() {
        return inFlightWait;
    }

    public void setInFlightWait(Duration inFlightWait) {
        this.inFlightWait = inFlightWait;
    }

    public Duration getTransactionBlockTimeout() {
        return transactionBlockTimeout;
    }

    public void setTransactionBlockTimeout(Duration transactionBlockTimeout) {
        this.transactionBlockTimeout = transactionBlockTimeout;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getSocketTimeout() {
        return socketTimeout;
    }

    public void setSocketTimeout(Duration socketTimeout) {
        this.socketTimeout = socketTimeout;
    }
}
