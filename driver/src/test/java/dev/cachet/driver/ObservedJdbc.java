package dev.cachet.driver;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A real driver's objects behind proxies that report every call to an observer before making it; the connections,
 * statements, prepared statements and result sets they return are wrapped the same way, so a test sees each call
 * Cachet makes on the real driver.
 */
final class ObservedJdbc {

    /** One call on a wrapped object, reported before it is made. */
    interface Observer {
        /**
         * @param iface the JDBC interface the object was wrapped as
         * @param connection the wrapped connection the object came from (the object itself for a connection; null for
         *                   the data source)
         */
        void called(Class<?> iface, Object connection, Method method, Object[] args) throws Exception;
    }

    private ObservedJdbc() {
    }

    static DataSource dataSource(DataSource real, Observer observer) {
        return (DataSource) wrap(real, DataSource.class, null, observer);
    }

    private static Object wrap(Object target, Class<?> iface, Object connection, Observer observer) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object owner = iface == Connection.class ? proxy : connection;
            observer.called(iface, owner, method, args);
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            Class<?> type = method.getReturnType();
            if (result != null && (type == Connection.class || type == Statement.class
                    || type == PreparedStatement.class || type == ResultSet.class)) {
                return wrap(result, type, type == Connection.class ? null : owner, observer);
            }
            return result;
        };
        return Proxy.newProxyInstance(ObservedJdbc.class.getClassLoader(), new Class<?>[] {iface}, handler);
    }
}
