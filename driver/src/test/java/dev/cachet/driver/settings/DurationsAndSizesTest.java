package dev.cachet.driver.settings;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsAndSizesTest {

    @Test
    void parsesDurationsWithUnits() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse(" 30 S ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
    }

    @Test
    void parsesIsoDurations() {
        assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("P1D")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void rejectsBadDurationsSayingWhy() {
        assertThatThrownBy(() -> Durations.parse("30")).hasMessageContaining("'30' is not a valid duration")
                .hasMessageContaining("missing unit").hasMessageContaining("500ms, 30s, 5m, 1h");
        assertThatThrownBy(() -> Durations.parse("5x")).hasMessageContaining("unknown unit 'x'");
        assertThatThrownBy(() -> Durations.parse("-5s")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Durations.parse("-PT5S")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Durations.parse("PT5")).hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> Durations.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Durations.parse("1.5s")).hasMessageContaining("unknown unit '.5s'");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999s")).hasMessageContaining("too large");
        assertThatThrownBy(() -> Durations.parse("9999999999999999d")).hasMessageContaining("too large");
    }

    @Test
    void formatsDurationsTheWayTheyAreWritten() {
        assertThat(Durations.format(Duration.ofSeconds(60))).isEqualTo("1m");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0");
        assertThat(Durations.format(Duration.ofNanos(5))).isEqualTo("PT0.000000005S");
    }

    @Test
    void parsesSizesWithBinaryUnits() {
        assertThat(Sizes.parse("123")).isEqualTo(123);
        assertThat(Sizes.parse("512KB")).isEqualTo(512 * 1024);
        assertThat(Sizes.parse("64MB")).isEqualTo(64L << 20);
        assertThat(Sizes.parse("1GB")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("1 gib")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("2k")).isEqualTo(2048);
        assertThat(Sizes.parse("10b")).isEqualTo(10);
        assertThat(Sizes.parse("1TB")).isEqualTo(1L << 40);
    }

    @Test
    void rejectsBadSizesSayingWhy() {
        assertThatThrownBy(() -> Sizes.parse("64XB")).hasMessageContaining("unknown unit 'XB'")
                .hasMessageContaining("512KB, 64MB, 1GB");
        assertThatThrownBy(() -> Sizes.parse("-1")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Sizes.parse("MB")).hasMessageContaining("no number");
        assertThatThrownBy(() -> Sizes.parse("99999999999GB")).hasMessageContaining("too large");
    }

    @Test
    void formatsSizes() {
        assertThat(Sizes.format(64L << 20)).isEqualTo("64MB");
        assertThat(Sizes.format(1536)).isEqualTo("1536");
        assertThat(Sizes.format(1L << 30)).isEqualTo("1GB");
    }
}
