package dev.cachet.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds {@link CachetClusterMetrics} for every Cachet cluster the application reaches — those reached before the
 * registry exists and those reached later (a cluster exists from its first connection on).
 */
final class CachetMeterBinder implements MeterBinder {

    private final CachetClusters clusters;

    CachetMeterBinder(CachetClusters clusters) {
        this.clusters = clusters;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        clusters.onCluster(cluster -> new CachetClusterMetrics(cluster, Tags.empty()).bindTo(registry));
    }
}
