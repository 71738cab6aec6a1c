package dev.cachet.agent;

import dev.cachet.agent.bootstrap.CachetBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into a driver DataSource's {@code getConnection()} and {@code getConnection(String, String)}: the
 * connection the method returns is handed to the agent, which returns it wrapped (or as it is). An exception of the
 * method passes through untouched.
 */
final class DataSourceConnectionAdvice {

    private DataSourceConnectionAdvice() {
    }

    @Advice.OnMethodExit
    static void exit(@Advice.This Object dataSource,
                     @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned)
            throws Exception {
        returned = CachetBridge.dataSourceConnection(dataSource, returned);
    }
}
