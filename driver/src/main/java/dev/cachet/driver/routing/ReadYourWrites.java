package dev.cachet.driver.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read-your-writes rule of DESIGN §9, for one cluster: after a write to table T commits, a replica may serve a
 * read of T only once it has replayed a primary WAL position sampled <em>after</em> that commit returned.
 *
 * <p>Protocol for a writer: call {@link #beginWrite} before the statement or commit that makes the write visible,
 * then exactly one of {@link #committed} (with {@code pg_current_wal_insert_lsn()} taken on the primary after the
 * commit returned), {@link #committedUnsampled} (the commit happened or may have happened, and no position was
 * sampled with it: the next poller sample that started after it stands in — what the driver reports, so that a
 * commit costs no extra round trip) or {@link #abandoned} (nothing was committed,
 * e.g. a rollback). From {@code beginWrite} until the position is known, reads of the tables go to the primary, so
 * no read that starts after the commit returned can land on a replica that lacks it.
 *
 * <p>Table names are canonical (lower-case, unqualified). A write to every table (unknown statement, opaque
 * trigger) is recorded with {@code allTables}. Thread-safe; {@link #requiredPosition} is lock-free.
 */
public final class ReadYourWrites {

  /** A write in progress, from {@link #beginWrite} to its outcome. */
  public static final class WriteTicket {
    private final Set<String> tables;
    private final boolean allTables;
    /** The marks it counted in: an outcome reported after a {@link #reset} must not touch the new ones. */
    private final ConcurrentHashMap<String, Mark> marks;
    private long committedAtNanos;
    private boolean finished;

    private WriteTicket(Set<String> tables, boolean allTables, ConcurrentHashMap<String, Mark> marks) {
      this.tables = tables;
      this.allTables = allTables;
      this.marks = marks;
    }
  }

  /** The requirement for one table (or for all): the position reads must wait for, and writes still unresolved. */
  private record Mark(Lsn required, int unresolved) {
    static final Mark NONE = new Mark(Lsn.ZERO, 0);
  }

  private static final String ALL = "\u0000all";

  /** Replaced, not cleared, by {@link #reset}: a write begun before it resolves its own marks, never newer ones. */
  private volatile ConcurrentHashMap<String, Mark> marks = new ConcurrentHashMap<>();
  private final List<WriteTicket> awaitingSample = new ArrayList<>();
  /** Whether {@link #awaitingSample} is non-empty, readable without its lock. */
  private volatile boolean samplePending;

  /**
   * Announces a write to {@code tables} (or to every table when {@code allTables}) that is about to commit. Until its
   * outcome is reported, reads of those tables require the primary.
   */
  public WriteTicket beginWrite(Collection<String> tables, boolean allTables) {
    WriteTicket ticket = new WriteTicket(Set.copyOf(tables), allTables, marks);
    forEachKey(ticket, key -> ticket.marks.compute(key, (k, mark) -> {
      Mark m = mark == null ? Mark.NONE : mark;
      return new Mark(m.required(), m.unresolved() + 1);
    }));
    return ticket;
  }

  /**
   * The write committed, and {@code positionAfterCommit} was sampled on the primary after the commit returned:
   * replicas that have replayed it may serve reads of the written tables again.
   */
  public void committed(WriteTicket ticket, Lsn positionAfterCommit) {
    finish(ticket);
    resolve(ticket, positionAfterCommit);
  }

  /**
   * The write committed (or its outcome is unknown) at {@code committedAtNanos} on the poller's {@link Ticker}, but
   * no position was sampled: the tables stay on the primary until {@link #primarySampled} reports a sample that
   * started later.
   */
  public void committedUnsampled(WriteTicket ticket, long committedAtNanos) {
    finish(ticket);
    synchronized (awaitingSample) {
      ticket.committedAtNanos = committedAtNanos;
      awaitingSample.add(ticket);
      samplePending = true;
    }
  }

  /** Nothing was committed (rolled back, failed before commit): the announcement is withdrawn. */
  public void abandoned(WriteTicket ticket) {
    finish(ticket);
    resolve(ticket, null);
  }

  /**
   * A primary insert position sampled by a query that started at {@code sampleStartedNanos}: resolves the unsampled
   * commits that returned before then. Returns how many tables (or the all-tables mark) it freed: left with no write
   * unresolved, so that replicas that replay the position may serve them again.
   */
  public int primarySampled(Lsn primaryInsert, long sampleStartedNanos) {
    List<WriteTicket> resolved = new ArrayList<>();
    synchronized (awaitingSample) {
      awaitingSample.removeIf(ticket -> {
        boolean before = sampleStartedNanos - ticket.committedAtNanos > 0;
        if (before) {
          resolved.add(ticket);
        }
        return before;
      });
      samplePending = !awaitingSample.isEmpty();
    }
    int freed = 0;
    for (WriteTicket ticket : resolved) {
      freed += resolve(ticket, primaryInsert);
    }
    return freed;
  }

  /**
   * Whether a commit reported by {@link #committedUnsampled} still waits for a primary sample: then a read that
   * finds its tables pinned to the primary may ask the poller for an early round. Lock-free.
   */
  public boolean awaitingSample() {
    return samplePending;
  }

  /**
   * The position a replica must have replayed to serve a read of {@code tables}: {@link Lsn#ZERO} when no write
   * constrains it, {@link Lsn#MAX} (only the primary) while a write to one of them is unresolved.
   */
  public Lsn requiredPosition(Collection<String> tables) {
    ConcurrentHashMap<String, Mark> current = marks;
    Lsn required = required(current.get(ALL), Lsn.ZERO);
    for (String table : tables) {
      required = required(current.get(table), required);
    }
    return required;
  }

  /**
   * The position a replica must have replayed to have every write recorded here (a read-only transaction may read
   * any table): the largest requirement of all, or {@link Lsn#MAX} while any write is unresolved.
   */
  public Lsn requiredPositionForAll() {
    Lsn required = Lsn.ZERO;
    for (Mark mark : marks.values()) {
      required = required(mark, required);
    }
    return required;
  }

  /** Forgets every requirement (after a failover the old positions mean nothing; the cache is flushed too). */
  public void reset() {
    synchronized (awaitingSample) {
      awaitingSample.clear();
      samplePending = false;
      marks = new ConcurrentHashMap<>();
    }
  }

  private static Lsn required(Mark mark, Lsn atLeast) {
    if (mark == null) {
      return atLeast;
    }
    return mark.unresolved() > 0 ? Lsn.MAX : Lsn.max(mark.required(), atLeast);
  }

  /** Resolves {@code ticket}'s marks; returns how many were left with no write unresolved. */
  private int resolve(WriteTicket ticket, Lsn position) {
    int[] freed = {0};
    boolean current = ticket.marks == marks;
    forEachKey(ticket, key -> {
      Mark after = ticket.marks.computeIfPresent(key, (k, mark) ->
          new Mark(position == null ? mark.required() : Lsn.max(mark.required(), position), mark.unresolved() - 1));
      if (current && after != null && after.unresolved() == 0) {
        freed[0]++;
      }
    });
    return freed[0];
  }

  private static void finish(WriteTicket ticket) {
    synchronized (ticket) {
      if (ticket.finished) {
        throw new IllegalStateException("write outcome already reported");
      }
      ticket.finished = true;
    }
  }

  private static void forEachKey(WriteTicket ticket, java.util.function.Consumer<String> action) {
    if (ticket.allTables) {
      action.accept(ALL);
    }
    for (String table : ticket.tables) {
      action.accept(table);
    }
  }
}
