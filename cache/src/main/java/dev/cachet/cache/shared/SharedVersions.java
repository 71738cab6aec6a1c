package dev.cachet.cache.shared;

import dev.cachet.cache.SharedTier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The shared versions of some tables at one moment, as read from the versions hash: the generation (a random
 * number that changes when the hash is lost, so no entry written before survives the loss), the global epoch
 * (bumped by invalidateAll and after a lost connection), and one counter per table (0 when never bumped).
 * Immutable. A generation of 0 means the hash had none: nothing is ever served under it.
 */
final class SharedVersions implements SharedTier.Stamp {

    final long generation;
    final long epoch;
    final long[] tables;

    SharedVersions(long generation, long epoch, long[] tables) {
        this.generation = generation;
        this.epoch = epoch;
        this.tables = tables;
    }

    /** Parses the values of an HMGET of {@link KeySpace#versionFields}; null values count as 0. */
    static SharedVersions parse(List<byte[]> values) {
        long[] tables = new long[values.size() - 2];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = number(values.get(i + 2));
        }
        return new SharedVersions(number(values.get(0)), number(values.get(1)), tables);
    }

    static long number(byte[] value) {
        return value == null ? 0 : Long.parseLong(new String(value, StandardCharsets.US_ASCII));
    }

    /** True when a generation exists: entries may be served and stored under it. */
    boolean usable() {
        return generation != 0;
    }

    /** Equal generation, epoch and every table version (the tables being the same, in the same order). */
    boolean sameAs(SharedVersions other) {
        return generation == other.generation && epoch == other.epoch && Arrays.equals(tables, other.tables);
    }

    @Override
    public String toString() {
        return "SharedVersions[gen=" + generation + ", epoch=" + epoch + ", tables=" + Arrays.toString(tables) + "]";
    }
}
