package dev.cachet.driver.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {

  @Test
  void parsesAndPrintsPostgresTextForm() {
    Lsn lsn = Lsn.parse("16/B374D848");
    assertThat(lsn.value()).isEqualTo(0x16_B374D848L);
    assertThat(lsn).hasToString("16/B374D848");
    assertThat(Lsn.parse("16/b374d848")).isEqualTo(lsn);
    assertThat(Lsn.parse("0/0")).isSameAs(Lsn.ZERO);
    assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF")).isSameAs(Lsn.MAX);
    assertThat(Lsn.parse("0/4001D18")).hasToString("0/4001D18");
  }

  @Test
  void comparesAsUnsigned() {
    Lsn high = Lsn.parse("80000000/0");
    Lsn low = Lsn.parse("7FFFFFFF/FFFFFFFF");
    assertThat(high).isGreaterThan(low);
    assertThat(high.isAtLeast(low)).isTrue();
    assertThat(low.isAtLeast(high)).isFalse();
    assertThat(low.isAtLeast(low)).isTrue();
    assertThat(Lsn.MAX).isGreaterThan(high);
    assertThat(Lsn.max(low, high)).isSameAs(high);
    assertThat(Lsn.max(high, low)).isSameAs(high);
  }

  @Test
  void diffsInBytes() {
    assertThat(Lsn.parse("1/0").bytesSince(Lsn.parse("0/FFFFFF00"))).isEqualTo(256);
    assertThat(Lsn.parse("0/10").bytesSince(Lsn.parse("0/20"))).isEqualTo(-16);
  }

  @Test
  void rejectsMalformedText() {
    for (String bad : new String[] {"", "/", "1/", "/1", "16B374D848", "1/2/3", "G/0", "-1/0", "+1/0", "1/ 2",
        "123456789/0", "0/123456789"}) {
      assertThatThrownBy(() -> Lsn.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
