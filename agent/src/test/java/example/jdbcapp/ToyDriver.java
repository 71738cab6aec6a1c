package example.jdbcapp;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Logger;

/** A JDBC driver Cachet does not know ({@code jdbc:toy:<name>}), answering from H2's in-memory database of that name. */
public final class ToyDriver implements Driver {

    static void register() throws SQLException {
        DriverManager.registerDriver(new ToyDriver());
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        // H2's engine directly, not through a driver the agent knows
        return new org.h2.jdbc.JdbcConnection("jdbc:h2:mem:" + url.substring("jdbc:toy:".length())
                + ";DB_CLOSE_DELAY=-1", new Properties(), info.getProperty("user", ""), info.getProperty("password", ""),
                false);
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith("jdbc:toy:");
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("toy");
    }
}
