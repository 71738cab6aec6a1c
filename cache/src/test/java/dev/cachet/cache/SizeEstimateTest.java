package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jol.info.GraphLayout;

/** The estimated size of a materialized result is within 30% of its retained heap size measured by JOL. */
class SizeEstimateTest {

    private static Connection connection;

    @BeforeAll
    static void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:h2:mem:sizes");
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT CAST(X + 1000 AS INT) FROM SYSTEM_RANGE(1, 1000)",
        "SELECT CAST(X * 1000000000 AS BIGINT), CAST(X AS BIGINT) FROM SYSTEM_RANGE(1, 1000)",
        "SELECT 'name' || X FROM SYSTEM_RANGE(1, 1000)",
        "SELECT REPEAT('long text ', 50) || X FROM SYSTEM_RANGE(1, 200)",
        "SELECT CAST(X * 1.25 AS DECIMAL(12, 2)) FROM SYSTEM_RANGE(1, 1000)",
        "SELECT CAST(X AS DECIMAL(40, 0)) * 100000000000000000000 FROM SYSTEM_RANGE(1, 500)",
        "SELECT DATEADD(SECOND, X, TIMESTAMP '2024-01-01 00:00:00.123') FROM SYSTEM_RANGE(1, 1000)",
        "SELECT CAST(X AS DOUBLE PRECISION) / 3 FROM SYSTEM_RANGE(1, 1000)",
        "SELECT CAST(REPEAT('ab', 16) AS VARBINARY) FROM SYSTEM_RANGE(1, 1000)",
        "SELECT CAST(NULL AS VARCHAR), CAST(NULL AS INT) FROM SYSTEM_RANGE(1, 1000)",
        "SELECT X % 2 = 0, DATEADD(DAY, X, DATE '2024-01-01'), RANDOM_UUID() FROM SYSTEM_RANGE(1, 500)",
        "SELECT CAST(X AS INT) + 1000, 'n' || X, CAST(X AS DECIMAL(10,2)), TIMESTAMP '2024-01-01 10:00:00',"
                + " CAST(NULL AS VARCHAR) FROM SYSTEM_RANGE(1, 10)",
        "SELECT CAST(1234 AS INT) AS ID, 'one row' AS NAME",
    })
    void estimateIsWithin30PercentOfTheRetainedSize(String sql) throws SQLException {
        MaterializedResult result;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            result = MaterializedResult.materialize(rs, ValueProfile.standard(), Integer.MAX_VALUE, Long.MAX_VALUE);
        }
        long measured = GraphLayout.parseInstance(result).totalSize();
        long estimated = result.estimatedBytes();
        System.out.printf("size estimate %d / JOL %d (%.2f) rows=%d: %s%n", estimated, measured,
                (double) estimated / measured, result.rowCount(), sql);
        assertThat((double) estimated).as("estimated %d vs measured %d bytes for %s", estimated, measured, sql)
                .isBetween(measured * 0.7, measured * 1.3);
    }
}
