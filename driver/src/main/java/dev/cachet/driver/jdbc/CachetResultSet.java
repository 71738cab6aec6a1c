package dev.cachet.driver.jdbc;

import dev.cachet.parser.StatementInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real driver's result set as Cachet hands it to the application: {@link #getStatement()} returns Cachet's
 * statement, and on an updatable result set {@code updateRow}, {@code insertRow} and {@code deleteRow} count as writes
 * to the tables its query reads (DESIGN §5). Everything else passes through.
 */
public final class CachetResultSet extends DelegatingResultSet {

    private final CachetStatement owner;
    /** The query's analysis, when its row changes must invalidate; null otherwise. */
    private final StatementInfo info;

    CachetResultSet(CachetStatement owner, ResultSet delegate, StatementInfo info) {
        super(delegate);
        this.owner = owner;
        this.info = info;
    }

    @Override
    public Statement getStatement() throws SQLException {
        return owner;
    }

    @Override
    public void updateRow() throws SQLException {
        if (info == null) {
            delegate.updateRow();
        } else {
            owner.pipeline().writeRow(info, delegate::updateRow);
        }
    }

    @Override
    public void insertRow() throws SQLException {
        if (info == null) {
            delegate.insertRow();
        } else {
            owner.pipeline().writeRow(info, delegate::insertRow);
        }
    }

    @Override
    public void deleteRow() throws SQLException {
        if (info == null) {
            delegate.deleteRow();
        } else {
            owner.pipeline().writeRow(info, delegate::deleteRow);
        }
    }
}
