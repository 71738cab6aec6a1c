package dev.cachet.agent;

import java.lang.instrument.Instrumentation;

/**
 * {@code -javaagent:cachet-agent.jar[=settings]}: gives an unmodified application Cachet (docs/agent.md).
 *
 * <p>This class names none of the agent's dependencies, so that it always loads: whatever goes wrong while
 * installing — bad settings, a class that cannot be loaded, an instrumentation refused — is caught here, reported in
 * one line, and the application starts without Cachet. The agent never stops an application from starting.
 */
public final class CachetAgent {

    private CachetAgent() {
    }

    /** Entry point for {@code -javaagent}. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        install(arguments, instrumentation);
    }

    /** Entry point when attached to a running JVM. */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        install(arguments, instrumentation);
    }

    private static void install(String arguments, Instrumentation instrumentation) {
        try {
            Class.forName("dev.cachet.agent.AgentInstaller", true, CachetAgent.class.getClassLoader())
                    .getMethod("install", String.class, Instrumentation.class)
                    .invoke(null, arguments, instrumentation);
        } catch (java.lang.reflect.InvocationTargetException e) {
            failed(e.getCause());
        } catch (Throwable t) {
            failed(t);
        }
    }

    private static void failed(Throwable t) {
        String reason = t instanceof IllegalArgumentException && t.getMessage() != null ? t.getMessage()
                : AgentLog.describe(t);
        AgentLog.line("not installed, the application runs without Cachet: " + reason);
    }
}
