package dev.cachet.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.parser.Dialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How often the catalog is read after statements of this instance that change it or may: DDL is read at once; a call,
 * a function Cachet does not know or a string it cannot see through puts the catalog in doubt, settled by a reading
 * no sooner than a second after the last one — however many such statements come meanwhile — unless a certain change
 * comes too. On a clock of the test's own.
 */
class CatalogReadingPaceTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final Set<String> ALL = Set.of("*all*");

    private Connection h2;
    private long now = 1_000 * SECOND;
    private ClusterCatalog catalog;

    @BeforeEach
    void setUp() throws SQLException {
        h2 = DriverManager.getConnection("jdbc:h2:mem:pace_" + UUID.randomUUID().toString().substring(0, 8));
        try (Statement s = h2.createStatement()) {
            s.execute("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(20))");
        }
        catalog = new ClusterCatalog("pace", Dialect.H2, Map.of(), (tables, cause) -> { }, Set.of(), () -> now);
        catalog.ensureRead(h2, true);
        assertThat(catalog.readings()).isEqualTo(1);
    }

    @AfterEach
    void tearDown() throws SQLException {
        h2.close();
    }

    @Test
    void statementsThatMayHideDdlAreReadAtMostOnceASecond() {
        for (int i = 0; i < 100; i++) {
            catalog.changedHere(h2, true, false);
            catalog.settleIfDue(h2);
            now += SECOND / 200;
        }
        // half a second of calls: in doubt throughout, not one reading
        assertThat(catalog.readDue()).isTrue();
        assertThat(catalog.readings()).isEqualTo(1);
        assertThat(catalog.rowScopes().keys().isEmpty()).as("no row keys in doubt").isTrue();
        assertThat(catalog.expand(Set.of("t"), ALL)).as("every write a write to every table").isSameAs(ALL);
        now += SECOND / 2;
        catalog.settleIfDue(h2);
        assertThat(catalog.readings()).isEqualTo(2);
        assertThat(catalog.readDue()).isFalse();
        assertThat(catalog.rowScopes().keys().get("t")).isNotNull();
        assertThat(catalog.expand(Set.of("t"), ALL)).isEqualTo(Set.of("t"));
    }

    @Test
    void aReadingThatACallOvertookIsNotInstalled() throws SQLException {
        now += 5 * SECOND;
        catalog.doubt();
        // a call lands while the settling reading runs (the reading's first catalog query is its cue)
        ClusterCatalog[] self = {catalog};
        Connection racing = (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getMetaData") || method.getName().startsWith("create")
                            || method.getName().startsWith("prepare")) {
                        self[0].changedHere(h2, true, false);
                        self[0] = null;
                    }
                    return method.invoke(h2, args);
                });
        catalog.settleIfDue(racing);
        assertThat(self[0]).as("the reading queried the catalog").isNull();
        assertThat(catalog.readDue()).as("the call's doubt stands").isTrue();
        assertThat(catalog.expand(Set.of("t"), ALL)).isSameAs(ALL);
    }

    @Test
    void aLoneCallIsReadAtTheNextStatementWhenTheLastReadingIsOld() {
        now += 5 * SECOND;
        catalog.changedHere(h2, true, false);
        assertThat(catalog.readDue()).isTrue();
        catalog.settleIfDue(h2);
        assertThat(catalog.readings()).isEqualTo(2);
        assertThat(catalog.readDue()).isFalse();
    }

    @Test
    void ddlIsReadAtOnceAndADoubtOfACertainChangeWaitsForNoPace() {
        catalog.changedHere(h2, true, true);
        assertThat(catalog.readings()).isEqualTo(2);
        assertThat(catalog.readDue()).isFalse();
        // a call, then another instance's DDL: the doubt is settled at the next chance, not a second later
        catalog.changedHere(h2, true, false);
        catalog.doubt();
        catalog.settleIfDue(h2);
        assertThat(catalog.readings()).isEqualTo(3);
        assertThat(catalog.readDue()).isFalse();
        // the other way round: a call in a doubt of a certain change does not delay it either
        catalog.doubt();
        catalog.changedHere(h2, true, false);
        catalog.settleIfDue(h2);
        assertThat(catalog.readings()).isEqualTo(4);
        assertThat(catalog.readDue()).isFalse();
    }
}
