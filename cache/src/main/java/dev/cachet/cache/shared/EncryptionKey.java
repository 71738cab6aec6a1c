package dev.cachet.cache.shared;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES key (128, 192 or 256 bits) for encrypting shared-tier values with AES-GCM. Read from a file or an
 * environment variable holding it base64-encoded; never printed ({@link #toString()} shows only its length). Its
 * {@link #id()} — four bytes of a SHA-256 of the key — is stored beside each value, so a value encrypted under
 * another key is told apart from a corrupt one.
 */
public final class EncryptionKey {

    private final SecretKeySpec key;
    private final int id;

    private EncryptionKey(byte[] raw) {
        if (raw.length != 16 && raw.length != 24 && raw.length != 32) {
            throw new IllegalArgumentException("an AES key has 16, 24 or 32 bytes, not " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("cachet-shared-key-id".getBytes(StandardCharsets.US_ASCII));
            byte[] h = sha.digest(raw);
            this.id = ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Arrays.fill(raw, (byte) 0);
    }

    /** A key of these bytes (copied). */
    public static EncryptionKey of(byte[] raw) {
        return new EncryptionKey(raw.clone());
    }

    /** The key base64-encoded in {@code text} (surrounding white space ignored). */
    public static EncryptionKey fromBase64(String text) {
        try {
            return new EncryptionKey(Base64.getDecoder().decode(text.strip()));
        } catch (IllegalArgumentException e) {
            // the message of a decoding error may quote the input: never pass it on
            throw new IllegalArgumentException("an encryption key must be 16, 24 or 32 bytes, base64-encoded");
        }
    }

    /** The key held base64-encoded in {@code file}. The message of a failure never shows the file's content. */
    public static EncryptionKey fromFile(Path file) throws IOException {
        return fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /** The key held base64-encoded in environment variable {@code name}. */
    public static EncryptionKey fromEnvironment(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("environment variable " + name + " is not set");
        }
        return fromBase64(value);
    }

    SecretKeySpec spec() {
        return key;
    }

    /** Four bytes identifying the key (not secret), stored beside each value encrypted with it. */
    int id() {
        return id;
    }

    @Override
    public String toString() {
        return "EncryptionKey[AES-" + key.getEncoded().length * 8 + "]";
    }
}
