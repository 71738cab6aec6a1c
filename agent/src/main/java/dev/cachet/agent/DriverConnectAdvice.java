package dev.cachet.agent;

import dev.cachet.agent.bootstrap.CachetBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into every {@code java.sql.Driver.connect(String, Properties)}: when the agent answers with a Cachet
 * connection, the driver's own method is skipped and that connection returned; otherwise the method runs as written.
 * Names only the bootstrap bridge, which every class loader sees.
 */
final class DriverConnectAdvice {

    private DriverConnectAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static Object enter(@Advice.This Object driver, @Advice.Argument(0) String url, @Advice.Argument(1) Object info)
            throws Exception {
        return CachetBridge.driverConnect(driver, url, info);
    }

    @Advice.OnMethodExit
    static void exit(@Advice.Enter Object cachet,
                     @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned) {
        if (cachet != null) {
            returned = cachet;
        }
    }
}
