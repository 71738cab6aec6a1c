package dev.cachet.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The generated pass-through adds no allocation: a million forwarded calls allocate (next to) nothing. Measured with
 * the JVM's per-thread allocation counter; this counts bytes, not time.
 */
class DelegationAllocationTest {

    /** A result set that answers without allocating (the generated class with a constant answer). */
    static final class ConstantResultSet extends DelegatingResultSet {
        ConstantResultSet(ResultSet unused) {
            super(unused);
        }

        @Override
        public int getInt(int column) {
            return column;
        }

        @Override
        public boolean next() {
            return true;
        }
    }

    /** Cachet's shape: a generated delegate with nothing overridden for these calls. */
    static final class PassThrough extends DelegatingResultSet {
        PassThrough(ResultSet delegate) {
            super(delegate);
        }
    }

    @Test
    void forwardedCallsDoNotAllocate() throws SQLException {
        ResultSet inner = new ConstantResultSet(java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ResultSet.class}, (p, m, a) -> null) instanceof ResultSet r ? r : null);
        ResultSet wrapped = new PassThrough(new PassThrough(inner));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 200_000; i++) { // warm up: let the JIT compile the path
            sink += wrapped.next() ? wrapped.getInt(i & 7) : 0;
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            sink += wrapped.next() ? wrapped.getInt(i & 7) : 0;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isPositive();
        // a single boxed value per call would be 16 MB; allow a little for the measurement itself
        assertThat(allocated).as("bytes allocated by 2,000,000 forwarded calls").isLessThan(64 * 1024);
    }

    @Test
    void everyStatementMethodIsForwarded() throws Exception {
        // each generated class implements every method of its interface (abstract methods would fail to load)
        for (Class<?> c : new Class<?>[] {DelegatingConnection.class, DelegatingStatement.class,
                DelegatingPreparedStatement.class, DelegatingCallableStatement.class, DelegatingResultSet.class,
                DelegatingDatabaseMetaData.class}) {
            Class<?> iface = c.getInterfaces()[0];
            for (java.lang.reflect.Method m : iface.getMethods()) {
                if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                    java.lang.reflect.Method impl = CachetCallableStatement.class.isAssignableFrom(c) ? null
                            : c.getMethod(m.getName(), m.getParameterTypes());
                    if (impl != null) {
                        assertThat(java.lang.reflect.Modifier.isAbstract(impl.getModifiers()))
                                .as("%s.%s", c.getSimpleName(), m.getName()).isFalse();
                    }
                }
            }
        }
        assertThat(Statement.class.isAssignableFrom(CachetCallableStatement.class)).isTrue();
    }
}
