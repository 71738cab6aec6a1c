package dev.cachet.driver.jdbc;

import java.sql.CallableStatement;

/**
 * Cachet's {@link CallableStatement}: a call, so never cached and counted as a write to every table (DESIGN §4); its
 * own methods (out parameters, named parameters) pass through to the real statement.
 */
public final class CachetCallableStatement extends DelegatingCallableStatement {

    CachetCallableStatement(CachetConnection connection, PhysicalConnection home, CallableStatement delegate,
                            StatementOptions options) {
        super(connection, home, options, delegate);
    }
}
