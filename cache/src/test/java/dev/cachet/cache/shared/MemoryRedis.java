package dev.cachet.cache.shared;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory stand-in for one Redis deployment, shared by several {@link Store}s (one per tier, standing for
 * one application instance each), with the faults a test chooses: down (every call fails as a lost connection
 * would), silent (calls never answer: the tier's timeout must end them), increments refused as out of memory, and
 * messages held back until the test delivers them. Keys never expire. Thread-safe (one lock).
 */
final class MemoryRedis {

    private final Map<ByteBuffer, byte[]> strings = new HashMap<>();
    private final Map<ByteBuffer, Map<ByteBuffer, Long>> hashes = new HashMap<>();
    private final List<Store> subscribers = new CopyOnWriteArrayList<>();
    private final Queue<Runnable> held = new ArrayDeque<>();
    volatile boolean down;
    volatile boolean silent;
    volatile boolean outOfMemory;
    volatile boolean holdMessages;
    /** Reads that may go to a replica fail as a replica connection that is not up yet makes them fail. */
    volatile boolean replicasDown;
    /** SETs of keys ending with this suffix are answered only when the test completes them from {@link #heldSets}. */
    volatile String holdSetsEndingWith;
    final Queue<Runnable> heldSets = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Runs once, right after the next HMGET is answered (to interleave a write with a read). */
    volatile Runnable afterNextVersionRead;

    Store store() {
        return new Store();
    }

    synchronized byte[] raw(byte[] key) {
        return strings.get(ByteBuffer.wrap(key));
    }

    synchronized void putRaw(byte[] key, byte[] value) {
        strings.put(ByteBuffer.wrap(key.clone()), value);
    }

    synchronized List<byte[]> keysEndingWith(String suffix) {
        List<byte[]> keys = new ArrayList<>();
        for (ByteBuffer k : strings.keySet()) {
            byte[] b = new byte[k.remaining()];
            k.duplicate().get(b);
            if (new String(b, java.nio.charset.StandardCharsets.UTF_8).endsWith(suffix)) {
                keys.add(b);
            }
        }
        return keys;
    }

    synchronized long field(byte[] hash, String field) {
        Map<ByteBuffer, Long> h = hashes.get(ByteBuffer.wrap(hash));
        Long v = h == null ? null : h.get(ByteBuffer.wrap(field.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return v == null ? 0 : v;
    }

    synchronized void flushAll() {
        strings.clear();
        hashes.clear();
    }

    /** Delivers the messages held back so far, in order. */
    void deliverHeld() {
        while (true) {
            Runnable r;
            synchronized (this) {
                r = held.poll();
            }
            if (r == null) {
                return;
            }
            r.run();
        }
    }

    /** One client of this Redis. */
    final class Store implements SharedStore {

        private volatile Events events;
        private volatile boolean connected;

        private <T> CompletableFuture<T> call(java.util.function.Supplier<T> command) {
            if (silent) {
                return new CompletableFuture<>();
            }
            if (down || !connected) {
                return CompletableFuture.failedFuture(new IllegalStateException("Connection closed: not connected"));
            }
            synchronized (MemoryRedis.this) {
                try {
                    return CompletableFuture.completedFuture(command.get());
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        }

        @Override
        public void connect(byte[] channel, Events events) {
            if (down) {
                throw new IllegalStateException("Connection refused");
            }
            this.events = events;
            connected = true;
            subscribers.add(this);
            events.subscribed();
        }

        /** The connection drops, as a killed server or a network fault makes it. */
        void drop() {
            connected = false;
            Events e = events;
            if (e != null) {
                e.disconnected();
            }
        }

        /** The client has reconnected and subscribed again. */
        void reconnect() {
            connected = true;
            events.subscribed();
        }

        @Override
        public boolean isConnected() {
            return connected && !down;
        }

        @Override
        public void resubscribe() {
            if (down) {
                throw new IllegalStateException("Connection refused");
            }
            events.subscribed();
        }

        @Override
        public CompletableFuture<byte[]> get(byte[] key, boolean replicaAllowed) {
            if (replicaAllowed && replicasDown) {
                return CompletableFuture.failedFuture(
                        new IllegalStateException("Currently not connected. Commands are rejected."));
            }
            return call(() -> strings.get(ByteBuffer.wrap(key)));
        }

        @Override
        public CompletableFuture<List<byte[]>> hmget(byte[] key, byte[][] fields) {
            CompletableFuture<List<byte[]>> answer = versions(key, fields);
            Runnable hook = afterNextVersionRead;
            if (hook != null) {
                afterNextVersionRead = null;
                hook.run();
            }
            return answer;
        }

        private CompletableFuture<List<byte[]>> versions(byte[] key, byte[][] fields) {
            return call(() -> {
                Map<ByteBuffer, Long> h = hashes.getOrDefault(ByteBuffer.wrap(key), Map.of());
                List<byte[]> out = new ArrayList<>();
                for (byte[] f : fields) {
                    Long v = h.get(ByteBuffer.wrap(f));
                    out.add(v == null ? null : Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
                return out;
            });
        }

        @Override
        public CompletableFuture<Void> hincrby(byte[] key, byte[][] fields) {
            return call(() -> {
                if (outOfMemory) {
                    throw new IllegalStateException("OOM command not allowed when used memory > 'maxmemory'.");
                }
                Map<ByteBuffer, Long> h = hashes.computeIfAbsent(ByteBuffer.wrap(key.clone()), k -> new HashMap<>());
                for (byte[] f : fields) {
                    h.merge(ByteBuffer.wrap(f.clone()), 1L, Long::sum);
                }
                return null;
            });
        }

        @Override
        public CompletableFuture<Boolean> hsetnx(byte[] key, byte[] field, byte[] value) {
            return call(() -> {
                Map<ByteBuffer, Long> h = hashes.computeIfAbsent(ByteBuffer.wrap(key.clone()), k -> new HashMap<>());
                return h.putIfAbsent(ByteBuffer.wrap(field.clone()),
                        Long.parseLong(new String(value, java.nio.charset.StandardCharsets.US_ASCII))) == null;
            });
        }

        @Override
        public CompletableFuture<Boolean> setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
            return call(() -> strings.putIfAbsent(ByteBuffer.wrap(key.clone()), value) == null);
        }

        @Override
        public CompletableFuture<Void> set(byte[] key, byte[] value, long ttlMillis) {
            String held = holdSetsEndingWith;
            if (held != null && new String(key, java.nio.charset.StandardCharsets.UTF_8).endsWith(held)) {
                // another node's command: lands and is answered whenever the test says, in no order with this one's
                CompletableFuture<Void> answer = new CompletableFuture<>();
                heldSets.add(() -> call(() -> {
                    strings.put(ByteBuffer.wrap(key.clone()), value);
                    return null;
                }).whenComplete((v, e) -> {
                    if (e == null) {
                        answer.complete(null);
                    } else {
                        answer.completeExceptionally(e);
                    }
                }));
                return answer;
            }
            return call(() -> {
                strings.put(ByteBuffer.wrap(key.clone()), value);
                return null;
            });
        }

        @Override
        public CompletableFuture<Boolean> exists(byte[] key) {
            return call(() -> strings.containsKey(ByteBuffer.wrap(key)));
        }

        @Override
        public CompletableFuture<Void> deleteIfEquals(byte[] key, byte[] value) {
            return call(() -> {
                byte[] v = strings.get(ByteBuffer.wrap(key));
                if (v != null && java.util.Arrays.equals(v, value)) {
                    strings.remove(ByteBuffer.wrap(key));
                }
                return null;
            });
        }

        @Override
        public CompletableFuture<Void> delete(byte[] key) {
            return call(() -> {
                strings.remove(ByteBuffer.wrap(key));
                hashes.remove(ByteBuffer.wrap(key));
                return null;
            });
        }

        @Override
        public CompletableFuture<Void> publish(byte[] channel, byte[] message) {
            return call(() -> {
                for (Store s : subscribers) {
                    Runnable delivery = () -> {
                        if (s.connected && s.events != null) {
                            s.events.message(message);
                        }
                    };
                    if (holdMessages) {
                        held.add(delivery);
                    } else {
                        delivery.run();
                    }
                }
                return null;
            });
        }

        @Override
        public void close() {
            connected = false;
            subscribers.remove(this);
        }
    }
}
