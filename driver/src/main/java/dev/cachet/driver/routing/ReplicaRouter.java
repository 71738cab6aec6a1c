package dev.cachet.driver.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Chooses the replica that serves a read, or none (then the read goes to the primary), for one cluster
 * (DESIGN §9): among replicas that are healthy, on the primary's timeline and within {@code cachet.maxReplicaLag},
 * those that have replayed every write the read's tables require, picked by the read strategy.
 *
 * <p>The {@link ReplicaPoller} keeps the replicas' states and the primary's timeline current; writers report to
 * {@link #readYourWrites()}. Thread-safe; a choice takes no lock and makes no database call.
 */
public final class ReplicaRouter {

  /** Replicas up to this many have every eligible subset listed once ({@link #subsets}). */
  private static final int LISTED_SUBSETS = 8;

  private final List<ReplicaState> replicas;
  /**
   * Every subset of {@link #replicas} as an immutable list in configured order, indexed by its bit mask (bit i: the
   * i-th replica), so that a choice hands the read strategy the eligible ones without allocating a list per read;
   * null beyond {@link #LISTED_SUBSETS} replicas.
   */
  private final List<ReplicaState>[] subsets;
  private final ReplicaSelector selector;
  private final ReadYourWrites readYourWrites;
  private final Duration maxLag;
  private volatile long primaryTimeline;
  /** Asks the poller for an early round; a no-op until one is attached. */
  private volatile Runnable sampleWanted = () -> { };

  /**
   * A router over {@code replicas} (in configured order).
   *
   * @param maxLag the largest lag a replica may have and still serve reads; null for no limit
   */
  public ReplicaRouter(List<ReplicaState> replicas, ReplicaSelector selector, ReadYourWrites readYourWrites,
      Duration maxLag) {
    this.replicas = List.copyOf(replicas);
    this.subsets = this.replicas.size() <= LISTED_SUBSETS ? subsets(this.replicas) : null;
    this.selector = selector;
    this.readYourWrites = readYourWrites;
    this.maxLag = maxLag;
  }

  /** The replicas, in configured order. */
  public List<ReplicaState> replicas() {
    return replicas;
  }

  /** The cluster's read-your-writes record, to which writers report. */
  public ReadYourWrites readYourWrites() {
    return readYourWrites;
  }

  /** The primary's timeline as last observed; 0 before the first observation (then no replica is eligible). */
  public long primaryTimeline() {
    return primaryTimeline;
  }

  /** Records the primary's current timeline; replicas on another one leave the rotation. */
  public void primaryObserved(long timeline) {
    primaryTimeline = timeline;
  }

  /**
   * Attaches what asks for an early primary sample ({@link ReplicaPoller#requestRound}); null detaches it. Called
   * when a read finds its tables pinned to the primary by a commit that still waits for a sample.
   */
  public void whenSampleWanted(Runnable request) {
    sampleWanted = request == null ? () -> { } : request;
  }

  /**
   * Asks for an early primary sample when a commit waits for one (it keeps the tables it wrote on the primary until
   * then). Never blocks and makes no database call: the poller takes the sample on its own thread.
   */
  public void requestSampleIfAwaited() {
    if (readYourWrites.awaitingSample()) {
      sampleWanted.run();
    }
  }

  /**
   * The replica to serve an autocommit read of {@code tables} (canonical names), or null when none may: then the
   * primary serves it.
   */
  public ReplicaState chooseFor(Collection<String> tables) {
    return choose(readYourWrites.requiredPosition(tables), null);
  }

  /**
   * As {@link #chooseFor(Collection)}, for a logical connection that read from {@code previous} last (null: none): the
   * read strategy may keep it there ({@link ReplicaSelector#sticky()}), but only when {@code previous} is eligible for
   * this read exactly as any other replica would have to be.
   */
  public ReplicaState chooseFor(Collection<String> tables, ReplicaState previous) {
    return choose(readYourWrites.requiredPosition(tables), previous);
  }

  /**
   * Whether {@code replica} may serve an autocommit read of {@code tables} now: it is one {@link #chooseFor} could
   * pick (in the rotation, replayed what the tables require).
   */
  public boolean mayServe(ReplicaState replica, Collection<String> tables) {
    Lsn required = readYourWrites.requiredPosition(tables);
    if (required.equals(Lsn.MAX)) {
      requestSampleIfAwaited();
      return false;
    }
    return replica.eligible(primaryTimeline, maxLag) && replica.hasReplayed(required);
  }

  /**
   * The replica to serve a read-only transaction, which may read any table: one that has replayed every write
   * recorded for the cluster, or null (the primary).
   */
  public ReplicaState chooseForReadOnlyTransaction() {
    return choose(readYourWrites.requiredPositionForAll(), null);
  }

  /** The replicas that may serve a read requiring {@code required} now. */
  public List<ReplicaState> eligible(Lsn required) {
    List<ReplicaState> eligible = new ArrayList<>(replicas.size());
    if (required.equals(Lsn.MAX)) {
      return eligible;
    }
    long timeline = primaryTimeline;
    for (ReplicaState replica : replicas) {
      if (replica.eligible(timeline, maxLag) && replica.hasReplayed(required)) {
        eligible.add(replica);
      }
    }
    return eligible;
  }

  private ReplicaState choose(Lsn required, ReplicaState previous) {
    if (required.equals(Lsn.MAX)) {
      // a write to these tables is in flight or waits for its sample: the primary serves, the poller samples soon
      requestSampleIfAwaited();
      return null;
    }
    if (subsets == null) {
      List<ReplicaState> eligible = eligible(required);
      return eligible.isEmpty() ? null : selector.select(eligible, previous);
    }
    // the same list eligible(required) builds, taken from the listed subsets: every autocommit read chooses here
    long timeline = primaryTimeline;
    int mask = 0;
    for (int i = 0; i < replicas.size(); i++) {
      ReplicaState replica = replicas.get(i);
      if (replica.eligible(timeline, maxLag) && replica.hasReplayed(required)) {
        mask |= 1 << i;
      }
    }
    return mask == 0 ? null : selector.select(subsets[mask], previous);
  }

  /** Every subset of {@code replicas}, in their order, at the index of its bit mask. */
  @SuppressWarnings("unchecked")
  private static List<ReplicaState>[] subsets(List<ReplicaState> replicas) {
    List<ReplicaState>[] all = new List[1 << replicas.size()];
    for (int mask = 0; mask < all.length; mask++) {
      List<ReplicaState> subset = new ArrayList<>(Integer.bitCount(mask));
      for (int i = 0; i < replicas.size(); i++) {
        if ((mask & (1 << i)) != 0) {
          subset.add(replicas.get(i));
        }
      }
      all[mask] = List.copyOf(subset);
    }
    return all;
  }
}
