package dev.cachet.cache.shared;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.zip.CRC32C;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The byte format of shared-tier values, and its encryption. Every value starts with a 3-byte magic (entry or
 * shape), a format version and a flags byte. A plain value ends with a CRC32C of everything before it; an encrypted
 * one holds the key id, a random 12-byte nonce and the AES-GCM ciphertext of the body, authenticated together with
 * the header and the value's own Redis key (so a value moved under another key fails to authenticate).
 *
 * <pre>
 *   entry body: generation, epoch, tables digest (longs); n (int); n table versions (longs);
 *               expires-at (epoch millis, long); codec format (int); shape digest (16 bytes); rows (the rest)
 *   shape body: codec format (int); shape (the rest)
 * </pre>
 *
 * Anything that does not parse, authenticate or match is a {@link BadValueException}, never an entry.
 */
final class Envelope {

    static final int SHAPE_DIGEST_BYTES = 16;

    private static final byte[] ENTRY_MAGIC = {'C', 'C', 'E'};
    private static final byte[] SHAPE_MAGIC = {'C', 'C', 'S'};
    private static final byte FORMAT = 1;
    private static final byte ENCRYPTED = 1;
    private static final int HEADER = 5;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Why a value was refused. */
    enum Problem {
        /** Not a value of this format: another program's, or another version of Cachet's. */
        FOREIGN,
        /** Damaged: checksum, authentication or structure. */
        CORRUPT,
        /** Encrypted under another key, or not encrypted while a key is configured (or the reverse). */
        WRONG_KEY
    }

    /** A value Cachet must not use. */
    static final class BadValueException extends Exception {
        private static final long serialVersionUID = 1L;
        final Problem problem;

        BadValueException(Problem problem) {
            super(problem.name(), null, false, false);
            this.problem = problem;
        }
    }

    /** An entry as stored: the versions it was filled under, its expiry, its codec, its shape and its rows. */
    record Entry(long generation, long epoch, long tablesDigest, long[] versions, long expiresAtMillis,
                 int codecFormat, byte[] shapeDigest, byte[] rows) {
    }

    private final EncryptionKey key;

    Envelope(EncryptionKey key) {
        this.key = key;
    }

    // ---------------------------------------------------------------- entries

    byte[] sealEntry(byte[] redisKey, SharedVersions versions, long tablesDigest, long expiresAtMillis,
                     int codecFormat, byte[] shapeDigest, byte[] rows) {
        ByteBuffer body = ByteBuffer.allocate(8 * 3 + 4 + 8 * versions.tables.length + 8 + 4 + SHAPE_DIGEST_BYTES
                + rows.length);
        body.putLong(versions.generation).putLong(versions.epoch).putLong(tablesDigest);
        body.putInt(versions.tables.length);
        for (long v : versions.tables) {
            body.putLong(v);
        }
        body.putLong(expiresAtMillis).putInt(codecFormat).put(shapeDigest).put(rows);
        return seal(ENTRY_MAGIC, redisKey, body.array());
    }

    Entry openEntry(byte[] redisKey, byte[] value) throws BadValueException {
        ByteBuffer body = ByteBuffer.wrap(open(ENTRY_MAGIC, redisKey, value));
        try {
            long generation = body.getLong();
            long epoch = body.getLong();
            long tablesDigest = body.getLong();
            int n = body.getInt();
            if (n < 0 || n > body.remaining() / 8) {
                throw new BadValueException(Problem.CORRUPT);
            }
            long[] versions = new long[n];
            for (int i = 0; i < n; i++) {
                versions[i] = body.getLong();
            }
            long expiresAt = body.getLong();
            int codecFormat = body.getInt();
            byte[] shapeDigest = new byte[SHAPE_DIGEST_BYTES];
            body.get(shapeDigest);
            byte[] rows = new byte[body.remaining()];
            body.get(rows);
            return new Entry(generation, epoch, tablesDigest, versions, expiresAt, codecFormat, shapeDigest, rows);
        } catch (BufferUnderflowException e) {
            throw new BadValueException(Problem.CORRUPT);
        }
    }

    // ---------------------------------------------------------------- shapes

    byte[] sealShape(byte[] redisKey, int codecFormat, byte[] shape) {
        ByteBuffer body = ByteBuffer.allocate(4 + shape.length);
        body.putInt(codecFormat).put(shape);
        return seal(SHAPE_MAGIC, redisKey, body.array());
    }

    /** The shape's bytes; a shape of another codec format is foreign. */
    byte[] openShape(byte[] redisKey, byte[] value, int codecFormat) throws BadValueException {
        ByteBuffer body = ByteBuffer.wrap(open(SHAPE_MAGIC, redisKey, value));
        if (body.remaining() < 4 || body.getInt() != codecFormat) {
            throw new BadValueException(Problem.FOREIGN);
        }
        byte[] shape = new byte[body.remaining()];
        body.get(shape);
        return shape;
    }

    // ---------------------------------------------------------------- sealing

    private byte[] seal(byte[] magic, byte[] redisKey, byte[] body) {
        if (key == null) {
            ByteBuffer out = ByteBuffer.allocate(HEADER + body.length + 4);
            out.put(magic).put(FORMAT).put((byte) 0).put(body);
            CRC32C crc = new CRC32C();
            crc.update(out.array(), 0, out.position());
            out.putInt((int) crc.getValue());
            return out.array();
        }
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            ByteBuffer out = ByteBuffer.allocate(HEADER + 4 + NONCE + cipher.getOutputSize(body.length));
            out.put(magic).put(FORMAT).put(ENCRYPTED).putInt(key.id()).put(nonce);
            cipher.updateAAD(redisKey);
            cipher.updateAAD(out.array(), 0, HEADER + 4 + NONCE);
            cipher.doFinal(ByteBuffer.wrap(body), out);
            return out.array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required of every JVM", e);
        }
    }

    private byte[] open(byte[] magic, byte[] redisKey, byte[] value) throws BadValueException {
        if (value.length < HEADER || value[0] != magic[0] || value[1] != magic[1] || value[2] != magic[2]
                || value[3] != FORMAT) {
            throw new BadValueException(Problem.FOREIGN);
        }
        boolean encrypted = (value[4] & ENCRYPTED) != 0;
        if (encrypted != (key != null)) {
            // a plain value while a key is configured could have been written by anyone: never trusted
            throw new BadValueException(Problem.WRONG_KEY);
        }
        if (!encrypted) {
            if (value.length < HEADER + 4) {
                throw new BadValueException(Problem.CORRUPT);
            }
            CRC32C crc = new CRC32C();
            crc.update(value, 0, value.length - 4);
            if ((int) crc.getValue() != ByteBuffer.wrap(value, value.length - 4, 4).getInt()) {
                throw new BadValueException(Problem.CORRUPT);
            }
            byte[] body = new byte[value.length - HEADER - 4];
            System.arraycopy(value, HEADER, body, 0, body.length);
            return body;
        }
        if (value.length < HEADER + 4 + NONCE + TAG_BITS / 8) {
            throw new BadValueException(Problem.CORRUPT);
        }
        if (ByteBuffer.wrap(value, HEADER, 4).getInt() != key.id()) {
            throw new BadValueException(Problem.WRONG_KEY);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, value, HEADER + 4, NONCE));
            cipher.updateAAD(redisKey);
            cipher.updateAAD(value, 0, HEADER + 4 + NONCE);
            int offset = HEADER + 4 + NONCE;
            return cipher.doFinal(value, offset, value.length - offset);
        } catch (AEADBadTagException e) {
            throw new BadValueException(Problem.CORRUPT);
        } catch (GeneralSecurityException e) {
            throw new BadValueException(Problem.CORRUPT);
        }
    }

    // ---------------------------------------------------------------- digests

    /** A 64-bit FNV-1a digest of the sorted table names: an entry read for another set of tables is a miss. */
    static long tablesDigest(List<String> tables) {
        long h = 0xcbf29ce484222325L;
        for (String table : tables) {
            for (byte b : table.getBytes(StandardCharsets.UTF_8)) {
                h = (h ^ (b & 0xff)) * 0x100000001b3L;
            }
            h = (h ^ 0xff) * 0x100000001b3L; // separator: no UTF-8 byte is 0xff
        }
        return h;
    }
}
