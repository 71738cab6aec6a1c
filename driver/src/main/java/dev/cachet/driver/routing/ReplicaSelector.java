package dev.cachet.driver.routing;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A read strategy ({@code cachet.readStrategy}): picks one replica among those eligible to serve a read.
 * Implementations are thread-safe and never block.
 *
 * <p>A choice may be given the replica the reading logical connection read from last ({@link #select(List,
 * ReplicaState)}); only {@link #sticky()} uses it, the others pick across the cluster as if it were not given.
 */
@FunctionalInterface
public interface ReplicaSelector {

  /** Picks one of {@code eligible}, which is never empty. */
  ReplicaState select(List<ReplicaState> eligible);

  /**
   * Picks one of {@code eligible} (never empty) for a logical connection that read from {@code previous} last (null:
   * it has not read from a replica yet). The default ignores {@code previous}.
   */
  default ReplicaState select(List<ReplicaState> eligible, ReplicaState previous) {
    return select(eligible);
  }

  /** Each replica in turn (the default). */
  static ReplicaSelector roundRobin() {
    AtomicInteger next = new AtomicInteger();
    return eligible -> eligible.get(Math.floorMod(next.getAndIncrement(), eligible.size()));
  }

  /**
   * The replica the logical connection read from last while it is eligible, else the next one in turn (then that one
   * is the connection's until it leaves the rotation or cannot serve a read). Each connection's reads thus reach one
   * server process, and the connections of a pool spread over the replicas as they are opened. Choices made without a
   * previous replica (a new connection's first replica, a read-only transaction's) go in turn.
   */
  static ReplicaSelector sticky() {
    ReplicaSelector turn = roundRobin();
    return new ReplicaSelector() {
      @Override
      public ReplicaState select(List<ReplicaState> eligible) {
        return turn.select(eligible);
      }

      @Override
      public ReplicaState select(List<ReplicaState> eligible, ReplicaState previous) {
        // eligible holds at most a handful of replicas: a scan by identity costs less than any lookup structure
        if (previous != null) {
          for (int i = 0, n = eligible.size(); i < n; i++) {
            if (eligible.get(i) == previous) {
              return previous;
            }
          }
        }
        return turn.select(eligible);
      }
    };
  }

  /** A uniformly random replica. */
  static ReplicaSelector random() {
    return eligible -> eligible.get(ThreadLocalRandom.current().nextInt(eligible.size()));
  }

  /** The replica with the fewest reads in flight; ties go round the replicas in turn. */
  static ReplicaSelector leastConnections() {
    AtomicInteger next = new AtomicInteger();
    return eligible -> lowest(eligible, next, ReplicaState::readsInFlight);
  }

  /**
   * The replica with the lowest moving-average response time; one not measured yet goes first, so every replica
   * gets measured; ties go round the replicas in turn.
   */
  static ReplicaSelector fastestResponse() {
    AtomicInteger next = new AtomicInteger();
    return eligible -> lowest(eligible, next, ReplicaState::averageResponseNanos);
  }

  /**
   * The strategy named {@code name}, case-insensitively, hyphens or underscores alike: {@code round-robin},
   * {@code random}, {@code least-connections}, {@code fastest-response}, {@code sticky}.
   *
   * @throws IllegalArgumentException for any other name
   */
  static ReplicaSelector forName(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "round-robin":
        return roundRobin();
      case "random":
        return random();
      case "least-connections":
        return leastConnections();
      case "fastest-response":
        return fastestResponse();
      case "sticky":
        return sticky();
      default:
        throw new IllegalArgumentException("unknown read strategy '" + name
            + "' (accepts round-robin, random, least-connections, fastest-response, sticky)");
    }
  }

  private static ReplicaState lowest(List<ReplicaState> eligible, AtomicInteger next,
      java.util.function.ToLongFunction<ReplicaState> measure) {
    int size = eligible.size();
    int start = Math.floorMod(next.getAndIncrement(), size);
    ReplicaState best = null;
    long bestValue = Long.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      ReplicaState candidate = eligible.get((start + i) % size);
      long value = measure.applyAsLong(candidate);
      if (best == null || value < bestValue) {
        best = candidate;
        bestValue = value;
      }
    }
    return best;
  }
}
