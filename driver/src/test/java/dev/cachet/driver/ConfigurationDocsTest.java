package dev.cachet.driver;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md documents every setting with its actual default. */
class ConfigurationDocsTest {

    @Test
    void everySettingIsDocumentedWithItsDefault() throws IOException {
        Path docs = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(docs);
        for (SettingDescriptor d : CachetSettings.all()) {
            assertThat(text).contains("### `" + d.name() + "`");
            if (!d.defaultValue().isEmpty()) {
                assertThat(text).contains("| `" + d.name() + "` | `" + d.defaultValue() + "` |");
                assertThat(text).contains("Default `" + d.defaultValue() + "`.");
            }
        }
    }
}
