package dev.cachet.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.driver.CachetSettings;
import dev.cachet.driver.SettingDescriptor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The metadata IDEs complete from lists every Cachet setting, so the starter keeps in line with CachetSettings. */
class ConfigurationMetadataTest {

    @Test
    void everyCachetSettingHasMetadata() throws Exception {
        String json;
        try (InputStream in = CachetProperties.class.getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated configuration metadata").isNotNull();
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (SettingDescriptor d : CachetSettings.all()) {
            if (d.isPerTable()) {
                continue; // cachet.ttl.<table>: a name per table, documented in docs/spring-boot.md
            }
            String kebab = d.name().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
            assertThat(json).as(d.name()).contains("\"name\": \"" + kebab + "\"");
        }
        assertThat(json).contains("The cluster id");
    }
}
