package dev.cachet.cache;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * The application's view of a real result set while its rows are copied into the cache (DESIGN §8).
 * Every call goes to the real result set, so the application sees the real driver's values unchanged;
 * in addition, each {@link #next()} that lands on a row captures that row through the
 * {@link ValueProfile}. Then:
 * <ul>
 * <li>when the application reaches the end, the copy is stored with {@link ResultCache#complete};</li>
 * <li>past the per-entry caps (rows or estimated bytes), or on a value that cannot be cached, the copy is
 *     dropped ({@link ResultCache#abandonOverCaps}) and the rows simply stream on;</li>
 * <li>on {@link #close()} before the end, the rest is read and copied — so {@code if (rs.next())}
 *     look-ups fill too — unless that goes over the caps; then the real result set is closed;</li>
 * <li>when the real driver fails, the copy is abandoned ({@link ResultCache#abandon}) and the
 *     exception passes through unchanged.</li>
 * </ul>
 * Only {@code TYPE_FORWARD_ONLY} result sets are teed. A scroll-insensitive one is read fully at
 * {@link #wrap} time within the caps and served from the copy (the real one is then closed); one over the
 * caps is rewound and returned uncached. Scroll-sensitive ones are never cached.
 * {@link #getStatement()} returns the application's statement.
 */
public final class ResultTee extends ForwardingResultSet {

    private final ResultSet real;
    private final Statement owner;
    private final FillTicket ticket;
    private final ResultCache cache;
    private MaterializedResult.Builder builder;
    /** Told the fill's cost when it is stored; null for a fill nobody times (most of them). */
    private final FillCostListener costListener;
    /** Nanoseconds spent copying so far, when timed. */
    private long copyNanos;
    /** Set when the result was stored and the listener not yet told. */
    private boolean stored;

    private ResultTee(ResultSet real, Statement owner, FillTicket ticket, ResultCache cache,
                      MaterializedResult.Builder builder, long copyNanos) {
        this.real = real;
        this.owner = owner;
        this.ticket = ticket;
        this.cache = cache;
        this.builder = builder;
        this.costListener = builder == null ? null : ticket.costListener();
        this.copyNanos = copyNanos;
    }

    /**
     * Wraps the real result set of a query whose fill {@code ticket} was begun before the query ran.
     *
     * @param real    the driver's result set, positioned before its first row
     * @param owner   the application's statement, answered by {@code getStatement()}
     * @param ticket  the fill ticket from {@link ResultCache#beginFill}; null means "do not cache" and
     *                the real result set is only wrapped for {@code getStatement()}
     * @param cache   the cache the copy is stored in
     * @param profile how values are captured and later played back
     * @return the result set to hand to the application
     * @throws SQLException when the real driver fails while a scrollable result is read (the fill is
     *                      then abandoned)
     */
    public static ResultSet wrap(ResultSet real, Statement owner, FillTicket ticket, ResultCache cache,
                                 ValueProfile profile) throws SQLException {
        Objects.requireNonNull(real, "real");
        if (ticket == null) {
            return new ResultTee(real, owner, null, cache, null, 0);
        }
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(profile, "profile");
        long start = ticket.costListener() == null ? 0 : System.nanoTime();
        int type;
        MaterializedResult.Builder builder;
        try {
            type = real.getType();
            if (type == ResultSet.TYPE_SCROLL_SENSITIVE) {
                cache.abandon(ticket);
                return new ResultTee(real, owner, null, cache, null, 0);
            }
            if (type != ResultSet.TYPE_FORWARD_ONLY) {
                return materializeScrollable(real, owner, ticket, cache, profile, type, start);
            }
            builder = new MaterializedResult.Builder(real, profile, ticket.key().sql(), ticket.maxRows(),
                    ticket.maxBytes());
        } catch (NotCacheableValueException e) {
            cache.abandonOverCaps(ticket);
            return new ResultTee(real, owner, null, cache, null, 0);
        } catch (SQLException | RuntimeException | Error e) {
            cache.abandon(ticket);
            throw e;
        }
        return new ResultTee(real, owner, ticket, cache, builder, start == 0 ? 0 : System.nanoTime() - start);
    }

    private static ResultSet materializeScrollable(ResultSet real, Statement owner, FillTicket ticket,
                                                   ResultCache cache, ValueProfile profile, int type, long start)
            throws SQLException {
        MaterializedResult result = MaterializedResult.materialize(real, profile, ticket.key().sql(), ticket.maxRows(),
                ticket.maxBytes());
        if (result == null) {
            cache.abandonOverCaps(ticket);
            real.beforeFirst();
            return new ResultTee(real, owner, null, cache, null, 0);
        }
        if (cache.complete(ticket, result) && start != 0) {
            ticket.costListener().stored(System.nanoTime() - start);
        }
        real.close();
        return result.toResultSet(owner, type);
    }

    @Override
    protected ResultSet delegate() {
        return real;
    }

    /** True while rows are still being copied. */
    public boolean isCopying() {
        return builder != null;
    }

    @Override
    public boolean next() throws SQLException {
        boolean onRow;
        try {
            onRow = real.next();
        } catch (SQLException | RuntimeException | Error e) {
            fail();
            throw e;
        }
        if (builder != null) {
            long start = costListener == null ? 0 : System.nanoTime();
            if (onRow) {
                capture();
            } else {
                store();
            }
            if (start != 0) {
                copied(start);
            }
        }
        return onRow;
    }

    private void capture() {
        if (ticket.isFinished()) {
            // dropped by an invalidation: copying on would only be thrown away
            builder = null;
            return;
        }
        try {
            if (!builder.addCurrentRow()) {
                overCaps();
            }
        } catch (NotCacheableValueException e) {
            overCaps();
        } catch (SQLException | RuntimeException e) {
            // the copy failed, not the application's read: stream on without caching
            fail();
        }
    }

    private void store() {
        MaterializedResult result = builder.build();
        builder = null;
        stored = cache.complete(ticket, result);
    }

    /** Adds the copying since {@code start}; tells the listener once the result is stored. */
    private void copied(long start) {
        copyNanos += System.nanoTime() - start;
        if (stored) {
            stored = false;
            costListener.stored(copyNanos);
        }
    }

    private void overCaps() {
        builder = null;
        cache.abandonOverCaps(ticket);
    }

    private void fail() {
        if (builder != null) {
            builder = null;
            cache.abandon(ticket);
        }
    }

    @Override
    public void close() throws SQLException {
        if (builder != null) {
            long start = costListener == null ? 0 : System.nanoTime();
            try {
                if (!real.isClosed()) {
                    while (builder != null && real.next()) {
                        capture();
                    }
                    if (builder != null) {
                        store();
                    }
                } else {
                    fail();
                }
            } catch (SQLException | RuntimeException e) {
                fail();
            }
            if (start != 0) {
                copied(start);
            }
        }
        real.close();
    }

    @Override
    public Statement getStatement() throws SQLException {
        real.getStatement(); // the real driver's closed-check and exception
        return owner;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return real.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || real.isWrapperFor(iface);
    }
}
