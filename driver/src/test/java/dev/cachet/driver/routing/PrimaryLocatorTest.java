package dev.cachet.driver.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrimaryLocatorTest {

  private static NodeProbe answers(Map<String, NodeStatus> status) {
    return host -> {
      NodeStatus s = status.get(host);
      if (s == null) {
        throw new SQLException("connection refused: " + host, "08001");
      }
      return s;
    };
  }

  @Test
  void findsTheHostNotInRecovery() throws SQLException {
    PrimaryLocator locator = new PrimaryLocator(List.of("a:1", "b:1", "c:1"), answers(Map.of(
        "a:1", NodeStatus.standby(Lsn.of(10), 2),
        "b:1", NodeStatus.primary(Lsn.of(20), 2),
        "c:1", NodeStatus.standby(Lsn.of(10), 1))));
    PrimaryLocator.Located located = locator.locate();
    assertThat(located.primary()).isEqualTo("b:1");
    assertThat(located.primaryStatus().timeline()).isEqualTo(2);
    assertThat(located.demoted()).isEmpty();
    assertThat(located.standbysOnPrimaryTimeline()).containsExactly("a:1");
  }

  @Test
  void twoPrimariesTheHigherTimelineWins() throws SQLException {
    PrimaryLocator locator = new PrimaryLocator(List.of("old:1", "new:1", "down:1"), answers(Map.of(
        "old:1", NodeStatus.primary(Lsn.of(900), 1),
        "new:1", NodeStatus.primary(Lsn.of(500), 2))));
    PrimaryLocator.Located located = locator.locate();
    assertThat(located.primary()).isEqualTo("new:1");
    assertThat(located.demoted()).containsExactly("old:1");
    assertThat(located.unreachable()).containsOnlyKeys("down:1");
  }

  @Test
  void twoPrimariesOnOneTimelineCannotBeDecided() {
    PrimaryLocator locator = new PrimaryLocator(List.of("a:1", "b:1"), answers(Map.of(
        "a:1", NodeStatus.primary(Lsn.of(1), 3),
        "b:1", NodeStatus.primary(Lsn.of(2), 3))));
    assertThatThrownBy(locator::locate).isInstanceOfSatisfying(SQLException.class, e -> {
      assertThat(e.getSQLState()).isEqualTo("08001");
      assertThat(e.getMessage()).contains("two primaries on timeline 3");
    });
  }

  @Test
  void noPrimaryIsAConnectionError() {
    PrimaryLocator locator = new PrimaryLocator(List.of("a:1", "b:1"), answers(Map.of(
        "a:1", NodeStatus.standby(Lsn.of(1), 1))));
    assertThatThrownBy(locator::locate).isInstanceOfSatisfying(SQLException.class, e -> {
      assertThat(e.getSQLState()).isEqualTo("08001");
      assertThat(e.getMessage()).contains("no primary").contains("a:1 standby on timeline 1")
          .contains("b:1 unreachable");
      assertThat(e.getNextException() != null).as("cause chained").isTrue();
    });
  }
}
