package dev.cachet.driver;

import java.sql.Connection;

/** Java functions and triggers the H2 tests declare (public: H2 calls them reflectively). */
public final class H2Functions {

    private H2Functions() {
    }

    /** A user-defined function Cachet cannot see into. */
    public static int touch(int x) {
        return x;
    }

    /** A function that runs DDL, as a procedure may: creates the view {@code w} over {@code t}. */
    public static int createView(Connection conn) throws java.sql.SQLException {
        try (java.sql.Statement s = conn.createStatement()) {
            s.execute("CREATE VIEW w AS SELECT id, v FROM t");
        }
        return 1;
    }

    /** As {@link #createView}, then fails: the view stays (H2 commits DDL at once). */
    public static int createViewAndFail(Connection conn) throws java.sql.SQLException {
        createView(conn);
        throw new java.sql.SQLException("failed after its DDL", "45000");
    }

    /** A trigger that does nothing visible, standing for any trigger Cachet cannot see through. */
    public static final class NoopTrigger implements org.h2.api.Trigger {
        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) {
        }
    }

    /** A trigger that writes another table: every change to its table updates {@code u} row 1. */
    public static final class TouchUTrigger implements org.h2.api.Trigger {
        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws java.sql.SQLException {
            try (java.sql.Statement s = conn.createStatement()) {
                s.executeUpdate("UPDATE u SET w = 'touched' WHERE id = 1");
            }
        }
    }
}
