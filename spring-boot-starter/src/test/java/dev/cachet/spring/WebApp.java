package dev.cachet.spring;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A web application for the starter's HTTP tests: Boot's own DataSource (HikariCP on H2), Actuator, and Spring Security
 * with two users — {@code viewer} may read Actuator, {@code admin} may also write.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class WebApp {

    @Bean
    SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/actuator/**").hasAnyRole("VIEWER", "ADMIN")
                        .requestMatchers("/actuator/**").hasRole("ADMIN")
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                // Actuator is called by scripts with basic authentication, not by browsers holding a session
                .csrf(c -> c.ignoringRequestMatchers("/actuator/**"));
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("viewer").password("{noop}viewer-secret").roles("VIEWER").build(),
                User.withUsername("admin").password("{noop}admin-secret").roles("ADMIN").build());
    }
}
