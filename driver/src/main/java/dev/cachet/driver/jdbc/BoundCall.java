package dev.cachet.driver.jdbc;

/**
 * A parameter bound with an extra argument that changes what the database receives: a date, time or timestamp with
 * the time zone id of the calendar it was bound with ({@code ""} for a null calendar), or {@code setObject} with a
 * scale or length ({@link Integer}). Part of the cache key (equal by content) and enough to bind the parameter again
 * on another physical connection. A mutable value (a date, a byte array) is the copy the generated setter made and
 * also gave the real driver, so nothing the application does to its own object later reaches either.
 */
record BoundCall(Object value, Object argument) {

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
