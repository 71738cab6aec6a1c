package dev.cachet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.cache.shared.SharedTierSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The {@code cachet.shared.*} settings: parsed, validated, and never showing a key or a password. */
class SharedSettingsTest {

    @Test
    void noSharedTierByDefault() throws SQLException {
        CachetSettings s = CachetSettings.resolve(null, null);
        assertThat(s.sharedUri()).isNull();
        assertThat(s.sharedMode()).isEqualTo(SharedTierSettings.Mode.STANDALONE);
        assertThat(s.sharedConsistency()).isEqualTo(SharedTierSettings.Consistency.STRICT);
        assertThat(s.sharedTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.sharedMaxEntryBytes()).isEqualTo(1 << 20);
        assertThat(s.sharedEncryptionKey()).isNull();
    }

    @Test
    void parsesEverySharedSetting() throws Exception {
        Path key = Files.createTempFile("cachet-key", ".b64");
        try {
            String secret = Base64.getEncoder().encodeToString(new byte[32]);
            Files.writeString(key, secret + "\n");
            Properties p = new Properties();
            p.setProperty("cachet.shared.uri", " redis://a:6379, rediss://b:6380 ");
            p.setProperty("cachet.shared.mode", "CLUSTER");
            p.setProperty("cachet.shared.consistency", "broadcast");
            p.setProperty("cachet.shared.timeout", "50ms");
            p.setProperty("cachet.shared.maxEntryBytes", "256KB");
            p.setProperty("cachet.shared.encryptionKey", key.toString());
            p.setProperty("cachet.shared.user", "cachet");
            p.setProperty("cachet.shared.password", "s3cret-pw");
            CachetSettings s = CachetSettings.resolve(p, null);
            assertThat(s.sharedUri()).isEqualTo("redis://a:6379, rediss://b:6380");
            assertThat(s.sharedMode()).isEqualTo(SharedTierSettings.Mode.CLUSTER);
            assertThat(s.sharedConsistency()).isEqualTo(SharedTierSettings.Consistency.BROADCAST);
            assertThat(s.sharedTimeout()).isEqualTo(Duration.ofMillis(50));
            assertThat(s.sharedMaxEntryBytes()).isEqualTo(256 * 1024);
            assertThat(s.sharedEncryptionKey()).isNotNull();
            assertThat(s.sharedUser()).isEqualTo("cachet");
            assertThat(s.sharedPassword()).isEqualTo("s3cret-pw");
            assertThat(s.toString()).doesNotContain("s3cret-pw").doesNotContain(secret)
                    .contains("cachet.shared.password=(set)");
            assertThat(s.sameCacheShape(CachetSettings.defaults())).isFalse();
        } finally {
            Files.deleteIfExists(key);
        }
    }

    @Test
    void aPasswordInTheUriIsNeverShown() throws SQLException {
        Properties p = new Properties();
        p.setProperty("cachet.shared.uri", "redis://app:hunter2@cache:6379");
        assertThat(CachetSettings.resolve(p, null).toString()).doesNotContain("hunter2").contains("redis://***@cache");
        p.setProperty("cachet.shared.uri", "http://app:hunter2@cache:6379");
        assertThatThrownBy(() -> CachetSettings.resolve(p, null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("cachet.shared.uri")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void badValuesFailConnectNamingTheSettingButNeverTheKey() throws Exception {
        Path key = Files.createTempFile("cachet-key", ".b64");
        try {
            Files.writeString(key, "c2hvcnQtYnV0LXNlY3JldCEh"); // 18 bytes: not an AES key
            Properties p = new Properties();
            p.setProperty("cachet.shared.encryptionKey", key.toString());
            assertThatThrownBy(() -> CachetSettings.resolve(p, null))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("cachet.shared.encryptionKey")
                    .hasMessageNotContaining("c2hvcnQtYnV0LXNlY3Jl")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CachetSettings.SQL_STATE);
            p.setProperty("cachet.shared.encryptionKey", "env:CACHET_TEST_KEY_THAT_IS_NOT_SET");
            assertThatThrownBy(() -> CachetSettings.resolve(p, null))
                    .hasMessageContaining("CACHET_TEST_KEY_THAT_IS_NOT_SET is not set");
            p.remove("cachet.shared.encryptionKey");
            p.setProperty("cachet.shared.maxEntryBytes", "10");
            assertThatThrownBy(() -> CachetSettings.resolve(p, null)).hasMessageContaining("64 bytes");
            p.remove("cachet.shared.maxEntryBytes");
            p.setProperty("cachet.shared.consistency", "eventual");
            assertThatThrownBy(() -> CachetSettings.resolve(p, null)).hasMessageContaining("strict");
        } finally {
            Files.deleteIfExists(key);
        }
    }
}
