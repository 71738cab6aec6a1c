package dev.cachet.cache.shared;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for Redis with a deadline, and telling its faults apart (timeouts, refusals, lost connections). */
final class Faults {

    /** What kind of fault a failed call met. */
    enum Kind {
        /** No answer in time. */
        TIMEOUT,
        /** An error reply: OOM, NOPERM, READONLY, WRONGTYPE, … */
        REFUSED,
        /** The connection is down or was lost. */
        CONNECTION,
        /** Anything else. */
        OTHER
    }

    private Faults() {
    }

    /** The future's value, waiting until {@code deadline} (nanoTime) at most; its failure's cause is thrown as is. */
    static <T> T await(CompletableFuture<T> future, long deadline) throws Exception {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : e;
        }
    }

    static Kind kind(Throwable e) {
        Throwable c = unwrap(e);
        String name = c.getClass().getSimpleName();
        if (c instanceof TimeoutException || name.contains("Timeout")) {
            return Kind.TIMEOUT;
        }
        if (name.startsWith("RedisCommandExecution")) {
            return Kind.REFUSED;
        }
        if (name.contains("Connection") || String.valueOf(c.getMessage()).contains("not connected")) {
            return Kind.CONNECTION;
        }
        return Kind.OTHER;
    }

    /** True for Redis's refusal of a write when it is over {@code maxmemory}. */
    static boolean isOutOfMemory(Throwable e) {
        String message = unwrap(e).getMessage();
        return message != null && message.startsWith("OOM");
    }

    /** Class and message, and the root cause's (Redis replies and Lettuce messages carry neither secrets nor values). */
    static String describe(Throwable e) {
        Throwable c = unwrap(e);
        String text = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
        Throwable root = c;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == c ? text : text + " (" + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
