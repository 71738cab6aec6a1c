package dev.cachet.bench.workload;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * One way of reaching the database that the workloads are run through: a pooled {@link DataSource} for writes,
 * one for reads (the same one unless the contender splits them itself), and whether reads are bracketed by
 * {@code setReadOnly(true)} / {@code setReadOnly(false)} — which is how a {@code setReadOnly}-driven
 * read/write splitter is told that a read may go to a replica.
 *
 * <p>Every contender is driven by the same workload code; only this object differs.
 */
public final class Contender implements AutoCloseable {

    private final String name;
    private final String description;
    private final DataSource writes;
    private final DataSource reads;
    private final boolean readOnlyAroundReads;
    private final Supplier<long[]> cacheStatistics;
    private java.util.function.Function<String, String> explainer;
    private final List<AutoCloseable> resources;

    Contender(String name, String description, DataSource writes, DataSource reads, boolean readOnlyAroundReads,
              Supplier<long[]> cacheStatistics, List<AutoCloseable> resources) {
        this.name = name;
        this.description = description;
        this.writes = writes;
        this.reads = reads;
        this.readOnlyAroundReads = readOnlyAroundReads;
        this.cacheStatistics = cacheStatistics;
        this.resources = new ArrayList<>(resources);
    }

    /** A copy with another description (resources are shared, not duplicated). */
    Contender describedAs(String newDescription) {
        return new Contender(name, newDescription, writes, reads, readOnlyAroundReads, cacheStatistics, resources)
                .withExplainer(explainer);
    }

    /** A copy that brackets every read with {@code setReadOnly(true)} / {@code setReadOnly(false)}. */
    Contender withReadOnlyAroundReads() {
        return new Contender(name, description, writes, reads, true, cacheStatistics, resources)
                .withExplainer(explainer);
    }

    /** A copy whose {@link #cacheCounters()} come from {@code statistics}. */
    Contender withCacheStatistics(Supplier<long[]> statistics) {
        return new Contender(name, description, writes, reads, readOnlyAroundReads, statistics, resources)
                .withExplainer(explainer);
    }

    /** Sets how this contender explains a statement (Cachet's operator API); absent for the others. */
    Contender withExplainer(java.util.function.Function<String, String> explain) {
        this.explainer = explain;
        return this;
    }

    /** How this contender classifies {@code sql}, or null when it cannot say. */
    String explain(String sql) {
        return explainer == null ? null : explainer.apply(sql);
    }

    /** Short name used in tables and the chart. */
    public String name() {
        return name;
    }

    /** One line: what this contender is and how it is configured. */
    public String description() {
        return description;
    }

    /** Borrows a connection for a read; marked read-only when this contender splits on that flag. */
    Connection readConnection() throws SQLException {
        Connection c = reads.getConnection();
        if (readOnlyAroundReads) {
            try {
                c.setReadOnly(true);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    /** Returns a connection borrowed by {@link #readConnection()}, switching it back to read-write first. */
    void releaseRead(Connection c) throws SQLException {
        try {
            if (readOnlyAroundReads) {
                c.setReadOnly(false);
            }
        } finally {
            c.close();
        }
    }

    /** Borrows a connection for a write. */
    Connection writeConnection() throws SQLException {
        return writes.getConnection();
    }

    /** Whether reads are bracketed by {@code setReadOnly}. */
    boolean readOnlyAroundReads() {
        return readOnlyAroundReads;
    }

    /**
     * The contender's cache counters now — {hits, misses, entries, estimated bytes} — or null when it has no
     * cache.
     */
    long[] cacheCounters() {
        return cacheStatistics == null ? null : cacheStatistics.get();
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("[bench] closing " + name + ": " + e);
            }
        }
    }
}
