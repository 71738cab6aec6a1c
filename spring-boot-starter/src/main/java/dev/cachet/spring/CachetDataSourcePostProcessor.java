package dev.cachet.spring;

import dev.cachet.driver.CachetDataSource;
import java.lang.reflect.Modifier;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/**
 * Puts Cachet over every {@link DataSource} bean. The bean stays what it was — a HikariCP pool is still a
 * {@code HikariDataSource}, proxied by class, so code and metrics that look for the pool find it — and only its
 * {@code getConnection} methods change (see {@link CachetDataSourceInterceptor}). A {@link CachetDataSource} bean is
 * left alone; so is a DataSource whose connections already are Cachet's (found on its first connection).
 */
final class CachetDataSourcePostProcessor implements BeanPostProcessor, Ordered {

    private final Properties settings;
    private final CachetClusters clusters;

    CachetDataSourcePostProcessor(Properties settings, CachetClusters clusters) {
        this.settings = settings;
        this.clusters = clusters;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof DataSource ds) || bean instanceof CachetDataSource || isOurs(bean)) {
            return bean;
        }
        ProxyFactory factory = new ProxyFactory(bean);
        Class<?> type = AopUtils.getTargetClass(bean);
        boolean byClass = !Modifier.isFinal(type.getModifiers()) && !AopUtils.isJdkDynamicProxy(bean)
                && !type.getName().startsWith("java.");
        factory.setProxyTargetClass(byClass);
        if (!byClass) {
            factory.setInterfaces(ClassUtils.getAllInterfaces(bean));
        }
        factory.addAdvice(new CachetDataSourceInterceptor(ds, settings, clusters));
        try {
            return factory.getProxy(bean.getClass().getClassLoader());
        } catch (RuntimeException | LinkageError notProxyableByClass) {
            // e.g. no default-visible constructor CGLIB can use: a DataSource by interfaces still works everywhere
            // DataSource is injected
            ProxyFactory byInterfaces = new ProxyFactory(bean);
            byInterfaces.setInterfaces(ClassUtils.getAllInterfaces(bean));
            byInterfaces.addAdvice(new CachetDataSourceInterceptor(ds, settings, clusters));
            return byInterfaces.getProxy(bean.getClass().getClassLoader());
        }
    }

    private static boolean isOurs(Object bean) {
        if (bean instanceof org.springframework.aop.framework.Advised advised) {
            for (org.springframework.aop.Advisor a : advised.getAdvisors()) {
                if (a.getAdvice() instanceof CachetDataSourceInterceptor) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Late, so other post-processors (configuration binding, pool metrics) see the pool itself first. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 10;
    }
}
