package dev.cachet.cache.shared;

import java.util.concurrent.atomic.LongAdder;

/** The always-on counters behind {@link SharedTierStatistics}: striped adders, cheap under contention. */
final class SharedCounters {

    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder staleEntries = new LongAdder();
    final LongAdder localChecks = new LongAdder();
    final LongAdder localChecksStale = new LongAdder();
    final LongAdder leasesTaken = new LongAdder();
    final LongAdder leaseWaits = new LongAdder();
    final LongAdder leaseWaitHits = new LongAdder();
    final LongAdder leaseWaitTimeouts = new LongAdder();
    final LongAdder stores = new LongAdder();
    final LongAdder storesSkipped = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder oversizeEntries = new LongAdder();
    final LongAdder foreignValues = new LongAdder();
    final LongAdder corruptValues = new LongAdder();
    final LongAdder wrongKeyValues = new LongAdder();
    final LongAdder decodeFailures = new LongAdder();
    final LongAdder fallbacks = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder refusals = new LongAdder();
    final LongAdder bumps = new LongAdder();
    final LongAdder published = new LongAdder();
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder streamLosses = new LongAdder();
    final LongAdder localFlushes = new LongAdder();
    final LongAdder resyncs = new LongAdder();
    final LongAdder catalogChanges = new LongAdder();

    /** Counts a value refused for {@code problem}. */
    void count(Envelope.Problem problem) {
        switch (problem) {
            case FOREIGN -> foreignValues.increment();
            case CORRUPT -> corruptValues.increment();
            case WRONG_KEY -> wrongKeyValues.increment();
            default -> throw new AssertionError(problem);
        }
    }

    SharedTierStatistics snapshot(String state, long pendingBumps) {
        return new SharedTierStatistics(state, hits.sum(), misses.sum(), staleEntries.sum(), localChecks.sum(),
                localChecksStale.sum(), leasesTaken.sum(), leaseWaits.sum(), leaseWaitHits.sum(),
                leaseWaitTimeouts.sum(), stores.sum(), storesSkipped.sum(), bytesRead.sum(), bytesWritten.sum(),
                oversizeEntries.sum(), foreignValues.sum(), corruptValues.sum(), wrongKeyValues.sum(),
                decodeFailures.sum(), fallbacks.sum(), timeouts.sum(), refusals.sum(), bumps.sum(), pendingBumps,
                published.sum(), messagesReceived.sum(), streamLosses.sum(), localFlushes.sum(), resyncs.sum(),
                catalogChanges.sum());
    }
}
