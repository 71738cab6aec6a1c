package dev.cachet.examples.shop;

import java.math.BigDecimal;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;

/**
 * A small shop: a REST service over JPA/Hibernate on embedded H2. It knows nothing of Cachet; how Cachet gets in
 * front of its database is configuration (docs/spring-boot.md, docs/agent.md): a {@code jdbc:cachet:} URL, the
 * starter on the class path, or {@code -javaagent:cachet-agent.jar}.
 */
@SpringBootApplication
@EnableCaching
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }

    /** Twenty products to start with, in place before the web server takes requests. */
    @Bean
    SmartInitializingSingleton seed(ProductRepository products) {
        return () -> {
            if (products.count() == 0) {
                for (int i = 1; i <= 20; i++) {
                    products.save(new Product("product " + i, BigDecimal.valueOf(100 + i, 2), 10 * i));
                }
            }
        };
    }
}
