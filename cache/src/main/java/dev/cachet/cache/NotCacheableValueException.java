package dev.cachet.cache;

import java.sql.SQLException;

/**
 * Thrown by a {@link ColumnCodec} while capturing when a value cannot be kept in the cache — a value of
 * an unknown, possibly mutable type, a LOB larger than the per-entry cap, a stream. The tee then drops
 * its copy and the application's rows simply stream on; the application never sees this exception.
 */
public final class NotCacheableValueException extends SQLException {

    private static final long serialVersionUID = 1L;

    public NotCacheableValueException(String reason) {
        super(reason, "HY000");
    }
}
