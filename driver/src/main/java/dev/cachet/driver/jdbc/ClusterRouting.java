package dev.cachet.driver.jdbc;

import dev.cachet.driver.CachetSettings;
import dev.cachet.driver.routing.JdbcNodeProbe;
import dev.cachet.driver.routing.LagEstimator;
import dev.cachet.driver.routing.Lsn;
import dev.cachet.driver.routing.NodeProbe;
import dev.cachet.driver.routing.NodeStatus;
import dev.cachet.driver.routing.PrimaryLocator;
import dev.cachet.driver.routing.ReadYourWrites;
import dev.cachet.driver.routing.ReplicaPoller;
import dev.cachet.driver.routing.ReplicaRouter;
import dev.cachet.driver.routing.ReplicaSelector;
import dev.cachet.driver.routing.ReplicaState;
import dev.cachet.driver.routing.Ticker;
import dev.cachet.parser.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica routing of one cluster (DESIGN §9): its configured hosts, the current primary among them, the
 * {@link ReplicaRouter} that picks replicas, the {@link ReplicaPoller} that keeps their positions and lag current,
 * and failover to a promoted replica. Internal; public only so the driver's packages can create it.
 *
 * <p>It opens no connection for an application: every logical connection opens its own physical connections with its
 * own credentials and driver properties (DESIGN §2), through the {@link JdbcNodeProbe.HostConnector} it passes to
 * {@link #connectPrimary} and {@link #connectHome}. The only connections it opens itself are the poller's and the
 * primary search's probes, through the probe connector: the cluster's first connection's credentials, or
 * {@code cachet.probe.user}; they run Cachet's own probe queries and nothing else.
 *
 * <p>Every configured host (primary and replicas) has a {@link ReplicaState}; the current primary's is ineligible (it
 * is not in recovery), so after a failover the old primary, once it follows the new one, can serve reads again. The
 * poller runs while the cluster has open connections ({@link #ensureStarted()} on each new one; it stops with the
 * last). On PostgreSQL, positions are WAL positions; on other databases Cachet cannot measure replication, so a
 * table written through Cachet is read from the primary from then on (see {@link #measuresReplication()}).
 *
 * <p>Thread-safe.
 */
public final class ClusterRouting implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterRouting.class);

    /** How often the poller samples the primary's position and the replicas' replayed positions. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final Cluster cluster;
    private final List<String> hosts;
    private final boolean measuresReplication;
    private final boolean pooled;
    /** Opens the poller's and the primary search's probe connections; never a connection for an application. */
    private volatile JdbcNodeProbe.HostConnector probeConnector;
    /** Set once a logical connection's credentials were accepted and became the probes' (see {@link #vouch}). */
    private volatile boolean probeVouched;
    /** Set when the probes use {@code cachet.probe.user}: no logical connection's credentials replace it. */
    private volatile boolean configuredProbe;
    private final ReplicaRouter router;
    private final LagEstimator lagEstimator = new LagEstimator(512);
    private final Ticker ticker = Ticker.system();
    private final Object failoverLock = new Object();
    private volatile String primaryHost;
    /** Bumped on every primary change. */
    private volatile long primaryEpoch;

    private ReplicaPoller poller;
    private NodeProbe probe;

    /**
     * Routing over {@code primary} and {@code replicas} ({@code "host:port"} items for a URL, or any distinct names
     * the connectors understand), probing them through {@code probeConnector}. With {@code pooled}, the probe
     * connector borrows from pools (wrapped DataSources), so the poller returns each connection after its probe
     * instead of keeping one out of every pool.
     */
    public ClusterRouting(Cluster cluster, String primary, List<String> replicas,
                          JdbcNodeProbe.HostConnector probeConnector, boolean pooled) {
        this.pooled = pooled;
        this.probeConnector = Objects.requireNonNull(probeConnector);
        this.cluster = Objects.requireNonNull(cluster);
        this.hosts = hostList(primary, replicas);
        this.primaryHost = primary;
        this.measuresReplication = cluster.dialect() == Dialect.POSTGRESQL;
        CachetSettings settings = cluster.settings();
        List<ReplicaState> states = new ArrayList<>();
        for (String host : hosts) {
            states.add(new ReplicaState(host));
        }
        this.router = new ReplicaRouter(states, selector(settings), new ReadYourWrites(), settings.maxReplicaLag());
    }

    /** The configured hosts as routing keeps them: {@code primary} first, then each replica once. */
    public static List<String> hostList(String primary, List<String> replicas) {
        List<String> all = new ArrayList<>();
        all.add(primary);
        for (String r : replicas) {
            if (!all.contains(r)) {
                all.add(r);
            }
        }
        return List.copyOf(all);
    }

    private static ReplicaSelector selector(CachetSettings settings) {
        return switch (settings.readStrategy()) {
            case ROUND_ROBIN -> ReplicaSelector.roundRobin();
            case RANDOM -> ReplicaSelector.random();
            case LEAST_CONNECTIONS -> ReplicaSelector.leastConnections();
            case FASTEST_RESPONSE -> ReplicaSelector.fastestResponse();
            case STICKY -> ReplicaSelector.sticky();
        };
    }

    /**
     * A logical connection was opened with these credentials: the first one to succeed becomes the probes' (unless
     * they were configured with {@code cachet.probe.user}), so a first attempt with a wrong password cannot leave the
     * poller unable to log in.
     */
    public void vouch(JdbcNodeProbe.HostConnector accepted) {
        if (!probeVouched) {
            synchronized (this) {
                if (!probeVouched && !configuredProbe) {
                    probeConnector = accepted;
                    probeVouched = true;
                }
            }
        }
    }

    /** Marks the probe connector as configured: no logical connection's credentials replace it. */
    public ClusterRouting withConfiguredProbe() {
        configuredProbe = true;
        probeVouched = true;
        return this;
    }

    /**
     * Opens a probe connection. When the vouched credentials are refused (class {@code 28}: the password changed, the
     * role lost its login), the next logical connection that logs in vouches for the probes again; a configured probe
     * user stays, and its refusal is logged.
     */
    private Connection connectProbe(String host) throws SQLException {
        JdbcNodeProbe.HostConnector connector = probeConnector;
        try {
            return connector.connect(host);
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (state != null && state.startsWith("28")) {
                if (configuredProbe) {
                    log.warn("Cachet cluster {}: cachet.probe.user was refused by {} ({})", cluster.id(), host,
                            state);
                } else if (probeConnector == connector) {
                    probeVouched = false; // a benign race: at worst two logins vouch in turn
                }
            }
            throw e;
        }
    }

    /** The configured hosts, primary first. */
    public List<String> hosts() {
        return hosts;
    }

    /** Every configured host as routing sees it now, in configuration order (operator statistics). */
    public List<dev.cachet.driver.ReplicaStatistics> replicaStatistics() {
        String primary = primaryHost;
        long timeline = router.primaryTimeline();
        Duration maxLag = cluster.settings().maxReplicaLag();
        List<dev.cachet.driver.ReplicaStatistics> all = new ArrayList<>();
        for (ReplicaState s : router.replicas()) {
            boolean isPrimary = s.host().equals(primary);
            all.add(new dev.cachet.driver.ReplicaStatistics(s.host(), isPrimary,
                    !isPrimary && s.eligible(timeline, maxLag), isPrimary || !measuresReplication || s.failed() ? null : s.lag()));
        }
        return all;
    }

    /** The host that is the primary now. */
    public String primaryHost() {
        return primaryHost;
    }

    long primaryEpoch() {
        return primaryEpoch;
    }

    ReplicaRouter router() {
        return router;
    }

    ReadYourWrites readYourWrites() {
        return router.readYourWrites();
    }

    Ticker ticker() {
        return ticker;
    }

    /**
     * Whether replication positions can be measured (PostgreSQL). When not, a write never reports a position, so
     * its tables stay on the primary.
     */
    boolean measuresReplication() {
        return measuresReplication;
    }

    /** The replica state of {@code host}. */
    ReplicaState state(String host) {
        for (ReplicaState s : router.replicas()) {
            if (s.host().equals(host)) {
                return s;
            }
        }
        throw new IllegalArgumentException(host);
    }

    // ---------------------------------------------------------------- poller lifecycle

    /**
     * Starts the poller if it is not running (the cluster's first connection, or the first after the last closed),
     * after one synchronous round so that the first reads can already use the replicas.
     */
    public void ensureStarted() {
        synchronized (this) {
            if (poller != null) {
                return;
            }
            probe = newProbe();
            poller = new ReplicaPoller(router, probe, () -> primaryHost, lagEstimator, ticker, POLL_INTERVAL,
                    cluster.id().replaceAll("[^A-Za-z0-9_.:-]", "_"), this::primaryFailed);
            cluster.addService(this);
            poller.pollOnce();
            poller.start();
            router.whenSampleWanted(poller::requestRound);
        }
    }

    /** Stops the poller and closes its connections (the cluster's last connection closed). */
    @Override
    public void close() {
        ReplicaPoller p;
        NodeProbe pr;
        synchronized (this) {
            p = poller;
            pr = probe;
            poller = null;
            probe = null;
            router.whenSampleWanted(null);
        }
        if (p != null) {
            p.close();
        }
        if (pr instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // probe connections only
            }
        }
    }

    // ---------------------------------------------------------------- primary and failover

    /**
     * A new connection to the primary, opened through {@code own} (the logical connection's connector): the current
     * primary, or, when it cannot be reached, the one a search among the configured hosts finds (a promoted
     * replica). When no host is a primary, Cachet's own {@link SQLException} of SQLState {@code 08001} names what each
     * host answered; when the current primary is unreachable and no other host took over, the real driver's
     * exception passes through.
     */
    public Connection connectPrimary(JdbcNodeProbe.HostConnector own) throws SQLException {
        String host = primaryHost;
        try {
            return own.connect(host);
        } catch (SQLException e) {
            if (!nodeFailure(e) || hosts.size() < 2) {
                throw e;
            }
            PrimaryLocator.Located located;
            try {
                located = locate();
            } catch (SQLException none) {
                SQLException error = new SQLException("Cachet cannot reach a primary: " + none.getMessage(),
                        "08001", e);
                throw error;
            }
            if (located.primary().equals(host)) {
                throw e;
            }
            return own.connect(located.primary());
        }
    }

    /** The first physical connection of a new logical connection, and the replica it reaches (null: the primary). */
    public record Home(Connection connection, ReplicaState replica) {
    }

    /**
     * The first physical connection of a new logical connection, opened through {@code own}: a replica in the
     * rotation, so that a connection that only reads never connects the primary and new connections keep reading
     * while the primary is down (DESIGN §9); the primary when no replica can be reached. A replica that cannot be
     * reached leaves the rotation; a refused login (class {@code 28}: a wrong password) is the real driver's and
     * passes through; any other refusal of this user alone (a connection limit, {@code 53300}) tries the next host
     * and leaves the replica in the rotation for everyone else.
     */
    public Home connectHome(JdbcNodeProbe.HostConnector own) throws SQLException {
        java.util.Set<String> tried = new java.util.HashSet<>(4);
        for (int attempt = 0; attempt < hosts.size(); attempt++) {
            ReplicaState state = router.chooseFor(java.util.Set.of());
            if (state == null) {
                break;
            }
            if (!tried.add(state.host())) {
                continue;
            }
            try {
                return new Home(own.connect(state.host()), state);
            } catch (SQLException e) {
                String sqlState = e.getSQLState();
                if (sqlState != null && sqlState.startsWith("28")) {
                    throw e;
                }
                log.debug("Cachet: replica {} could not be opened: {}", state.host(), e.toString());
                if (nodeFailure(e)) {
                    state.markFailed(ticker.read());
                }
            }
        }
        return new Home(connectPrimary(own), null);
    }

    /**
     * Whether {@code e} says the node cannot be reached or is going away (no SQLState, class {@code 08}, an
     * administrator or crash shutdown, a server still starting): the node leaves the rotation for everyone. A failure
     * of one user's login — a wrong password ({@code 28P01}, {@code 28000}), that role's or the server's connection
     * limit ({@code 53300}) — says nothing about the node and leaves it in the rotation.
     */
    static boolean nodeFailure(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    private void primaryFailed(SQLException e) {
        log.debug("Cachet cluster {}: primary {} did not answer ({}); searching the configured hosts", cluster.id(),
                primaryHost, e.toString());
        try {
            locate();
        } catch (SQLException none) {
            log.debug("Cachet cluster {}: {}", cluster.id(), none.getMessage());
        }
    }

    /** Searches the configured hosts for the primary and switches to it when it changed. */
    PrimaryLocator.Located locate() throws SQLException {
        NodeProbe p;
        synchronized (this) {
            p = probe;
        }
        boolean own = p == null;
        if (own) {
            p = newProbe();
        }
        try {
            PrimaryLocator.Located located = new PrimaryLocator(hosts, p).locate();
            synchronized (failoverLock) {
                if (!located.primary().equals(primaryHost)) {
                    switchPrimary(located);
                }
            }
            for (String demoted : located.demoted()) {
                state(demoted).markFailed(ticker.read());
            }
            return located;
        } finally {
            if (own && p instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // probe connections only
                }
            }
        }
    }

    private void switchPrimary(PrimaryLocator.Located located) {
        String old = primaryHost;
        primaryHost = located.primary();
        primaryEpoch++;
        // positions of the old primary mean nothing on the new timeline; acknowledged commits may have been lost
        lagEstimator.clear();
        router.readYourWrites().reset();
        router.primaryObserved(located.primaryStatus().timeline());
        state(located.primary()).recordStatus(located.primaryStatus(), Duration.ZERO);
        cluster.invalidateEverything("primary changed from " + old + " to " + located.primary());
        log.warn("Cachet cluster {}: the primary is now {} (timeline {}), was {}; the cache was flushed", cluster.id(),
                located.primary(), located.primaryStatus().timeline(), old);
    }

    private NodeProbe newProbe() {
        JdbcNodeProbe.HostConnector connector = this::connectProbe;
        if (!measuresReplication) {
            return new AliveProbe(connector);
        }
        if (!pooled) {
            return new JdbcNodeProbe(connector, Duration.ofSeconds(2));
        }
        return host -> {
            try (Connection borrowed = connector.connect(host)) {
                return new JdbcNodeProbe(h -> borrowed, Duration.ofSeconds(2)).probe(host);
            }
        };
    }

    /**
     * The probe for databases whose replication Cachet cannot measure: a server that answers is up, reported at
     * position 0 on timeline 1 (the configured primary as primary, the others as standbys).
     */
    private final class AliveProbe implements NodeProbe {
        private final JdbcNodeProbe.HostConnector connector;

        AliveProbe(JdbcNodeProbe.HostConnector connector) {
            this.connector = connector;
        }

        @Override
        public NodeStatus probe(String host) throws SQLException {
            try (Connection c = connector.connect(host)) {
                if (!c.isValid(2)) {
                    throw new SQLException("Cachet: " + host + " did not answer", "08006");
                }
            }
            return host.equals(primaryHost) ? NodeStatus.primary(Lsn.ZERO, 1) : NodeStatus.standby(Lsn.ZERO, 1);
        }
    }

    @Override
    public String toString() {
        return "ClusterRouting[" + cluster.id() + ", primary " + primaryHost + ", " + router.replicas() + "]";
    }
}
