package dev.cachet.cache.shared;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SharedStore} over Lettuce, for both deployments. Standalone (one node, or a primary with replicas): a
 * master/replica connection reading from the primary (versions, leases, writes), a second one reading entries from
 * replicas when allowed, and a pub/sub connection. Cluster: two cluster connections likewise, with adaptive and
 * periodic topology refresh (a failed-over shard is found), and sharded pub/sub ({@code SSUBSCRIBE}/
 * {@code SPUBLISH}) on a connection to the current primary of the versions' slot. Every command is bounded by the
 * timeout; standalone commands issued while the connection is down fail at once instead of queueing. Connecting
 * runs in the background with a longer bound. Lettuce's threads are daemons named {@code cachet-redis-…}.
 */
final class LettuceStore implements SharedStore {

    /** Lettuce's own cap on its reconnect backoff. */
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(30);

    private static final String RELEASE_IF_EQUAL =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    private static final Logger log = LoggerFactory.getLogger(LettuceStore.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(2);

    private final SharedTierSettings settings;
    private final Duration timeout;
    /** Connecting runs in the background, never on a query's path: it may take longer than one command. */
    private final Duration connectTimeout;
    private ClientResources resources;
    private AbstractRedisClient client;
    private StatefulConnection<byte[], byte[]> primary;
    private StatefulConnection<byte[], byte[]> reader;
    private RedisClusterAsyncCommands<byte[], byte[]> commands;
    private RedisClusterAsyncCommands<byte[], byte[]> readCommands;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
    private RedisClient subscriber;
    private RedisURI seed;
    private byte[] channel;
    private Events events;

    LettuceStore(SharedTierSettings settings) {
        this.settings = settings;
        this.timeout = settings.timeout();
        this.connectTimeout = timeout.multipliedBy(10).compareTo(Duration.ofSeconds(10)) > 0
                ? timeout.multipliedBy(10) : Duration.ofSeconds(10);
    }

    private List<RedisURI> uris() {
        List<RedisURI> uris = new ArrayList<>();
        for (String part : settings.uri().split(",")) {
            String s = part.strip();
            if (s.isEmpty()) {
                continue;
            }
            RedisURI uri = RedisURI.create(s.contains("://") ? s : "redis://" + s);
            if (settings.password() != null) {
                // the settings' credentials win over the URI's
                uri.setAuthentication(settings.user(), settings.password());
            }
            uri.setTimeout(connectTimeout); // the handshake's bound; commands have the timeout (TimeoutOptions)
            uris.add(uri);
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("no Redis URI in " + settings.redactedUri());
        }
        return uris;
    }

    private ClientResources resources() {
        AtomicInteger n = new AtomicInteger();
        // Lettuce's own backoff grows to 30 s: an instance could stay cut off that long after Redis is back, its bumps
        // pending while other instances, reconnected sooner, trust Redis and serve entries from before its writes.
        // Capped at a heartbeat, every instance is back within one of Redis and of each other
        Duration cap = settings.heartbeat().isZero() ? settings.timeout() : settings.heartbeat();
        if (cap.compareTo(MAX_RECONNECT_DELAY) > 0) {
            cap = MAX_RECONNECT_DELAY;
        }
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ZERO, cap, 2, TimeUnit.MILLISECONDS))
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .threadFactoryProvider(pool -> r -> {
                    Thread t = new Thread(r, "cachet-redis-" + pool + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                })
                .build();
    }

    private SslOptions ssl() {
        SslOptions.Builder b = SslOptions.builder().jdkSslProvider();
        if (settings.trustedCertificates() != null) {
            b.trustManager(settings.trustedCertificates().toFile());
        }
        return b.build();
    }

    @Override
    public synchronized void connect(byte[] channel, Events events) throws Exception {
        close();
        this.channel = channel;
        this.events = events;
        List<RedisURI> uris = uris();
        resources = resources();
        SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        try {
            if (settings.mode() == SharedTierSettings.Mode.CLUSTER) {
                RedisClusterClient cluster = RedisClusterClient.create(resources, uris);
                client = cluster;
                // node connections open on first use: commands wait for them (bounded by the timeout, and by
                // a short queue) rather than being rejected while a node's connection is still being made
                cluster.setOptions(ClusterClientOptions.builder()
                        .socketOptions(socket).timeoutOptions(timeouts).sslOptions(ssl())
                        .requestQueueSize(10_000)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enableAllAdaptiveRefreshTriggers()
                                .adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
                                .enablePeriodicRefresh(Duration.ofSeconds(5))
                                .build())
                        .build());
                cluster.addListener(new Disconnects());
                // loads the topology (bounded by the connect and command timeouts); the connections below need it
                cluster.getPartitions();
                StatefulRedisClusterConnection<byte[], byte[]> p = cluster.connectAsync(ByteArrayCodec.INSTANCE)
                        .get(connectWait(), TimeUnit.MILLISECONDS);
                primary = p;
                commands = p.async();
                if (settings.readFromReplicas()) {
                    StatefulRedisClusterConnection<byte[], byte[]> r = cluster.connectAsync(ByteArrayCodec.INSTANCE)
                            .get(connectWait(), TimeUnit.MILLISECONDS);
                    r.setReadFrom(ReadFrom.REPLICA_PREFERRED);
                    reader = r;
                    readCommands = r.async();
                } else {
                    readCommands = commands;
                }
                subscriber = RedisClient.create(resources);
                subscriber.setOptions(ClientOptions.builder()
                        .socketOptions(socket).timeoutOptions(timeouts).sslOptions(ssl())
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .build());
                subscriber.addListener(new Disconnects());
                seed = uris.get(0);
                pubsub = subscribe();
            } else {
                RedisClient standalone = RedisClient.create(resources);
                client = standalone;
                standalone.setOptions(ClientOptions.builder()
                        .socketOptions(socket).timeoutOptions(timeouts).sslOptions(ssl())
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .build());
                standalone.addListener(new Disconnects());
                if (uris.size() == 1) {
                    // one node: a plain connection (no role discovery, which needs ROLE in the user's ACL)
                    StatefulRedisConnection<byte[], byte[]> p = standalone.connectAsync(ByteArrayCodec.INSTANCE,
                            uris.get(0)).get(connectWait(), TimeUnit.MILLISECONDS);
                    primary = p;
                    commands = p.async();
                    readCommands = commands;
                } else {
                    // a primary with replicas: roles from ROLE; versions and writes on the primary only
                    StatefulRedisMasterReplicaConnection<byte[], byte[]> p = MasterReplica.connectAsync(standalone,
                            ByteArrayCodec.INSTANCE, uris).get(connectWait(), TimeUnit.MILLISECONDS);
                    p.setReadFrom(ReadFrom.UPSTREAM);
                    primary = p;
                    commands = p.async();
                    if (settings.readFromReplicas()) {
                        StatefulRedisMasterReplicaConnection<byte[], byte[]> r = MasterReplica.connectAsync(
                                standalone, ByteArrayCodec.INSTANCE, uris).get(connectWait(), TimeUnit.MILLISECONDS);
                        r.setReadFrom(ReadFrom.REPLICA_PREFERRED);
                        reader = r;
                        readCommands = r.async();
                    } else {
                        readCommands = commands;
                    }
                }
                subscriber = standalone;
                seed = uris.get(0); // published messages reach the replicas' subscribers too: any node will do
                pubsub = subscribe();
            }
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Connecting takes a few round trips (hello, topology, roles): bounded, in the background. */
    private long connectWait() {
        return connectTimeout.toMillis() * 2;
    }

    /** Reports the loss of the subscription's connection at once (the heartbeat would find it later). */
    private final class Disconnects implements RedisConnectionStateListener {
        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            Events e = events;
            if (e != null && connection == pubsub) {
                e.disconnected();
            }
        }
    }

    /** Open and not closed: Lettuce reconnects a dropped connection by itself (the heartbeat notices the gap). */
    @Override
    public boolean isConnected() {
        StatefulConnection<byte[], byte[]> p = primary;
        return p != null && p.isOpen();
    }

    /**
     * Subscribes on a connection of its own: standalone, to the first node with {@code SUBSCRIBE}; cluster, to the
     * current primary of the channel's slot (the versions' slot) with {@code SSUBSCRIBE}, looked up afresh each time,
     * so subscribing again after a failover reaches the new primary.
     */
    private StatefulRedisPubSubConnection<byte[], byte[]> subscribe() throws Exception {
        boolean sharded = settings.mode() == SharedTierSettings.Mode.CLUSTER;
        RedisURI target = seed;
        if (sharded) {
            RedisClusterClient cluster = (RedisClusterClient) client;
            cluster.refreshPartitions();
            RedisClusterNode owner = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
            if (owner == null) {
                throw new IllegalStateException("no primary serves the slot of the invalidation channel");
            }
            target = RedisURI.builder(seed).withHost(owner.getUri().getHost()).withPort(owner.getUri().getPort())
                    .build();
        }
        Events e = events;
        StatefulRedisPubSubConnection<byte[], byte[]> s = subscriber.connectPubSubAsync(ByteArrayCodec.INSTANCE,
                target).get(connectWait(), TimeUnit.MILLISECONDS);
        s.addListener(new RedisPubSubAdapter<byte[], byte[]>() {
            @Override
            public void message(byte[] ch, byte[] message) {
                e.message(message);
            }

            @Override
            public void smessage(byte[] ch, byte[] message) {
                e.message(message);
            }

            @Override
            public void subscribed(byte[] ch, long count) {
                e.subscribed();
            }

            @Override
            public void ssubscribed(byte[] ch, long count) {
                e.subscribed();
            }

            @Override
            public void sunsubscribed(byte[] ch, long count) {
                // Redis Cluster unsubscribes sharded subscribers when their slot moves (a failover)
                if (events != null) {
                    e.disconnected();
                }
            }
        });
        if (sharded) {
            s.async().ssubscribe(channel).get(connectWait(), TimeUnit.MILLISECONDS);
        } else {
            s.async().subscribe(channel).get(connectWait(), TimeUnit.MILLISECONDS);
        }
        return s;
    }

    @Override
    public synchronized void resubscribe() throws Exception {
        if (client == null) {
            throw new IllegalStateException("not connected");
        }
        StatefulRedisPubSubConnection<byte[], byte[]> old = pubsub;
        pubsub = subscribe();
        if (old != null) {
            old.closeAsync();
        }
    }

    @Override
    public CompletableFuture<byte[]> get(byte[] key, boolean replicaAllowed) {
        return (replicaAllowed ? readCommands : commands).get(key).toCompletableFuture();
    }

    @Override
    public CompletableFuture<List<byte[]>> hmget(byte[] key, byte[][] fields) {
        return commands.hmget(key, fields).toCompletableFuture().thenApply(values -> {
            List<byte[]> out = new ArrayList<>(values.size());
            for (KeyValue<byte[], byte[]> kv : values) {
                out.add(kv.hasValue() ? kv.getValue() : null);
            }
            return out;
        });
    }

    @Override
    public CompletableFuture<Void> hincrby(byte[] key, byte[][] fields) {
        CompletableFuture<?>[] all = new CompletableFuture<?>[fields.length];
        for (int i = 0; i < fields.length; i++) {
            all[i] = commands.hincrby(key, fields[i], 1).toCompletableFuture();
        }
        return CompletableFuture.allOf(all);
    }

    @Override
    public CompletableFuture<Boolean> hsetnx(byte[] key, byte[] field, byte[] value) {
        return commands.hsetnx(key, field, value).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Boolean> setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
        return commands.set(key, value, SetArgs.Builder.nx().px(ttlMillis)).toCompletableFuture()
                .thenApply("OK"::equals);
    }

    @Override
    public CompletableFuture<Void> set(byte[] key, byte[] value, long ttlMillis) {
        return commands.set(key, value, SetArgs.Builder.px(ttlMillis)).toCompletableFuture().thenApply(ok -> null);
    }

    @Override
    public CompletableFuture<Boolean> exists(byte[] key) {
        return commands.exists(key).toCompletableFuture().thenApply(n -> n != null && n > 0);
    }

    @Override
    public CompletableFuture<Void> deleteIfEquals(byte[] key, byte[] value) {
        return commands.<Long>eval(RELEASE_IF_EQUAL, ScriptOutputType.INTEGER, new byte[][] {key}, value)
                .toCompletableFuture().thenApply(n -> null);
    }

    @Override
    public CompletableFuture<Void> delete(byte[] key) {
        return commands.del(key).toCompletableFuture().thenApply(n -> null);
    }

    @Override
    public CompletableFuture<Void> publish(byte[] channel, byte[] message) {
        CompletableFuture<Long> sent = settings.mode() == SharedTierSettings.Mode.CLUSTER
                ? commands.spublish(channel, message).toCompletableFuture()
                : commands.publish(channel, message).toCompletableFuture();
        return sent.thenApply(n -> null);
    }

    /**
     * Shuts {@code clients} down together, waiting a little over {@link #SHUTDOWN_WAIT} at the most. Lettuce's own
     * blocking shutdown waits without a bound for its connections to close, which after a cluster failover can be
     * never (redis/lettuce#2278): a reconnect ({@link #connect} closes first) or the application's shutdown would
     * hang with it. Null clients are skipped.
     */
    static void shutdown(AbstractRedisClient... clients) {
        List<CompletableFuture<Void>> closing = new ArrayList<>(clients.length);
        for (AbstractRedisClient c : clients) {
            if (c == null) {
                continue;
            }
            try {
                closing.add(c.shutdownAsync(0, SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (RuntimeException e) {
                log.warn("a Redis client failed to shut down: {}", e.toString());
            }
        }
        try {
            CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
                    .get(SHUTDOWN_WAIT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // connections left closing are abandoned: Lettuce's threads are daemons, its resources shut down next
            log.warn("Redis clients did not shut down within {}: {}", SHUTDOWN_WAIT, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        events = null; // closing is no loss to report
        pubsub = null;
        reader = null;
        primary = null;
        shutdown(client, subscriber != client ? subscriber : null);
        subscriber = null;
        client = null;
        if (resources != null) {
            resources.shutdown(0, SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            resources = null;
        }
    }
}
