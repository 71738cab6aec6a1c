package dev.cachet.driver.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cachet.driver.AdmissionState;

/**
 * A cluster's admission of misses ({@code cachet.admission}): one {@link StatementAdmission} per SQL text, and the
 * {@link Doorkeeper} they share, created when a first statement switches to second sight. Thread-safe.
 *
 * <p>Shapes are kept for the {@link #MAX_SHAPES} texts used most (an application building SQL with literals has a
 * text per value; a forgotten shape starts again in first sight). Keys include the SQL text, so statements sharing
 * the doorkeeper confuse each other's keys only as rarely as two keys collide in it.
 */
final class AdmissionControl {

    static final int MAX_SHAPES = 10_000;

    private final boolean adaptive;
    private final long maxBytes;
    private final Cache<String, StatementAdmission> shapes;
    private volatile Doorkeeper doorkeeper;

    /**
     * @param adaptive {@code cachet.admission=adaptive}; false: every miss fills and nothing is tracked
     * @param maxBytes {@code cachet.maxBytes}, which sizes the doorkeeper
     */
    AdmissionControl(boolean adaptive, long maxBytes) {
        this.adaptive = adaptive;
        this.maxBytes = maxBytes;
        // maintenance on the calling thread: a miss path must not queue work on the common pool
        this.shapes = Caffeine.newBuilder().maximumSize(MAX_SHAPES).executor(Runnable::run).build();
    }

    boolean adaptive() {
        return adaptive;
    }

    /** The admission of {@code sql}'s misses, created in first sight on its first miss. */
    StatementAdmission of(String sql) {
        StatementAdmission a = shapes.getIfPresent(sql);
        return a != null ? a : shapes.get(sql, s -> new StatementAdmission(s, this));
    }

    /** The state of {@code sql}'s admission now, for explain: first sight when it was never tracked or is off. */
    AdmissionState state(String sql) {
        StatementAdmission a = adaptive ? shapes.getIfPresent(sql) : null;
        return a == null ? AdmissionState.FIRST_SIGHT : a.state();
    }

    Doorkeeper doorkeeper() {
        Doorkeeper d = doorkeeper;
        if (d == null) {
            synchronized (this) {
                d = doorkeeper;
                if (d == null) {
                    d = Doorkeeper.forCache(maxBytes);
                    doorkeeper = d;
                }
            }
        }
        return d;
    }
}
