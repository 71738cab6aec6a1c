package dev.cachet.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DoorkeeperTest {

    @Test
    void aKeyIsSeenOnItsSecondRecordOnly() {
        Doorkeeper d = new Doorkeeper(16);
        assertThat(d.seenOrRecord(42)).isFalse();
        assertThat(d.seenOrRecord(42)).isTrue();
        assertThat(d.seenOrRecord(43)).isFalse();
        assertThat(d.seenOrRecord(-42)).isFalse();
    }

    @Test
    void keysNeverRecordedRarelyPassAsSeenUpToItsCapacity() {
        Doorkeeper d = new Doorkeeper(16);
        int capacity = d.capacity();
        assertThat(capacity).isEqualTo((1 << 16) / Doorkeeper.BITS_PER_KEY);
        int falsePositives = 0;
        // sequential hashes, then hashes of another range never recorded: distinct keys all
        for (int i = 0; i < capacity; i++) {
            if (d.seenOrRecord(i * 31 + 7)) {
                falsePositives++;
            }
        }
        for (int i = 0; i < capacity; i++) {
            assertThat(d.seenOrRecord(i * 31 + 7)).isTrue();
        }
        int probes = 10_000;
        int unseenPassing = 0;
        for (int i = 0; i < probes; i++) {
            if (d.contains(0x4000_0000 + i * 17)) {
                unseenPassing++;
            }
        }
        // at a full load 17% of the bits are set: about 0.5% of unseen keys pass with three probes
        assertThat(falsePositives).isLessThan(capacity / 100);
        assertThat(unseenPassing).isLessThan(probes / 50);
    }

    @Test
    void itForgetsEverythingWhenItHasRecordedItsCapacity() {
        Doorkeeper d = new Doorkeeper(12);
        assertThat(d.seenOrRecord(-1)).isFalse();
        for (int k = 1; d.recorded() < d.capacity(); k++) {
            d.seenOrRecord(k * 7919);
        }
        assertThat(d.seenOrRecord(-1)).as("still remembered at capacity").isTrue();
        assertThat(d.seenOrRecord(-2)).isFalse(); // the record past capacity clears first
        assertThat(d.seenOrRecord(-1)).as("forgotten after the clearing").isFalse();
        assertThat(d.seenOrRecord(-2)).isTrue();
    }

    @Test
    void sizedFromTheCacheBound() {
        assertThat(Doorkeeper.forCache(64L << 20).capacity()).isEqualTo((1 << 20) / Doorkeeper.BITS_PER_KEY);
        assertThat(Doorkeeper.forCache(1024).capacity()).isEqualTo((1 << 16) / Doorkeeper.BITS_PER_KEY);
        assertThat(Doorkeeper.forCache(Long.MAX_VALUE).capacity()).isEqualTo((1 << 23) / Doorkeeper.BITS_PER_KEY);
        assertThatThrownBy(() -> new Doorkeeper(5)).isInstanceOf(IllegalArgumentException.class);
    }
}
