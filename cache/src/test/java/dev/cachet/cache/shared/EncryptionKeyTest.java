package dev.cachet.cache.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys are read from a file or the environment, and never shown: not in toString, not in an error message. */
class EncryptionKeyTest {

    @Test
    void aKeyFromAFileIsNeverPrinted(@TempDir Path dir) throws Exception {
        byte[] raw = new byte[32];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i + 65);
        }
        String text = Base64.getEncoder().encodeToString(raw);
        Path file = dir.resolve("key");
        Files.writeString(file, text + "\n");
        EncryptionKey key = EncryptionKey.fromFile(file);
        assertThat(key.toString()).isEqualTo("EncryptionKey[AES-256]").doesNotContain(text);
        SharedTierSettings settings = SharedTierSettings.builder("c", "redis://app:s3cret@h:6379")
                .encryptionKey(key).password("p4ss").build();
        assertThat(settings.toString()).doesNotContain(text).doesNotContain("s3cret").doesNotContain("p4ss");
    }

    @Test
    void aBadKeyIsRefusedWithoutQuotingIt() {
        String secretLooking = "not-base64-but-a-secret!";
        assertThatThrownBy(() -> EncryptionKey.fromBase64(secretLooking))
                .hasMessageNotContaining(secretLooking).hasMessageContaining("16, 24 or 32 bytes");
        assertThatThrownBy(() -> EncryptionKey.fromBase64(Base64.getEncoder().encodeToString(new byte[20])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EncryptionKey.fromEnvironment("CACHET_TEST_KEY_THAT_IS_NOT_SET"))
                .hasMessageContaining("not set");
    }
}
