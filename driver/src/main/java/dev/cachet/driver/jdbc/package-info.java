/**
 * Cachet's JDBC objects and the machinery behind them — internal: applications use {@code dev.cachet.driver}.
 *
 * <p>The pass-through classes ({@code Delegating*}) are generated at build time by
 * {@code build-tools/GenerateDelegates.java}; the {@code Cachet*} classes override only what Cachet
 * changes. {@link dev.cachet.driver.jdbc.CachetConnection} is the logical connection the application holds;
 * {@code LogicalSession} is its session and transaction as Cachet models them, {@code PhysicalConnections} the real
 * connections it holds (primary, replicas, lead), {@code ConnectionRouting} what places its statements on them;
 * {@code ExecutionPipeline} is the path of every statement;
 * {@link dev.cachet.driver.jdbc.Cluster} and {@link dev.cachet.driver.jdbc.ClusterRegistry} hold the per-cluster
 * state of the JVM.
 */
package dev.cachet.driver.jdbc;
