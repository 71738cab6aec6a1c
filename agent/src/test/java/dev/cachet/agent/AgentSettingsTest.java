package dev.cachet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing the agent's arguments and choosing which URLs are wrapped. */
class AgentSettingsTest {

    @Test
    void itemsWithoutANameContinueThePreviousValue() {
        assertThat(AgentSettings.parse("ttl=30s,replicas=r1:5432,r2:5432,maxBytes=128MB,include=jdbc:h2:*,jdbc:pg*"))
                .containsExactly(Map.entry("ttl", "30s"), Map.entry("replicas", "r1:5432,r2:5432"),
                        Map.entry("maxBytes", "128MB"), Map.entry("include", "jdbc:h2:*,jdbc:pg*"));
        assertThat(AgentSettings.parse(null)).isEmpty();
        assertThat(AgentSettings.parse("  ")).isEmpty();
        assertThatThrownBy(() -> AgentSettings.parse("30s")).hasMessageContaining("'30s' is not name=value");
        assertThatThrownBy(() -> AgentSettings.parse("=5")).hasMessageContaining("has no name");
    }

    @Test
    void settingsAreCheckedAndNamedWithOrWithoutPrefix() {
        AgentSettings s = AgentSettings.load("ttl=30s,cachet.maxBytes=128MB");
        assertThat(s.cachetSettings()).containsExactly(Map.entry("cachet.ttl", "30s"),
                Map.entry("cachet.maxBytes", "128MB"));
        assertThatThrownBy(() -> AgentSettings.load("ttl=banana"))
                .hasMessageContaining("cachet.ttl from the agent arguments has a bad value");
        assertThatThrownBy(() -> AgentSettings.load("maxByte=1MB"))
                .hasMessageContaining("Unknown Cachet setting cachet.maxByte").hasMessageContaining("cachet.maxBytes");
        assertThat(s.describe()).contains("settings given: cachet.ttl, cachet.maxBytes").doesNotContain("128MB");
    }

    @Test
    void knownDatabasesByDefaultIncludeAndExcludePatterns() {
        AgentSettings defaults = AgentSettings.load(null);
        assertThat(defaults.wraps("jdbc:postgresql://db:5432/shop")).isTrue();
        assertThat(defaults.wraps("jdbc:MariaDB://db/shop")).isTrue();
        assertThat(defaults.wraps("jdbc:h2:mem:x")).isTrue();
        assertThat(defaults.wraps("jdbc:derby:memory:x")).isFalse();
        assertThat(defaults.wraps(null)).isFalse();

        AgentSettings some = AgentSettings.load("include=jdbc:postgresql://primary*,jdbc:derby:*,"
                + "exclude=jdbc:postgresql://primary:5432/audit*");
        assertThat(some.wraps("jdbc:postgresql://primary:5432/shop")).isTrue();
        assertThat(some.wraps("jdbc:postgresql://primary:5432/audit")).isFalse();
        assertThat(some.wraps("jdbc:postgresql://other:5432/shop")).isFalse();
        assertThat(some.wraps("jdbc:derby:memory:x")).isTrue();
        assertThat(some.wraps("jdbc:h2:mem:x")).isFalse();
        // a dot or a question mark in a pattern is itself, not a regular expression
        AgentSettings literal = AgentSettings.load("include=jdbc:h2:mem:a.b?x=1");
        assertThat(literal.wraps("jdbc:h2:mem:a.b?x=1")).isTrue();
        assertThat(literal.wraps("jdbc:h2:mem:aXb?x=1")).isFalse();
    }
}
