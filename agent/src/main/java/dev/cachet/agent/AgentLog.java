package dev.cachet.agent;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own messages: one line each on standard error, prefixed {@code Cachet agent:}, written before any
 * logging framework of the application is set up (at attach) or independently of it. Messages about a recurring
 * condition are written once per key.
 */
final class AgentLog {

    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    private AgentLog() {
    }

    static void line(String message) {
        System.err.println("Cachet agent: " + message);
    }

    /** Writes {@code message} the first time {@code key} is seen. */
    static void once(String key, String message) {
        if (ONCE.add(key)) {
            line(message);
        }
    }

    /** A throwable in one line: its class, message and where it came from. */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getName());
        if (t.getMessage() != null) {
            sb.append(": ").append(t.getMessage().replace('\n', ' '));
        }
        Throwable cause = t.getCause();
        if (cause != null && cause != t) {
            sb.append(" (caused by ").append(cause.getClass().getName());
            if (cause.getMessage() != null) {
                sb.append(": ").append(cause.getMessage().replace('\n', ' '));
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
