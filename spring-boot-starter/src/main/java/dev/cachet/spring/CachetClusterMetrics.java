package dev.cachet.spring;

import dev.cachet.cache.shared.SharedTierStatistics;
import dev.cachet.driver.CachetCluster;
import dev.cachet.driver.ClusterStatistics;
import dev.cachet.driver.ReplicaStatistics;
import dev.cachet.parser.NotCacheableReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one Cachet cluster, tagged {@code cache=<cluster id>}: the conventional cache meters
 * ({@code cache.gets} with {@code result=hit|miss}, {@code cache.puts}, {@code cache.evictions}, {@code cache.size})
 * and Cachet's own ({@code cachet.invalidations}, {@code cachet.writes}, {@code cachet.not.cacheable} by
 * {@code reason}, {@code cachet.routing} by {@code target}, {@code cachet.replica.lag} by {@code replica},
 * {@code cachet.fill}, {@code cachet.cache.bytes}, {@code cachet.connections.open}, and with a shared tier
 * {@code cachet.shared.*}: gets by {@code result}, puts, bytes, fallbacks, lease waits, stale and bad values, messages,
 * stream losses, {@code cachet.shared.up}). Every meter reads the
 * cluster's counters when it is published; nothing is counted on the statement path for them.
 */
final class CachetClusterMetrics extends CacheMeterBinder<CachetCluster> {

    private final CachetCluster cluster;
    private final Tags tags;

    CachetClusterMetrics(CachetCluster cluster, Iterable<Tag> extraTags) {
        super(cluster, cluster.id(), extraTags);
        this.cluster = cluster;
        this.tags = Tags.concat(extraTags, "cache", cluster.id());
    }

    private ClusterStatistics stats() {
        return cluster.statistics();
    }

    @Override
    protected Long size() {
        return stats().cache().entries();
    }

    @Override
    protected long hitCount() {
        return stats().hits();
    }

    @Override
    protected Long missCount() {
        return stats().misses();
    }

    /** Entries removed to respect the byte bound or because their TTL ran out (invalidations are counted apart). */
    @Override
    protected Long evictionCount() {
        ClusterStatistics s = stats();
        return s.cache().evictionsSize() + s.cache().evictionsExpired();
    }

    @Override
    protected long putCount() {
        return stats().cache().fills();
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
        counter(registry, "cachet.invalidations", "Invalidations Cachet made: per write, commit, rollback or operator"
                + " call", Tags.empty(), s -> s.invalidations());
        counter(registry, "cachet.writes", "Statements Cachet counted as writes", Tags.empty(), s -> s.writes());
        counter(registry, "cachet.misses.not.admitted", "Misses that ran on the database without filling the cache:"
                + " first reads of a key of a statement in second-sight admission (cachet.admission)", Tags.empty(),
                s -> s.missesNotAdmitted());
        for (NotCacheableReason reason : NotCacheableReason.values()) {
            counter(registry, "cachet.not.cacheable", "Reads that ran on the database uncached, by reason",
                    Tags.of("reason", reason.name().toLowerCase(Locale.ROOT).replace('_', '-')),
                    s -> s.notCacheableByReason().getOrDefault(reason, 0L));
        }
        counter(registry, "cachet.routing", "Statements the database ran, by where they ran",
                Tags.of("target", "primary"), s -> s.primaryExecutions());
        counter(registry, "cachet.routing", "Statements the database ran, by where they ran",
                Tags.of("target", "replica"), s -> s.replicaExecutions());
        FunctionTimer.builder("cachet.fill", cluster, c -> c.statistics().misses(),
                        c -> c.statistics().missNanos(), TimeUnit.NANOSECONDS)
                .description("Misses on the database, from the query's start until its result set was returned;"
                        + " the rows are copied into the cache as the application reads them")
                .tags(tags).register(registry);
        gauge(registry, "cachet.cache.bytes", "Estimated bytes held by the cluster's cached results",
                BaseUnits.BYTES, Tags.empty(), c -> c.statistics().cache().bytes());
        gauge(registry, "cachet.connections.open", "Logical Cachet connections of the cluster open now",
                BaseUnits.CONNECTIONS, Tags.empty(), c -> c.statistics().openConnections());
        if (stats().shared() != null) {
            bindSharedTier(registry);
        }
        gauge(registry, "cachet.tables.write.hot", "Tables Cachet does not cache now because caching them cost more"
                + " than it saved (WRITE_HOT); retried later", "tables", Tags.empty(),
                c -> c.tableStatistics().stream().filter(dev.cachet.driver.TableStatistics::writeHot).count());
        for (ReplicaStatistics replica : stats().replicas()) {
            if (replica.primary()) {
                continue;
            }
            String host = replica.host();
            gauge(registry, "cachet.replica.lag", "How far the replica's replayed position is behind the primary,"
                    + " as last measured; NaN when unknown", "seconds", Tags.of("replica", host),
                    c -> lagSeconds(c.statistics(), host));
        }
    }

    /** The shared tier's meters ({@code cachet.shared.*}), for a cluster that has one. */
    private void bindSharedTier(MeterRegistry registry) {
        String gets = "Look-ups in the shared tier after an in-process miss";
        sharedCounter(registry, "cachet.shared.gets", gets, Tags.of("result", "hit"), SharedTierStatistics::hits);
        sharedCounter(registry, "cachet.shared.gets", gets, Tags.of("result", "miss"), SharedTierStatistics::misses);
        sharedCounter(registry, "cachet.shared.puts", "Entries written to Redis", Tags.empty(),
                SharedTierStatistics::stores);
        sharedCounter(registry, "cachet.shared.puts.skipped", "Fills not written to Redis (too large, not"
                + " encodable, Redis unusable)", Tags.empty(), SharedTierStatistics::storesSkipped);
        sharedCounter(registry, "cachet.shared.bytes", "Value bytes moved", Tags.of("direction", "read"),
                SharedTierStatistics::bytesRead);
        sharedCounter(registry, "cachet.shared.bytes", "Value bytes moved", Tags.of("direction", "written"),
                SharedTierStatistics::bytesWritten);
        sharedCounter(registry, "cachet.shared.fallbacks", "Operations answered without Redis (down, slow,"
                + " refusing, not trusted yet)", Tags.empty(), SharedTierStatistics::fallbacks);
        sharedCounter(registry, "cachet.shared.lease.waits", "Misses that waited for another instance's fill",
                Tags.empty(), SharedTierStatistics::leaseWaits);
        sharedCounter(registry, "cachet.shared.stale", "Entries refused because a table they read was written since",
                Tags.empty(), SharedTierStatistics::staleEntries);
        sharedCounter(registry, "cachet.shared.bad.values", "Values refused as corrupt, foreign, over-size, under"
                + " another key or undecodable", Tags.empty(), SharedTierStatistics::badValues);
        sharedCounter(registry, "cachet.shared.messages", "Invalidation messages",
                Tags.of("direction", "published"), SharedTierStatistics::published);
        sharedCounter(registry, "cachet.shared.messages", "Invalidation messages",
                Tags.of("direction", "received"), SharedTierStatistics::messagesReceived);
        sharedCounter(registry, "cachet.shared.stream.losses", "Times the invalidation stream or a connection was"
                + " found lost", Tags.empty(), SharedTierStatistics::streamLosses);
        gauge(registry, "cachet.shared.up", "1 while the shared tier answers from Redis, else 0", null, Tags.empty(),
                c -> {
                    SharedTierStatistics s = c.statistics().shared();
                    return s != null && "up".equals(s.state()) ? 1 : 0;
                });
    }

    private void sharedCounter(MeterRegistry registry, String name, String description, Tags extra,
                               java.util.function.ToLongFunction<SharedTierStatistics> value) {
        counter(registry, name, description, extra, s -> s.shared() == null ? 0 : value.applyAsLong(s.shared()));
    }

    private static double lagSeconds(ClusterStatistics s, String host) {
        for (ReplicaStatistics r : s.replicas()) {
            if (r.host().equals(host)) {
                Duration lag = r.lag();
                return lag == null ? Double.NaN : lag.toNanos() / 1e9;
            }
        }
        return Double.NaN;
    }

    private void counter(MeterRegistry registry, String name, String description, Tags extra,
                         java.util.function.ToLongFunction<ClusterStatistics> value) {
        FunctionCounter.builder(name, cluster, c -> value.applyAsLong(c.statistics()))
                .description(description).tags(tags.and(extra)).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit, Tags extra,
                       ToDoubleFunction<CachetCluster> value) {
        Gauge.builder(name, cluster, value).description(description).baseUnit(unit).tags(tags.and(extra))
                .strongReference(true).register(registry);
    }
}
