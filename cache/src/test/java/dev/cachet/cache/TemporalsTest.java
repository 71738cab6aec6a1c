package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TemporalsTest {

    /** The reference (java.time's own formatting): ISO date, a space, HH:mm:ss and the fraction without trailing zeros. */
    private static String reference(LocalDateTime t) {
        StringBuilder b = new StringBuilder(t.toLocalDate().toString()).append(' ')
                .append(String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond()));
        if (t.getNano() != 0) {
            String f = String.format("%09d", t.getNano());
            b.append('.').append(f.replaceAll("0+$", ""));
        }
        return b.toString();
    }

    @Test
    void timestampsRenderLikeTheirLocalDateTime() {
        SplittableRandom random = new SplittableRandom(7);
        LocalDateTime[] fixed = {LocalDateTime.of(2024, 1, 1, 0, 0), LocalDateTime.of(1, 1, 1, 0, 0, 0, 1),
            LocalDateTime.of(999, 12, 31, 23, 59, 59, 999_999_999), LocalDateTime.of(9999, 12, 31, 23, 59, 59),
            LocalDateTime.of(10000, 1, 1, 0, 0, 0, 100), LocalDateTime.of(1970, 1, 1, 0, 0, 0, 120_000_000)};
        for (LocalDateTime t : fixed) {
            Timestamp ts = Timestamp.valueOf(t);
            // before 1582 java.sql's calendar and java.time's differ; the rendering follows the instant
            assertThat(Temporals.render(ts)).isEqualTo(reference(Temporals.localDateTime(ts)));
        }
        for (int i = 0; i < 10_000; i++) {
            LocalDateTime t = LocalDateTime.of(random.nextInt(1600, 3000), random.nextInt(1, 13),
                    random.nextInt(1, 29), random.nextInt(24), random.nextInt(60), random.nextInt(60),
                    random.nextBoolean() ? 0 : random.nextInt(1_000_000_000));
            assertThat(Temporals.render(Timestamp.valueOf(t))).isEqualTo(reference(t));
        }
    }
}
