package dev.cachet.bench.workload;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Properties;

/** Builds the HikariCP pools every contender is reached through, all with the same size and settings. */
final class Pools {

    private Pools() {
    }

    /**
     * A fixed-size pool over {@code url}; {@code properties} go to the driver's {@code connect} as they are
     * (user and password included).
     */
    static HikariDataSource pool(String poolName, String url, Properties properties, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(url);
        Properties copy = new Properties();
        copy.putAll(properties);
        config.setDataSourceProperties(copy);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setAutoCommit(true);
        config.setConnectionTimeout(30_000);
        config.setInitializationFailTimeout(30_000);
        return new HikariDataSource(config);
    }
}
