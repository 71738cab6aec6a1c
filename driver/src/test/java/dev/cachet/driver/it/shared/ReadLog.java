package dev.cachet.driver.it.shared;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The writes and reads every {@link SharedWorker} recorded, merged. For each table (one writer, values counting up) the
 * acknowledgements are ordered in value and in time; a read that started after the acknowledgement of a value
 * greater than the one it saw is <em>stale</em>, by how long before it started that acknowledgement came.
 */
final class ReadLog {

    long reads;
    long acks;
    final List<Long> staleness = new ArrayList<>();
    /** When each stale read started, microseconds since the epoch. */
    final List<Long> staleStarts = new ArrayList<>();
    private final List<Long> readStarts = new ArrayList<>();

    static ReadLog of(List<Path> files, int tables) throws IOException {
        List<List<long[]>> acks = new ArrayList<>();
        for (int i = 0; i < tables; i++) {
            acks.add(new ArrayList<>());
        }
        List<long[]> observations = new ArrayList<>();
        for (Path f : files) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(f.toFile())))) {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    long[] a = {in.readLong(), in.readLong(), in.readLong()};
                    acks.get((int) a[0]).add(a);
                }
                int m = in.readInt();
                for (int i = 0; i < m; i++) {
                    observations.add(new long[] {in.readLong(), in.readLong(), in.readLong()});
                }
            }
        }
        ReadLog log = new ReadLog();
        long[][] values = new long[tables][];
        long[][] times = new long[tables][];
        for (int t = 0; t < tables; t++) {
            List<long[]> list = acks.get(t);
            list.sort((a, b) -> Long.compare(a[1], b[1]));
            values[t] = list.stream().mapToLong(a -> a[1]).toArray();
            times[t] = list.stream().mapToLong(a -> a[2]).toArray();
            log.acks += list.size();
        }
        for (long[] o : observations) {
            int t = (int) o[0];
            long seen = o[1];
            long start = o[2];
            log.reads++;
            log.readStarts.add(start);
            // the first acknowledged value above the one seen: if it was acknowledged before the read began, stale
            int i = Arrays.binarySearch(values[t], seen + 1);
            if (i < 0) {
                i = -i - 1;
            }
            if (i < values[t].length && times[t][i] < start) {
                log.staleness.add(start - times[t][i]);
                log.staleStarts.add(start);
            }
        }
        log.staleness.sort(Long::compare);
        return log;
    }

    long stale() {
        return staleness.size();
    }

    /** Stale reads that started at or after {@code micros} (since the epoch). */
    long staleSince(long micros) {
        return staleStarts.stream().filter(t -> t >= micros).count();
    }

    /** Reads that started at or after {@code micros} (since the epoch). */
    long readsSince(long micros) {
        return readStarts.stream().filter(t -> t >= micros).count();
    }

    /** The p-th percentile of staleness, microseconds (0 with no stale read). */
    long percentile(double p) {
        if (staleness.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100 * staleness.size()) - 1;
        return staleness.get(Math.max(0, Math.min(i, staleness.size() - 1)));
    }

    @Override
    public String toString() {
        return reads + " reads, " + acks + " acknowledged writes, " + stale() + " stale" + (staleness.isEmpty() ? ""
                : " (staleness p50 " + percentile(50) + " µs, p99 " + percentile(99) + " µs, max "
                        + percentile(100) + " µs)");
    }
}
