package dev.cachet.cache.shared;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Redis commands the shared tier uses, asynchronously: one implementation over Lettuce for standalone and
 * cluster deployments ({@link LettuceStore}), and in-memory ones in tests, where faults and interleavings are
 * chosen. Every future completes exceptionally on a fault; none blocks. Thread-safe.
 */
interface SharedStore extends AutoCloseable {

    /** What the store reports about its subscription and connections; called on the store's own threads. */
    interface Events {

        /** A message arrived on the channel. */
        void message(byte[] payload);

        /** The subscription to the channel was confirmed (first time, or again after a reconnect). */
        void subscribed();

        /** A connection was lost: messages and acknowledged writes may have been lost with it. */
        void disconnected();
    }

    /** Connects and subscribes to {@code channel}, waiting at most the timeout; throws when it cannot. */
    void connect(byte[] channel, Events events) throws Exception;

    /** True while connected (the client may be reconnecting underneath). */
    boolean isConnected();

    /** Drops the subscription's connection and subscribes again on a new one. */
    void resubscribe() throws Exception;

    CompletableFuture<byte[]> get(byte[] key, boolean replicaAllowed);

    /** The values of {@code fields} of hash {@code key}, in order; null for a missing field. */
    CompletableFuture<List<byte[]>> hmget(byte[] key, byte[][] fields);

    /** Increments each field of hash {@code key} by one. */
    CompletableFuture<Void> hincrby(byte[] key, byte[][] fields);

    CompletableFuture<Boolean> hsetnx(byte[] key, byte[] field, byte[] value);

    /** {@code SET key value NX PX ttl}: true when set. */
    CompletableFuture<Boolean> setIfAbsent(byte[] key, byte[] value, long ttlMillis);

    /** {@code SET key value PX ttl}. */
    CompletableFuture<Void> set(byte[] key, byte[] value, long ttlMillis);

    CompletableFuture<Boolean> exists(byte[] key);

    /** Deletes {@code key} if it holds {@code value} (atomically). */
    CompletableFuture<Void> deleteIfEquals(byte[] key, byte[] value);

    CompletableFuture<Void> delete(byte[] key);

    CompletableFuture<Void> publish(byte[] channel, byte[] message);

    @Override
    void close();
}
