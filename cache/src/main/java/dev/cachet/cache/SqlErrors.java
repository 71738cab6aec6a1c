package dev.cachet.cache;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransactionRollbackException;

/**
 * Makes Cachet's own exceptions of the JDBC class that matches their SQLState (JDBC 4 §8.5: class 22 is
 * {@link SQLDataException}, 42 {@link SQLSyntaxErrorException}, 0A {@link SQLFeatureNotSupportedException},
 * …), so code that catches by class treats them like the drivers' own.
 */
public final class SqlErrors {

    private SqlErrors() {
    }

    /** An exception of the JDBC class for {@code sqlState}'s class (its first two characters). */
    public static SQLException of(String message, String sqlState) {
        String c = sqlState == null || sqlState.length() < 2 ? "" : sqlState.substring(0, 2);
        switch (c) {
            case "22":
                return new SQLDataException(message, sqlState);
            case "42":
                return new SQLSyntaxErrorException(message, sqlState);
            case "0A":
                return new SQLFeatureNotSupportedException(message, sqlState);
            case "08":
                return new SQLNonTransientConnectionException(message, sqlState);
            case "23":
                return new SQLIntegrityConstraintViolationException(message, sqlState);
            case "28":
                return new SQLInvalidAuthorizationSpecException(message, sqlState);
            case "40":
                return new SQLTransactionRollbackException(message, sqlState);
            case "02":
            case "07":
            case "90":
            case "HY":
                return new SQLNonTransientException(message, sqlState);
            default:
                return new SQLException(message, sqlState);
        }
    }
}
