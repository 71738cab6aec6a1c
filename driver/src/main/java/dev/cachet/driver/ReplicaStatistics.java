package dev.cachet.driver;

import java.time.Duration;

/**
 * One configured host of a cluster with replicas, as routing sees it at the moment of a
 * {@link ClusterStatistics} snapshot.
 *
 * @param host      the host as configured ({@code host:port}, or {@code primary} / {@code replica-N} for wrapped
 *                  DataSources)
 * @param primary   true for the host that is the primary now
 * @param available true when the host serves reads now: a healthy standby on the primary's timeline, within
 *                  {@code cachet.maxReplicaLag}; false for the primary and for failed or lagging replicas
 * @param lag       how far the host's replayed position is behind the primary, as last measured; null when not
 *                  known (not probed yet, failed, or a database whose replication Cachet cannot measure)
 */
public record ReplicaStatistics(String host, boolean primary, boolean available, Duration lag) {
}
