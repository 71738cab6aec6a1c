package dev.cachet.driver.catalog;

import org.h2.api.Trigger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** An H2 trigger that writes another table, the kind of hidden write Cachet cannot see through. */
public class AuditTrigger implements Trigger {

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO audit_log(note) VALUES (?)")) {
            ps.setString(1, "changed");
            ps.executeUpdate();
        }
    }
}
