package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §6's guarantee under concurrency: a read that starts after a write through Cachet has committed never
 * returns data from before it, from any connection, whatever fills race with the writes.
 */
class ConsistencyTest {

    static final int WRITERS = 2;
    static final int READERS = 4;
    static final int WRITES_PER_WRITER = 150;

    @Test
    void readsStartedAfterACommitNeverSeeAnOlderValue() throws Exception {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE counter(id INT PRIMARY KEY, n BIGINT)", "INSERT INTO counter VALUES (1, 0)");
            AtomicLong committed = new AtomicLong(); // highest value known committed through Cachet
            AtomicLong stale = new AtomicLong();
            AtomicLong reads = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
            java.util.concurrent.CountDownLatch writersDone = new java.util.concurrent.CountDownLatch(WRITERS);
            List<Future<?>> futures = new ArrayList<>();
            try {
                for (int w = 0; w < WRITERS; w++) {
                    boolean transactional = w % 2 == 1;
                    futures.add(pool.submit(() -> {
                        try (Connection c = db.cachet()) {
                            c.setAutoCommit(!transactional);
                            for (int i = 0; i < WRITES_PER_WRITER; i++) {
                                long value;
                                try (PreparedStatement up = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1")) {
                                    up.executeUpdate();
                                }
                                try (PreparedStatement q = c.prepareStatement(
                                        "/*cachet:nocache*/ SELECT n FROM counter WHERE id = 1");
                                     ResultSet rs = q.executeQuery()) {
                                    rs.next();
                                    value = rs.getLong(1);
                                }
                                if (transactional) {
                                    c.commit();
                                }
                                committed.accumulateAndGet(value, Math::max);
                            }
                        } finally {
                            writersDone.countDown();
                        }
                        return null;
                    }));
                }
                for (int r = 0; r < READERS; r++) {
                    boolean prepared = r % 2 == 0;
                    futures.add(pool.submit(() -> {
                        try (Connection c = db.cachet()) {
                            while (writersDone.getCount() > 0) {
                                long floor = committed.get(); // committed before this read starts
                                long seen;
                                if (prepared) {
                                    try (PreparedStatement q = c.prepareStatement("SELECT n FROM counter WHERE id = ?")) {
                                        q.setInt(1, 1);
                                        try (ResultSet rs = q.executeQuery()) {
                                            rs.next();
                                            seen = rs.getLong(1);
                                        }
                                    }
                                } else {
                                    seen = Long.parseLong(H2Database.value(c, "SELECT n FROM counter WHERE id = 1"));
                                }
                                reads.incrementAndGet();
                                if (seen < floor) {
                                    stale.incrementAndGet();
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(committed.get()).isEqualTo((long) WRITERS * WRITES_PER_WRITER);
            assertThat(reads.get()).isGreaterThan(0);
            assertThat(stale.get()).as("stale reads out of %d", reads.get()).isZero();
        }
    }

    @Test
    void sequentialReadAfterCommitSeesTheWriteFromAnyConnection() throws SQLException {
        try (H2Database db = new H2Database()) {
            db.exec("CREATE TABLE t(id INT PRIMARY KEY, v INT)", "INSERT INTO t VALUES (1, 0)");
            try (Connection a = db.cachet(); Connection b = db.cachet()) {
                for (int i = 1; i <= 20; i++) {
                    assertThat(H2Database.value(b, "SELECT v FROM t WHERE id = 1")).isEqualTo(String.valueOf(i - 1));
                    try (java.sql.Statement s = a.createStatement()) {
                        s.executeUpdate("UPDATE t SET v = " + i + " WHERE id = 1");
                    }
                    assertThat(H2Database.value(b, "SELECT v FROM t WHERE id = 1")).isEqualTo(String.valueOf(i));
                    assertThat(H2Database.value(a, "SELECT v FROM t WHERE id = 1")).isEqualTo(String.valueOf(i));
                }
            }
        }
    }
}
