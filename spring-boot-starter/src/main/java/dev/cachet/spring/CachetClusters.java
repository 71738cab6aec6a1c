package dev.cachet.spring;

import dev.cachet.driver.Cachet;
import dev.cachet.driver.CachetCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The Cachet clusters the application's DataSources reached, in the order they were first seen, and who wants to
 * hear of new ones (the meters). A cluster exists only once a connection was opened, so DataSources report each
 * cluster when their first connection arrives. Thread-safe.
 */
public final class CachetClusters {

    private final Map<String, CachetCluster> byId = new ConcurrentHashMap<>();
    private final List<Consumer<CachetCluster>> listeners = new CopyOnWriteArrayList<>();

    /** Records the cluster of {@code connection} when it is a Cachet connection; any other connection is ignored. */
    public void seen(Connection connection) {
        CachetCluster cluster;
        try {
            cluster = Cachet.cluster(connection);
        } catch (SQLException notCachet) {
            return;
        }
        seen(cluster);
    }

    /** Records {@code cluster}; listeners hear of it once. */
    public void seen(CachetCluster cluster) {
        if (byId.putIfAbsent(cluster.id(), cluster) == null) {
            for (Consumer<CachetCluster> l : listeners) {
                l.accept(cluster);
            }
        }
    }

    /**
     * Every cluster seen, plus any other cluster Cachet serves in this JVM (a {@code jdbc:cachet:} URL used outside
     * the application's DataSource beans).
     */
    public Collection<CachetCluster> all() {
        for (CachetCluster c : Cachet.clusters()) {
            seen(c);
        }
        return List.copyOf(byId.values());
    }

    /** The cluster with this id, or null. */
    public CachetCluster find(String id) {
        all();
        return byId.get(id);
    }

    /** Calls {@code listener} for every cluster seen so far and every one seen later. */
    public void onCluster(Consumer<CachetCluster> listener) {
        listeners.add(listener);
        for (CachetCluster c : new ArrayList<>(all())) {
            listener.accept(c);
        }
    }
}
