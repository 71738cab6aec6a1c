package dev.cachet.spring;

import dev.cachet.driver.CachetDataSource;
import dev.cachet.driver.CachetSettings;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Cachet for a Spring Boot application (3.5 or 4.0): every {@link DataSource} bean gets Cachet over it, {@code cachet.*}
 * properties configure it, Micrometer gets Cachet's meters and Actuator the {@code cachet} endpoint (each when its
 * library is present). {@code cachet.enabled=false} turns all of it off. When the Cachet agent
 * ({@code -javaagent:cachet-agent.jar}) is active, it wraps the connections itself and the starter steps aside.
 *
 * <p>Settings are checked when the context starts: a bad value fails startup with Cachet's own message, as it would
 * fail the first connection.
 */
@AutoConfiguration
@ConditionalOnClass({DataSource.class, CachetDataSource.class, org.springframework.aop.framework.ProxyFactory.class})
@ConditionalOnProperty(prefix = "cachet", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(CachetProperties.class)
public class CachetAutoConfiguration {

    /** Set by the Cachet agent once it is installed. */
    static final String AGENT_PROPERTY = "dev.cachet.agent.active";

    private static final Logger log = LoggerFactory.getLogger(CachetAutoConfiguration.class);
    private static final String TABLE_TTL_PREFIX = "cachet.ttl.";

    @Bean
    @ConditionalOnMissingBean
    static CachetClusters cachetClusters() {
        return new CachetClusters();
    }

    @Bean
    static BeanPostProcessor cachetDataSourcePostProcessor(Environment environment,
            org.springframework.beans.factory.ObjectProvider<CachetClusters> clusters) {
        // a BeanPostProcessor is created before configuration-properties beans: bind the properties here
        CachetProperties properties = Binder.get(environment).bindOrCreate("cachet", CachetProperties.class);
        Properties settings = properties.toCachetProperties(tableTtls(environment));
        try {
            CachetSettings.resolve(settings, Map.of());
        } catch (SQLException e) {
            throw new IllegalStateException("Cachet: " + e.getMessage(), e);
        }
        if (Boolean.getBoolean(AGENT_PROPERTY)) {
            log.info("Cachet: the Cachet agent is active and wraps the connections itself; the starter leaves the"
                    + " DataSource beans as they are");
            return new BeanPostProcessor() {
            };
        }
        return new LazyPostProcessor(settings, clusters);
    }

    /** Resolves the cluster tracker only when the first DataSource arrives, so no bean is created too early. */
    private static final class LazyPostProcessor implements BeanPostProcessor, org.springframework.core.Ordered {
        private final Properties settings;
        private final org.springframework.beans.factory.ObjectProvider<CachetClusters> clusters;
        private volatile CachetDataSourcePostProcessor delegate;

        LazyPostProcessor(Properties settings,
                          org.springframework.beans.factory.ObjectProvider<CachetClusters> clusters) {
            this.settings = settings;
            this.clusters = clusters;
        }

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (!(bean instanceof DataSource)) {
                return bean;
            }
            CachetDataSourcePostProcessor d = delegate;
            if (d == null) {
                d = new CachetDataSourcePostProcessor(settings, clusters.getObject());
                delegate = d;
            }
            return d.postProcessAfterInitialization(bean, beanName);
        }

        @Override
        public int getOrder() {
            return org.springframework.core.Ordered.LOWEST_PRECEDENCE - 10;
        }
    }

    /** {@code cachet.ttl.<table>} entries of every enumerable property source (the strongest source wins). */
    static Map<String, Duration> tableTtls(Environment environment) {
        Map<String, Duration> ttls = new LinkedHashMap<>();
        if (!(environment instanceof ConfigurableEnvironment env)) {
            return ttls;
        }
        for (PropertySource<?> source : env.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> e) {
                for (String name : e.getPropertyNames()) {
                    if (name.regionMatches(true, 0, TABLE_TTL_PREFIX, 0, TABLE_TTL_PREFIX.length())
                            && name.length() > TABLE_TTL_PREFIX.length()) {
                        String table = name.substring(TABLE_TTL_PREFIX.length());
                        String value = env.getProperty(name);
                        if (value != null && !ttls.containsKey(table)) {
                            try {
                                ttls.put(table, DurationStyle.detectAndParse(value.trim()));
                            } catch (IllegalArgumentException e2) {
                                throw new IllegalStateException("Cachet: " + name + " has a bad value '" + value
                                        + "'; expected a duration such as 500ms, 30s, 5m, 1h or PT30S", e2);
                            }
                        }
                    }
                }
            }
        }
        return ttls;
    }

    /** Micrometer meters, when Micrometer is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        CachetMeterBinder cachetMeterBinder(CachetClusters clusters) {
            return new CachetMeterBinder(clusters);
        }
    }

    /** The Actuator endpoint, when Actuator is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class Actuator {
        @Bean
        @ConditionalOnMissingBean
        CachetEndpoint cachetEndpoint(CachetClusters clusters) {
            return new CachetEndpoint(clusters);
        }
    }
}
