package dev.cachet.cache.shared;

/**
 * An immutable snapshot of a {@link RedisSharedTier}'s counters. Counters only grow; {@code state} and
 * {@code pendingBumps} are current.
 *
 * @param state               {@code up}, {@code connecting}, {@code recovering} (connected, not yet trusted again)
 *                            or {@code down}
 * @param hits                look-ups answered from Redis (verified against the current versions)
 * @param misses              look-ups Redis could not answer (absent, stale, refused as bad input)
 * @param staleEntries        entries found whose versions were behind the current ones (never served)
 * @param localChecks         in-process hits checked against Redis ({@code strict})
 * @param localChecksStale    of those, hits refused because another instance had written a table they read
 * @param leasesTaken         misses that took the key's lease (this instance fills it)
 * @param leaseWaits          misses that waited for another instance's fill
 * @param leaseWaitHits       waits that ended with that instance's entry
 * @param leaseWaitTimeouts   waits that ended without it (the query then ran here)
 * @param stores              entries written to Redis
 * @param storesSkipped       fills not written: over {@code maxEntryBytes}, not encodable, a key without a shared
 *                            digest, the store queue full, or Redis unusable
 * @param bytesRead           value bytes read for hits
 * @param bytesWritten        value bytes written
 * @param oversizeEntries     values read over {@code maxEntryBytes} (never decoded)
 * @param foreignValues       values under Cachet's keys in no format of Cachet's
 * @param corruptValues       values that failed their checksum, authentication or structure
 * @param wrongKeyValues      values encrypted under another key, or plain while a key is configured (or the reverse)
 * @param decodeFailures      values the result codec refused, or whose shape was missing
 * @param fallbacks           operations answered without Redis: it was down, slow, refusing, or not trusted yet
 * @param timeouts            Redis calls that ran out of time
 * @param refusals            Redis calls refused (OOM, NOPERM, other error replies)
 * @param bumps               version bumps made (invalidate and invalidateAll)
 * @param pendingBumps        tables (or 1 for everything) whose bump could not be made yet
 * @param published           invalidations published
 * @param messagesReceived    invalidations received from other instances
 * @param streamLosses        times the invalidation stream or a connection was found lost
 * @param localFlushes        in-process flushes because the stream was lost or came back
 * @param resyncs             times trust was restored after a loss (epoch bumped, pending bumps made)
 * @param catalogChanges      catalog changes (DDL) received from other instances; each makes this instance read its
 *                            catalog again, as does each time the tier comes to trust Redis
 */
public record SharedTierStatistics(String state, long hits, long misses, long staleEntries, long localChecks,
                                   long localChecksStale, long leasesTaken, long leaseWaits, long leaseWaitHits,
                                   long leaseWaitTimeouts, long stores, long storesSkipped, long bytesRead,
                                   long bytesWritten, long oversizeEntries, long foreignValues, long corruptValues,
                                   long wrongKeyValues, long decodeFailures, long fallbacks, long timeouts,
                                   long refusals, long bumps, long pendingBumps, long published,
                                   long messagesReceived, long streamLosses, long localFlushes, long resyncs,
                                   long catalogChanges) {

    /** Values refused as bad input of any kind. */
    public long badValues() {
        return oversizeEntries + foreignValues + corruptValues + wrongKeyValues + decodeFailures;
    }
}
