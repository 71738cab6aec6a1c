package dev.cachet.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.parser.Dialect;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SessionState.applyTo issues exactly what differs, in the dialect's words. */
class SessionStateTest {

    final List<String> calls = new ArrayList<>();

    Connection recording() {
        Statement statement = (Statement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Statement.class}, (p, m, a) -> {
                    if (m.getName().equals("execute")) {
                        calls.add((String) a[0]);
                        return false;
                    }
                    return null;
                });
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (p, m, a) -> {
                    if (m.getName().equals("createStatement")) {
                        return statement;
                    }
                    calls.add(m.getName() + (a == null ? "" : "(" + a[0] + ")"));
                    return null;
                });
    }

    static SessionState initial() {
        return new SessionState("app", true, Connection.TRANSACTION_READ_COMMITTED, false, "shop", "public", null, null,
                java.sql.ResultSet.HOLD_CURSORS_OVER_COMMIT);
    }

    @Test
    void nothingDiffersNothingIsIssued() throws SQLException {
        SessionState s = initial();
        assertThat(s.applyTo(recording(), initial(), Dialect.POSTGRESQL, false)).isSameAs(s);
        assertThat(calls).isEmpty();
    }

    @Test
    void onlyTheDifferencesAreIssued() throws SQLException {
        SessionState desired = initial().withAutoCommit(false).withIsolation(Connection.TRANSACTION_SERIALIZABLE)
                .withSchema("s2").withRole("reporting").withTimeZone("UTC");
        desired.applyTo(recording(), initial(), Dialect.POSTGRESQL, false);
        assertThat(calls).containsExactly("setAutoCommit(false)", "setTransactionIsolation(8)",
                "SET search_path TO s2", "SET ROLE reporting", "SET TIME ZONE 'UTC'");
    }

    @Test
    void roleIsResetInTheDialectsWords() throws SQLException {
        SessionState withRole = initial().withRole("odd \"name\"");
        withRole.applyTo(recording(), initial(), Dialect.POSTGRESQL, false);
        initial().applyTo(recording(), withRole, Dialect.POSTGRESQL, false);
        initial().applyTo(recording(), withRole, Dialect.MYSQL, false);
        assertThat(calls).containsExactly("SET ROLE \"odd \"\"name\"\"\"", "RESET ROLE", "SET ROLE NONE");
    }

    @Test
    void theSessionUserIsAppliedBeforeTheRoleOnPostgresql() throws SQLException {
        SessionState asAlice = initial().withRole("reporting").withUser("alice");
        asAlice.applyTo(recording(), initial(), Dialect.POSTGRESQL, true);
        initial().applyTo(recording(), asAlice, Dialect.POSTGRESQL, true);
        assertThat(calls).containsExactly("SET SESSION AUTHORIZATION alice", "SET ROLE reporting",
                "SET SESSION AUTHORIZATION app");
    }

    @Test
    void aStandbyGetsSerializableAsRepeatableRead() throws SQLException {
        SessionState serializable = initial().withIsolation(Connection.TRANSACTION_SERIALIZABLE);
        serializable.applyTo(recording(), initial(), Dialect.POSTGRESQL, true);
        assertThat(calls).containsExactly("setTransactionIsolation(4)");
        calls.clear();
        serializable.withIsolation(Connection.TRANSACTION_REPEATABLE_READ)
                .applyTo(recording(), serializable, Dialect.POSTGRESQL, true);
        assertThat(calls).isEmpty(); // the standby already runs REPEATABLE READ
    }

    @Test
    void aSchemaAndTimeZoneResetToTheServersAreResetOnPostgresql() throws SQLException {
        SessionState set = initial().withTimeZone("UTC");
        set.withSchema(null).withTimeZone(null).applyTo(recording(), set, Dialect.POSTGRESQL, true);
        assertThat(calls).containsExactly("RESET search_path", "RESET TIME ZONE");
    }

    @Test
    void withersReturnTheSameValueWhenNothingChanges() {
        SessionState s = initial();
        assertThat(s.withAutoCommit(true)).isSameAs(s);
        assertThat(s.withSchema("public")).isSameAs(s);
        assertThat(s.withRole(null)).isSameAs(s);
        assertThat(s.withSchema("x")).isNotEqualTo(s);
    }
}
