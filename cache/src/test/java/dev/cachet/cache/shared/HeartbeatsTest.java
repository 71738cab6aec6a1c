package dev.cachet.cache.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stream check on a clock the test holds, and the channel's message format. */
class HeartbeatsTest {

    private static final long MS = 1_000_000;

    @Test
    void theStreamIsLateWhenTheOldestHeartbeatNotBackIsOlderThanTheBound() {
        Heartbeats h = new Heartbeats();
        assertThat(h.late(0, 100 * MS)).isFalse(); // nothing sent yet
        long one = h.next(0);
        long two = h.next(50 * MS);
        assertThat(h.late(99 * MS, 100 * MS)).isFalse();
        assertThat(h.late(101 * MS, 100 * MS)).as("heartbeat 1 overdue").isTrue();
        h.received(one);
        assertThat(h.late(101 * MS, 100 * MS)).as("heartbeat 2 is not overdue yet").isFalse();
        assertThat(h.late(151 * MS, 100 * MS)).isTrue();
        h.received(two);
        assertThat(h.late(1000 * MS, 100 * MS)).isFalse();
    }

    @Test
    void afterALossOnlyAHeartbeatSentLaterProvesDelivery() {
        Heartbeats h = new Heartbeats();
        long before = h.next(0);
        h.lost();
        assertThat(h.received(before)).as("delayed, from before the loss").isFalse();
        long after = h.next(10 * MS);
        assertThat(h.received(after)).isTrue();
    }

    @Test
    void messagesRoundTripAndOthersAreIgnored() {
        Messages mine = new Messages("a1".getBytes(StandardCharsets.US_ASCII));
        Messages theirs = new Messages("b2".getBytes(StandardCharsets.US_ASCII));
        Messages.Message m = theirs.parse(mine.tables(List.of("orders", "order_lines")));
        assertThat(m.own()).isFalse();
        assertThat(m.kind()).isEqualTo(Messages.TABLES);
        assertThat(m.items()).containsExactly("orders", "order_lines");
        assertThat(mine.parse(mine.all()).own()).isTrue();
        assertThat(mine.parse(mine.all()).items()).isEmpty();
        assertThat(mine.parse(mine.heartbeat(42)).items()).containsExactly("42");
        assertThat(mine.parse("hello".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
