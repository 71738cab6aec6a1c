package dev.cachet.cache.shared;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The shape of one {@link RedisSharedTier}: where Redis is and how to reach it, the consistency mode, the timeout
 * every Redis call is bounded by, the entry size cap, the optional encryption key, and the lease. Immutable; made
 * with {@link #builder(String, String)}. {@link #toString()} never shows the password or the key.
 *
 * <p>Defaults: mode {@code standalone}, consistency {@code strict}, timeout 100 ms, maxEntryBytes 1 MB, no
 * encryption, lease 5 s, lease wait 2 s, heartbeat every 1 s, entry reads from replicas when there are any.
 */
public final class SharedTierSettings {

    /** How Redis is deployed. */
    public enum Mode {
        /** One node, or one primary with replicas ("cluster mode disabled"). */
        STANDALONE,
        /** Redis Cluster ("cluster mode enabled"): slots spread over shards. */
        CLUSTER
    }

    /** What an in-process hit is checked against (DESIGN §10). */
    public enum Consistency {
        /** Every hit, in process or shared, is checked against the current versions in Redis. */
        STRICT,
        /** In-process hits trust the invalidation stream; shared hits are still checked. */
        BROADCAST
    }

    private final String cluster;
    private final String uri;
    private final Mode mode;
    private final Consistency consistency;
    private final Duration timeout;
    private final int maxEntryBytes;
    private final EncryptionKey encryptionKey;
    private final String user;
    private final String password;
    private final Path trustedCertificates;
    private final Duration leaseTime;
    private final Duration leaseWait;
    private final Duration heartbeat;
    private final boolean readFromReplicas;

    private SharedTierSettings(Builder b) {
        this.cluster = b.cluster;
        this.uri = b.uri;
        this.mode = b.mode;
        this.consistency = b.consistency;
        this.timeout = b.timeout;
        this.maxEntryBytes = b.maxEntryBytes;
        this.encryptionKey = b.encryptionKey;
        this.user = b.user;
        this.password = b.password;
        this.trustedCertificates = b.trustedCertificates;
        this.leaseTime = b.leaseTime;
        this.leaseWait = b.leaseWait;
        this.heartbeat = b.heartbeat;
        this.readFromReplicas = b.readFromReplicas;
    }

    /**
     * A builder with the defaults.
     *
     * @param cluster the Cachet cluster id (DESIGN §2): every instance of one cluster shares its versions and entries
     * @param uri     Lettuce URI syntax, comma-separated seeds ({@code redis://host:port}, {@code rediss://} for TLS,
     *                user and password may be in the URI)
     */
    public static Builder builder(String cluster, String uri) {
        return new Builder(cluster, uri);
    }

    /** The Cachet cluster whose versions and entries these are. */
    public String cluster() { return cluster; }

    /** The Redis URI(s), comma-separated. */
    public String uri() { return uri; }

    public Mode mode() { return mode; }

    public Consistency consistency() { return consistency; }

    /** The longest any Redis call may hold a query up (connect, command, bump). */
    public Duration timeout() { return timeout; }

    /** The largest encoded entry stored or read; larger ones are not stored, and read as misses. */
    public int maxEntryBytes() { return maxEntryBytes; }

    /** The AES-GCM key values are encrypted with, or null for none. */
    public EncryptionKey encryptionKey() { return encryptionKey; }

    /** The ACL user, when not in the URI (null: the URI's, or none). */
    public String user() { return user; }

    /** The password, when not in the URI (null: the URI's, or none). */
    String password() { return password; }

    /** A PEM file of certificates to trust for {@code rediss://} (null: the JVM's default trust store). */
    public Path trustedCertificates() { return trustedCertificates; }

    /** How long a lease (one query per miss across instances) lasts if its holder never stores or releases it. */
    public Duration leaseTime() { return leaseTime; }

    /** How long a miss waits for another instance's fill of the same key before running its own query. */
    public Duration leaseWait() { return leaseWait; }

    /** How often the invalidation stream is checked end to end and a lost connection retried; zero: never (tests). */
    public Duration heartbeat() { return heartbeat; }

    /** Whether entries (never versions) may be read from replicas. */
    public boolean readFromReplicas() { return readFromReplicas; }

    @Override
    public String toString() {
        return "SharedTierSettings[cluster=" + cluster + ", uri=" + redactedUri() + ", mode=" + mode
                + ", consistency=" + consistency + ", timeout=" + timeout + ", maxEntryBytes=" + maxEntryBytes
                + ", encrypted=" + (encryptionKey != null) + ", user=" + user + ", leaseTime=" + leaseTime
                + ", leaseWait=" + leaseWait + ", heartbeat=" + heartbeat + ", readFromReplicas=" + readFromReplicas
                + "]";
    }

    /** The URI without any password it carries. */
    String redactedUri() {
        return uri.replaceAll("(rediss?://)[^@/,]*@", "$1***@");
    }

    /** Builds {@link SharedTierSettings}; every setter validates its argument. */
    public static final class Builder {

        private final String cluster;
        private final String uri;
        private Mode mode = Mode.STANDALONE;
        private Consistency consistency = Consistency.STRICT;
        private Duration timeout = Duration.ofMillis(100);
        private int maxEntryBytes = 1024 * 1024;
        private EncryptionKey encryptionKey;
        private String user;
        private String password;
        private Path trustedCertificates;
        private Duration leaseTime = Duration.ofSeconds(5);
        private Duration leaseWait = Duration.ofSeconds(2);
        private Duration heartbeat = Duration.ofSeconds(1);
        private boolean readFromReplicas = true;

        private Builder(String cluster, String uri) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
            this.uri = Objects.requireNonNull(uri, "uri");
            if (cluster.isEmpty()) {
                throw new IllegalArgumentException("cluster must not be empty");
            }
        }

        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder consistency(Consistency consistency) {
            this.consistency = Objects.requireNonNull(consistency, "consistency");
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        public Builder maxEntryBytes(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxEntryBytes must be >= 64: " + bytes);
            }
            this.maxEntryBytes = bytes;
            return this;
        }

        public Builder encryptionKey(EncryptionKey key) {
            this.encryptionKey = key;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder trustedCertificates(Path pemFile) {
            this.trustedCertificates = pemFile;
            return this;
        }

        public Builder leaseTime(Duration leaseTime) {
            this.leaseTime = positive(leaseTime, "leaseTime");
            return this;
        }

        public Builder leaseWait(Duration leaseWait) {
            Objects.requireNonNull(leaseWait, "leaseWait");
            if (leaseWait.isNegative()) {
                throw new IllegalArgumentException("leaseWait must not be negative: " + leaseWait);
            }
            this.leaseWait = leaseWait;
            return this;
        }

        /**
         * How often the background upkeep runs (connect, check the stream end to end, resynchronise). Zero turns it
         * off: the tier connects once, when started, and never recovers from a loss or a failed first connect — for
         * tests that drive the upkeep themselves, never for an application.
         */
        public Builder heartbeat(Duration heartbeat) {
            Objects.requireNonNull(heartbeat, "heartbeat");
            if (heartbeat.isNegative()) {
                throw new IllegalArgumentException("heartbeat must not be negative: " + heartbeat);
            }
            this.heartbeat = heartbeat;
            return this;
        }

        public Builder readFromReplicas(boolean readFromReplicas) {
            this.readFromReplicas = readFromReplicas;
            return this;
        }

        public SharedTierSettings build() {
            return new SharedTierSettings(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
