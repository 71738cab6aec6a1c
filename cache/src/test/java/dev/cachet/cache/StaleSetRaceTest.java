package dev.cachet.cache;

import static dev.cachet.cache.TestResults.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §6 "no stale set": a reader whose query ran before a write committed must not store its rows
 * after the write's invalidation — the interleaving forced with latches, against a real database.
 */
class StaleSetRaceTest {

    @Test
    void aFillWhoseQueryRanBeforeTheWriteIsNotStoredAfterTheInvalidation() throws Exception {
        String url = "jdbc:h2:mem:race;DB_CLOSE_DELAY=-1";
        try (Connection reader = DriverManager.getConnection(url); Connection writer = DriverManager.getConnection(url)) {
            try (Statement s = writer.createStatement()) {
                s.execute("CREATE TABLE ACCOUNTS (ID INT PRIMARY KEY, BALANCE INT)");
                s.execute("INSERT INTO ACCOUNTS SELECT X, 100 FROM SYSTEM_RANGE(1, 3)");
            }
            ResultCache cache = new ResultCache(CacheSettings.builder().executor(Runnable::run).build());
            String sql = "SELECT ID, BALANCE FROM ACCOUNTS ORDER BY ID";
            QueryKey k = key(sql);
            CountDownLatch queryRan = new CountDownLatch(1);
            CountDownLatch invalidated = new CountDownLatch(1);

            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try (Statement s = reader.createStatement()) {
                    FillTicket ticket = cache.beginFill(k, Set.of("accounts"), null);
                    try (ResultSet rs = ResultTee.wrap(s.executeQuery(sql), s, ticket, cache, ValueProfile.standard())) {
                        rs.next();
                        int firstBalance = rs.getInt(2);
                        queryRan.countDown();
                        assertThat(invalidated.await(30, TimeUnit.SECONDS)).isTrue();
                        while (rs.next()) {
                            // reading on to the end would store the (now old) rows
                        }
                        return firstBalance;
                    }
                } catch (SQLException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            assertThat(queryRan.await(30, TimeUnit.SECONDS)).isTrue();
            try (Statement s = writer.createStatement()) {
                s.executeUpdate("UPDATE ACCOUNTS SET BALANCE = 50 WHERE ID = 1"); // autocommit: committed here
            }
            cache.invalidate(List.of("accounts"));
            invalidated.countDown();

            assertThat(read.get(30, TimeUnit.SECONDS)).as("the reader saw the old balance").isEqualTo(100);
            assertThat(cache.get(k)).as("its rows were not stored").isNull();
            assertThat(cache.statistics().fillsDroppedStale()).isEqualTo(1);

            // the next reader fills with the new data
            try (Statement s = reader.createStatement()) {
                FillTicket ticket = cache.beginFill(k, Set.of("accounts"), null);
                try (ResultSet rs = ResultTee.wrap(s.executeQuery(sql), s, ticket, cache, ValueProfile.standard())) {
                    while (rs.next()) {
                        // fill
                    }
                }
            }
            ResultSet cached = cache.get(k).toResultSet(null);
            cached.next();
            assertThat(cached.getInt("balance")).isEqualTo(50);
        }
    }
}
