package dev.cachet.driver.jdbc;

/**
 * A parameter bound with an extra argument that changes what the database receives: a date, time or timestamp with
 * the time zone id of the calendar it was bound with ({@code ""} for a null calendar), or {@code setObject} with a
 * scale or length ({@link Integer}). Part of the cache key (equal by content) and enough to bind the parameter again
 * on another physical connection. The value is copied when mutable, as the real driver took it when it was bound.
 */
record BoundCall(Object value, Object argument) {

    BoundCall {
        if (value instanceof java.util.Date date) {
            value = date.clone();
        } else if (value instanceof byte[] bytes) {
            value = bytes.clone();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BoundCall b && argument.equals(b.argument) && (value instanceof byte[] x
                ? b.value instanceof byte[] y && java.util.Arrays.equals(x, y)
                : value.equals(b.value) && value.getClass() == b.value.getClass());
    }

    @Override
    public int hashCode() {
        return 31 * (value instanceof byte[] x ? java.util.Arrays.hashCode(x) : value.hashCode()) + argument.hashCode();
    }
}
