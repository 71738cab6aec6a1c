package dev.cachet.driver;

import java.util.Locale;

/**
 * How an autocommit read picks among the healthy replicas of a cluster (setting {@code cachet.readStrategy},
 * DESIGN §9). Written in settings in lower case with hyphens: {@code round-robin}, {@code random},
 * {@code least-connections}, {@code fastest-response}, {@code sticky}.
 */
public enum ReadStrategy {
    /** Each read takes the next replica in turn. The default: even spread, no bookkeeping. */
    ROUND_ROBIN,
    /** Each read takes a replica at random. */
    RANDOM,
    /** Each read takes the replica with the fewest reads in flight. */
    LEAST_CONNECTIONS,
    /** Each read takes the replica with the lowest recent response time. */
    FASTEST_RESPONSE,
    /**
     * Each logical connection reads from the replica it read from last while that replica may serve the read (in the
     * rotation, and replayed what read-your-writes requires of it), else from the next one in turn, which it keeps
     * from then on. One server process per connection answers its reads; the spread over replicas comes from the
     * connections, not from the reads.
     */
    STICKY;

    /** The name as written in settings, e.g. {@code round-robin}. */
    public String settingValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
