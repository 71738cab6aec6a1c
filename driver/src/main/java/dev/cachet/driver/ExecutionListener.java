package dev.cachet.driver;

/**
 * Observes what Cachet does, per cluster; register with {@link CachetCluster#addListener}.
 *
 * <p>Methods are called synchronously on the application's thread that ran the statement (or the operator call),
 * so they must be quick and must not throw; an exception a listener throws is logged and ignored. When no listener
 * is registered, Cachet builds no events at all.
 */
public interface ExecutionListener {

    /** Called after each statement execution returned to the application (or failed). */
    default void onExecution(ExecutionEvent event) {
    }

    /** Called after cached results were invalidated. */
    default void onInvalidation(InvalidationEvent event) {
    }
}
