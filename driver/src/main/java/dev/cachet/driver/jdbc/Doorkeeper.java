package dev.cachet.driver.jdbc;

import java.util.Arrays;

/**
 * Remembers, approximately, the hashes of the keys read once recently: a Bloom filter of {@code 2^log2Bits} bits
 * with three probes, cleared when it has recorded a sixteenth of its size (as TinyLFU's doorkeeper ages). At that
 * load about 17% of the bits are set, so a key never seen passes as seen at most ~0.5% of the time.
 *
 * <p>Deliberately racy: the bits and the count are plain fields, so a concurrent record may be lost, a clearing may
 * race a record, and the count may run a little past its limit. That only changes whether a result is stored or a
 * key looked up, never what is served: a read not looked up runs on the database (see {@link StatementAdmission}).
 */
final class Doorkeeper {

    /** Bits per remembered key before clearing: with three probes, the false-positive rate stays below 0.5%. */
    static final int BITS_PER_KEY = 16;

    private final long[] words;
    private final int mask;
    private final int limit;
    private int recorded;

    Doorkeeper(int log2Bits) {
        if (log2Bits < 10 || log2Bits > 30) {
            throw new IllegalArgumentException("log2Bits out of range: " + log2Bits);
        }
        this.words = new long[1 << (log2Bits - 6)];
        this.mask = (1 << log2Bits) - 1;
        this.limit = (1 << log2Bits) / BITS_PER_KEY;
    }

    /**
     * The doorkeeper for a cache of {@code maxBytes}: about one bit per 64 bytes of cache (2^20 bits, 128 KiB, for
     * 64 MB), between 2^16 and 2^23 bits. At ~500 bytes per small entry it remembers, between clearings, the keys of
     * a few hundredths to a half of what the cache can hold.
     */
    static Doorkeeper forCache(long maxBytes) {
        long bits = Math.max(1L << 16, Math.min(1L << 23, maxBytes / 64));
        return new Doorkeeper(63 - Long.numberOfLeadingZeros(bits));
    }

    /** How many keys it recorded since it was last cleared (racy; for tests). */
    int recorded() {
        return recorded;
    }

    /** How many keys it records before it is cleared. */
    int capacity() {
        return limit;
    }

    /** True when {@code hash} was recorded since the last clearing (or collides with what was); else records it. */
    boolean seenOrRecord(int hash) {
        long x = spread(hash);
        if (contains(x)) {
            return true;
        }
        if (++recorded > limit) {
            Arrays.fill(words, 0L);
            recorded = 0;
        }
        int h1 = (int) x;
        int h2 = (int) (x >>> 32) | 1;
        for (int i = 0; i < 3; i++) {
            int bit = (h1 + i * h2) & mask;
            words[bit >>> 6] |= 1L << bit;
        }
        return false;
    }

    /** True when {@code hash} passes as seen, without recording it. */
    boolean contains(int hash) {
        return contains(spread(hash));
    }

    private boolean contains(long x) {
        // double hashing: probe i is h1 + i * h2
        int h1 = (int) x;
        int h2 = (int) (x >>> 32) | 1;
        for (int i = 0; i < 3; i++) {
            int bit = (h1 + i * h2) & mask;
            if ((words[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** MurmurHash3's 64-bit finalizer: the key's hash is already mixed, but only 32 bits wide. */
    private static long spread(int hash) {
        long x = hash;
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }
}
