package dev.cachet.cache;

import static dev.cachet.cache.TestResults.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResultTeeTest {

    private Connection connection;
    private Statement statement;

    @BeforeEach
    void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:tee" + System.nanoTime());
        statement = connection.createStatement();
        statement.execute("CREATE TABLE T (ID INT PRIMARY KEY, NAME VARCHAR(20), DATA BLOB)");
        statement.execute("INSERT INTO T SELECT X, 'name' || X, NULL FROM SYSTEM_RANGE(1, 5)");
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    private ResultCache cache(int maxRows, long maxBytes) {
        return new ResultCache(CacheSettings.builder().maxRowsPerEntry(maxRows).maxBytesPerEntry(maxBytes)
                .inFlightWait(Duration.ofSeconds(30)).executor(Runnable::run).build());
    }

    private static final String SQL = "SELECT ID, NAME FROM T ORDER BY ID";

    private static List<String> readAll(ResultSet rs) throws SQLException {
        List<String> rows = new ArrayList<>();
        while (rs.next()) {
            rows.add(rs.getInt(1) + ":" + rs.getString("name"));
        }
        return rows;
    }

    @Test
    void readingToTheEndStoresTheResultAndTheApplicationSeesTheRealRows() throws SQLException {
        ResultCache cache = cache(100, 1 << 20);
        QueryKey k = key(SQL);
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        List<String> seen;
        try (ResultSet rs = ResultTee.wrap(statement.executeQuery(SQL), statement, t, cache, ValueProfile.standard())) {
            assertThat(rs.getStatement()).isSameAs(statement);
            seen = readAll(rs);
            assertThat(cache.get(k)).as("stored when the end was reached, before close").isNotNull();
        }
        assertThat(seen).hasSize(5).startsWith("1:name1");
        assertThat(readAll(cache.get(k).toResultSet(statement))).isEqualTo(seen);
        assertThat(cache.statistics().fills()).isEqualTo(1);
    }

    @Test
    void anEarlyCloseReadsOnAndStoresWithinTheCaps() throws SQLException {
        ResultCache cache = cache(100, 1 << 20);
        QueryKey k = key(SQL);
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        ResultSet real = statement.executeQuery(SQL);
        try (ResultSet rs = ResultTee.wrap(real, statement, t, cache, ValueProfile.standard())) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        assertThat(real.isClosed()).isTrue();
        MaterializedResult stored = cache.get(k);
        assertThat(stored).isNotNull();
        assertThat(stored.rowCount()).isEqualTo(5);
    }

    @Test
    void aTimedFillTellsItsCostOnceWhenStoredAndAFillNotStoredNever() throws SQLException {
        ResultCache cache = cache(100, 1 << 20);
        List<Long> costs = new ArrayList<>();
        FillTicket timed = cache.beginFill(key(SQL), Set.of("t"), null);
        timed.timeWith(costs::add);
        try (ResultSet rs = ResultTee.wrap(statement.executeQuery(SQL), statement, timed, cache,
                ValueProfile.standard())) {
            rs.next();
            assertThat(costs).as("not before the result is stored").isEmpty();
            readAll(rs);
            assertThat(costs).as("told once, when the end was reached").hasSize(1);
            assertThat(rs.next()).isFalse();
        }
        assertThat(costs).hasSize(1);
        assertThat(costs.get(0)).isPositive();

        // an early close copies the rest and stores: told then
        String other = SQL + " LIMIT 4";
        FillTicket early = cache.beginFill(key(other), Set.of("t"), null);
        early.timeWith(costs::add);
        ResultTee.wrap(statement.executeQuery(other), statement, early, cache, ValueProfile.standard()).close();
        assertThat(costs).hasSize(2);

        // over the caps, or dropped by an invalidation while it was read: nothing stored, nothing told
        ResultCache small = cache(2, 1 << 20);
        FillTicket over = small.beginFill(key(SQL), Set.of("t"), null);
        over.timeWith(costs::add);
        try (ResultSet rs = ResultTee.wrap(statement.executeQuery(SQL), statement, over, small,
                ValueProfile.standard())) {
            readAll(rs);
        }
        FillTicket dropped = cache.beginFill(key(SQL + " LIMIT 3"), Set.of("t"), null);
        dropped.timeWith(costs::add);
        try (ResultSet rs = ResultTee.wrap(statement.executeQuery(SQL + " LIMIT 3"), statement, dropped, cache,
                ValueProfile.standard())) {
            rs.next();
            cache.invalidate("t");
            readAll(rs);
        }
        assertThat(costs).hasSize(2);
    }

    @Test
    void overTheRowCapTheCopyIsDroppedAndRowsStreamOn() throws SQLException {
        ResultCache cache = cache(2, 1 << 20);
        QueryKey k = key(SQL);
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        try (ResultSet rs = ResultTee.wrap(statement.executeQuery(SQL), statement, t, cache, ValueProfile.standard())) {
            assertThat(readAll(rs)).hasSize(5);
            assertThat(((ResultTee) rs).isCopying()).isFalse();
        }
        assertThat(cache.get(k)).isNull();
        assertThat(cache.statistics().fillsAbandonedOverCaps()).isEqualTo(1);
        assertThat(t.isFinished()).isTrue();
    }

    @Test
    void overTheByteCapOnAnEarlyCloseNothingIsStored() throws SQLException {
        ResultCache cache = cache(100, 600);
        QueryKey k = key("SELECT ID, NAME FROM T, SYSTEM_RANGE(1, 20) ORDER BY ID");
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        try (ResultSet rs = ResultTee.wrap(statement.executeQuery(k.sql()), statement, t, cache,
                ValueProfile.standard())) {
            rs.next();
        }
        assertThat(cache.get(k)).isNull();
        assertThat(cache.statistics().fillsAbandonedOverCaps()).isEqualTo(1);
    }

    @Test
    void aLobOverTheByteCapIsNotCachedButStillRead() throws SQLException {
        statement.execute("UPDATE T SET DATA = CAST(REPEAT('ab', 5000) AS BLOB) WHERE ID = 3");
        ResultCache cache = cache(100, 4_000);
        QueryKey k = key("SELECT ID, DATA FROM T ORDER BY ID");
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        int rows = 0;
        try (ResultSet rs = ResultTee.wrap(statement.executeQuery(k.sql()), statement, t, cache,
                ValueProfile.standard())) {
            while (rs.next()) {
                rows++;
                if (rs.getInt(1) == 3) {
                    assertThat(rs.getBytes(2)).hasSize(10_000);
                }
            }
        }
        assertThat(rows).isEqualTo(5);
        assertThat(cache.get(k)).isNull();
    }

    @Test
    void aDriverErrorAbandonsTheFillReleasesWaitersAndPassesThrough() throws Exception {
        ResultCache cache = cache(100, 1 << 20);
        QueryKey k = key(SQL);
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        CompletableFuture<MaterializedResult> waiter = CompletableFuture.supplyAsync(() -> cache.awaitInFlight(k));
        ResultCacheTest.awaitWaiter(cache, k);
        SQLException failure = new SQLTransientConnectionException("connection lost", "08006");
        ResultSet failing = failingAfter(statement.executeQuery(SQL), 2, failure);
        ResultSet rs = ResultTee.wrap(failing, statement, t, cache, ValueProfile.standard());
        assertThat(rs.next()).isTrue();
        assertThat(rs.next()).isTrue();
        assertThatThrownBy(rs::next).isSameAs(failure);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(cache.get(k)).isNull();
        assertThat(cache.isInFlight(k)).isFalse();
        assertThat(cache.statistics().fillsAbandoned()).isEqualTo(1);
        rs.close();
    }

    @Test
    void aScrollableResultIsReadFullyAndServedFromTheCopy() throws SQLException {
        ResultCache cache = cache(100, 1 << 20);
        QueryKey k = QueryKey.of(TestResults.SESSION, SQL, null, null, 0, ResultSet.TYPE_SCROLL_INSENSITIVE);
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        try (Statement scroll = connection.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE,
                ResultSet.CONCUR_READ_ONLY)) {
            ResultSet real = scroll.executeQuery(SQL);
            ResultSet rs = ResultTee.wrap(real, scroll, t, cache, ValueProfile.standard());
            assertThat(rs).isInstanceOf(CachedResultSet.class);
            assertThat(real.isClosed()).isTrue();
            assertThat(rs.getType()).isEqualTo(ResultSet.TYPE_SCROLL_INSENSITIVE);
            assertThat(rs.last()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(5);
            assertThat(rs.getStatement()).isSameAs(scroll);
        }
        assertThat(cache.get(k).rowCount()).isEqualTo(5);
    }

    @Test
    void aScrollableResultOverTheCapsIsRewoundAndNotCached() throws SQLException {
        ResultCache cache = cache(3, 1 << 20);
        QueryKey k = QueryKey.of(TestResults.SESSION, SQL, null, null, 0, ResultSet.TYPE_SCROLL_INSENSITIVE);
        FillTicket t = cache.beginFill(k, Set.of("t"), null);
        try (Statement scroll = connection.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE,
                ResultSet.CONCUR_READ_ONLY)) {
            ResultSet rs = ResultTee.wrap(scroll.executeQuery(SQL), scroll, t, cache, ValueProfile.standard());
            assertThat(readAll(rs)).hasSize(5);
        }
        assertThat(cache.get(k)).isNull();
    }

    @Test
    void withoutATicketTheRealResultSetIsOnlyWrapped() throws SQLException {
        ResultCache cache = cache(100, 1 << 20);
        Statement appStatement = statement;
        ResultSet rs = ResultTee.wrap(statement.executeQuery(SQL), appStatement, null, cache, ValueProfile.standard());
        assertThat(readAll(rs)).hasSize(5);
        assertThat(rs.getStatement()).isSameAs(appStatement);
        assertThat(rs.unwrap(ResultSet.class)).isSameAs(rs);
        rs.close();
        assertThat(cache.statistics().entries()).isZero();
    }

    @Test
    void integerColumnsAreCapturedWithoutAskingTheDriverForTheirText() throws SQLException {
        statement.execute("CREATE TABLE N (I INT, B BIGINT, S SMALLINT, T TINYINT, V VARCHAR(5))");
        statement.execute("INSERT INTO N VALUES (-7, 5000000000, 12, -3, 'x'), (NULL, NULL, NULL, NULL, NULL)");
        String sql = "SELECT I, B, S, T, V FROM N ORDER BY I NULLS LAST";
        ResultCache cache = cache(100, 1 << 20);
        QueryKey k = key(sql);
        AtomicInteger getStringCalls = new AtomicInteger();
        ResultSet real = statement.executeQuery(sql);
        ResultSet counting = (ResultSet) Proxy.newProxyInstance(ResultSet.class.getClassLoader(),
                new Class<?>[] {ResultSet.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getString")) {
                        getStringCalls.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (ResultSet rs = ResultTee.wrap(counting, statement, cache.beginFill(k, Set.of("n"), null), cache,
                ValueProfile.standard())) {
            while (rs.next()) {
                rs.getObject(1);
            }
        }
        assertThat(getStringCalls).hasValue(0);
        // and the copy still reads like H2 itself
        try (ResultSet live = statement.executeQuery(sql); ResultSet cached = cache.get(k).toResultSet(statement)) {
            while (live.next()) {
                assertThat(cached.next()).isTrue();
                for (int c = 1; c <= 5; c++) {
                    assertThat(cached.getString(c)).isEqualTo(live.getString(c));
                    assertThat(cached.getObject(c)).isEqualTo(live.getObject(c));
                }
            }
            assertThat(cached.next()).isFalse();
        }
    }

    /** A result set that throws {@code failure} from next() after {@code rows} rows. */
    private static ResultSet failingAfter(ResultSet real, int rows, SQLException failure) {
        AtomicInteger calls = new AtomicInteger();
        return (ResultSet) Proxy.newProxyInstance(ResultSet.class.getClassLoader(), new Class<?>[] {ResultSet.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("next") && calls.incrementAndGet() > rows) {
                        throw failure;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
