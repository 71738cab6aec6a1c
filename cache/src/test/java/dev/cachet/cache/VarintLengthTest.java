package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link Cells#varintLength} reads eight bytes at a time where it can: it answers as a byte-by-byte scan at every
 * position of any bytes — integers of 1 to 10 bytes, at the start, the middle and the last bytes of the array.
 */
class VarintLengthTest {

    private static int scanned(byte[] b, int pos) {
        int n = 1;
        while (b[pos++] < 0) {
            n++;
        }
        return n;
    }

    @Property(tries = 2000)
    void answersAsAByteByByteScanAtEveryPosition(@ForAll @Size(min = 1, max = 40) byte[] bytes,
                                                 @ForAll @IntRange(min = 0, max = 9) int continuationBytes) {
        // a well-formed integer somewhere (continuation bytes, then one that ends it) among arbitrary bytes
        int at = Math.floorMod(bytes.length * 31 + continuationBytes, bytes.length);
        for (int i = at; i < bytes.length; i++) {
            bytes[i] = (byte) (i - at < continuationBytes ? bytes[i] | 0x80 : bytes[i] & 0x7F);
            if (i - at >= continuationBytes) {
                break;
            }
        }
        bytes[bytes.length - 1] &= 0x7F; // every scan from any position ends inside the array
        for (int pos = 0; pos < bytes.length; pos++) {
            assertThat(Cells.varintLength(bytes, pos)).as("at %d of %d", pos, bytes.length)
                    .isEqualTo(scanned(bytes, pos));
        }
    }

    @Property(tries = 500)
    void longIntegersAndEveryLengthOfTheirLastWord(@ForAll @IntRange(min = 1, max = 10) int length,
                                                   @ForAll @IntRange(min = 0, max = 12) int before,
                                                   @ForAll @IntRange(min = 0, max = 12) int after) {
        byte[] bytes = new byte[before + length + after];
        for (int i = 0; i < length; i++) {
            bytes[before + i] = (byte) (i < length - 1 ? 0x80 | i : 0x05);
        }
        assertThat(Cells.varintLength(bytes, before)).isEqualTo(length);
    }
}
