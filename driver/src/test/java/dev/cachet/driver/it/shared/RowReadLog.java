package dev.cachet.driver.it.shared;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The states and reads every {@link RowLoad} logged, merged across instances and checked. Each item — a key, or the
 * sum of a group of counters — has one writer, so its states form one sequence, each with the time its statement or
 * commit returned (states written in one transaction share it). A read that started at {@code s} and ended at
 * {@code e} must have seen one of the states from the last one returned before {@code s} to the last one of the
 * first write still unreturned at {@code e} (the next write starts only after that one returned): anything before
 * is a <em>stale</em> read, and so is a value the item never had.
 */
final class RowReadLog {

    long reads;
    long states;
    long stale;
    final long[] counts = new long[RowLoad.COUNTS];
    final List<String> details = new ArrayList<>();

    static RowReadLog of(List<Path> files) throws IOException {
        Map<Long, List<long[]>> byItem = new HashMap<>();
        List<long[]> observations = new ArrayList<>();
        RowReadLog log = new RowReadLog();
        for (Path f : files) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(f.toFile())))) {
                for (int i = 0; i < RowLoad.COUNTS; i++) {
                    log.counts[i] += in.readLong();
                }
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    long[] s = {in.readLong(), in.readLong(), in.readLong()};
                    byItem.computeIfAbsent(s[0], k -> new ArrayList<>()).add(s); // in its writer's order
                }
                int m = in.readInt();
                for (int i = 0; i < m; i++) {
                    observations.add(new long[] {in.readLong(), in.readLong(), in.readLong(), in.readLong()});
                }
            }
        }
        return log.check(byItem, observations);
    }

    /**
     * Checks {@code observations} ({@code item, value seen, start, end}) against the states of each item
     * ({@code item, value, returned}, in its writer's order).
     */
    RowReadLog check(Map<Long, List<long[]>> byItem, List<long[]> observations) {
        byItem.values().forEach(list -> states += list.size());
        for (long[] o : observations) {
            reads++;
            List<long[]> itemStates = byItem.get(o[0]);
            if (itemStates == null || !holds(itemStates, o[1], o[2], o[3])) {
                stale++;
                if (details.size() < 10) {
                    details.add("item " + o[0] + " saw " + o[1] + " in a read from " + o[2] + " to " + o[3]
                            + " µs; its states (value@returned): " + around(itemStates, o[2], o[3]));
                }
            }
        }
        return this;
    }

    private static boolean holds(List<long[]> states, long seen, long start, long end) {
        int from = 0;
        int returned = 0; // the last state returned before the read ended
        for (int i = 0; i < states.size(); i++) {
            if (states.get(i)[2] < start) {
                from = i;
            }
            if (states.get(i)[2] < end) {
                returned = i;
            }
        }
        int to = returned;
        if (returned + 1 < states.size()) {
            long next = states.get(returned + 1)[2]; // the write in flight at the end: all of its states
            to = returned + 1;
            while (to + 1 < states.size() && states.get(to + 1)[2] == next) {
                to++;
            }
        }
        for (int i = from; i <= to; i++) {
            if (states.get(i)[1] == seen) {
                return true;
            }
        }
        return false;
    }

    private static String around(List<long[]> states, long start, long end) {
        if (states == null) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (long[] s : states) {
            if (s[2] > start - 200_000 && s[2] < end + 200_000 || s[2] == 0) {
                b.append(s[1]).append('@').append(s[2]).append(' ');
            }
        }
        return b.toString().trim();
    }

    static double ratio(long hits, long misses) {
        return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
    }

    @Override
    public String toString() {
        return String.format("%d reads checked against %d logged states, %d stale; key look-ups %d hits / %d misses,"
                        + " untouched keys %d / %d, group sums %d / %d", reads, states, stale,
                counts[RowLoad.KEY_HITS], counts[RowLoad.KEY_MISSES], counts[RowLoad.UNTOUCHED_HITS],
                counts[RowLoad.UNTOUCHED_MISSES], counts[RowLoad.SUM_HITS], counts[RowLoad.SUM_MISSES]);
    }
}
