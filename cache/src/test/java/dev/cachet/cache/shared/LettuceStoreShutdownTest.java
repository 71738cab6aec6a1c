package dev.cachet.cache.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A Redis client whose shutdown never completes must not hold the store's close (nor a reconnect) with it. */
class LettuceStoreShutdownTest {

    /** A client whose connections never finish closing, as Lettuce's can after a cluster failover. */
    private static final class NeverClosing extends RedisClient {
        final AtomicBoolean asked = new AtomicBoolean();

        NeverClosing(ClientResources resources) {
            super(resources, RedisURI.create("redis://127.0.0.1:1"));
        }

        @Override
        public CompletableFuture<Void> shutdownAsync(long quietPeriod, long timeout, TimeUnit unit) {
            asked.set(true);
            return new CompletableFuture<>();
        }
    }

    @Test
    void aShutdownThatNeverCompletesIsAbandonedWithinItsBound() {
        ClientResources resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .build();
        try {
            NeverClosing client = new NeverClosing(resources);
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> LettuceStore.shutdown(client));
            assertThat(client.asked).isTrue();
        } finally {
            resources.shutdown(0, 0, TimeUnit.SECONDS);
        }
    }

    @Test
    void anInterruptedShutdownKeepsTheInterrupt() {
        ClientResources resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .build();
        try {
            Thread.currentThread().interrupt();
            LettuceStore.shutdown(new NeverClosing(resources));
            assertThat(Thread.interrupted()).as("the interrupt, kept for the caller").isTrue();
        } finally {
            resources.shutdown(0, 0, TimeUnit.SECONDS);
        }
    }
}
