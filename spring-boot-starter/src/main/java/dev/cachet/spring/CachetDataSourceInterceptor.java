package dev.cachet.spring;

import dev.cachet.driver.Cachet;
import dev.cachet.driver.CachetDataSource;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

/**
 * Puts Cachet over one DataSource bean: every connection its {@code getConnection} hands out is wrapped as a Cachet
 * connection, unless the DataSource already hands out Cachet connections (a pool over a {@code jdbc:cachet:} URL),
 * which the first connection tells and which then pass through untouched. Either way the connection's cluster is
 * reported to {@link CachetClusters}. {@code unwrap(CachetDataSource.class)} answers the Cachet layer.
 */
final class CachetDataSourceInterceptor implements MethodInterceptor {

    private static final int UNDECIDED = 0;
    private static final int WRAP = 1;
    private static final int PASS = 2;

    private final CachetDataSource cachet;
    private final CachetClusters clusters;
    private volatile int mode = UNDECIDED;
    private volatile boolean reported;

    CachetDataSourceInterceptor(DataSource target, java.util.Properties settings, CachetClusters clusters) {
        this.cachet = new CachetDataSource(target);
        this.cachet.setProperties(settings);
        this.clusters = clusters;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Method m = invocation.getMethod();
        String name = m.getName();
        if (name.equals("getConnection") && Connection.class.equals(m.getReturnType())) {
            return connection((Connection) invocation.proceed());
        }
        if (name.equals("unwrap") && invocation.getArguments().length == 1
                && invocation.getArguments()[0] == CachetDataSource.class) {
            return cachet;
        }
        if (name.equals("isWrapperFor") && invocation.getArguments().length == 1
                && invocation.getArguments()[0] == CachetDataSource.class) {
            return true;
        }
        return invocation.proceed();
    }

    private Connection connection(Connection real) throws SQLException {
        int m = mode;
        if (m == UNDECIDED) {
            m = isCachet(real) ? PASS : WRAP;
            mode = m;
        }
        Connection c = m == PASS ? real : cachet.wrap(real);
        if (!reported) {
            clusters.seen(Cachet.cluster(c));
            reported = true;
        }
        return c;
    }

    private static boolean isCachet(Connection c) {
        try {
            Cachet.cluster(c);
            return true;
        } catch (SQLException notCachet) {
            return false;
        }
    }

    /** True once the first connection showed this DataSource already hands out Cachet connections. */
    boolean passesThrough() {
        return mode == PASS;
    }
}
