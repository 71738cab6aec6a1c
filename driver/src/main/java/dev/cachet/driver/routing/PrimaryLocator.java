package dev.cachet.driver.routing;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the primary among a cluster's configured hosts (DESIGN §9): the host that is not in recovery. When several
 * claim to be primary (an old primary came back after a replica was promoted), the one on the highest timeline wins
 * and the others are reported as failed; a tie cannot be decided and is an error.
 *
 * <p>Stateless apart from its configuration; thread-safe when its probe is.
 */
public final class PrimaryLocator {

  /** SQLState of "no primary could be found": class 08, connection exception. */
  public static final String NO_PRIMARY_SQLSTATE = "08001";

  /**
   * What a search found.
   *
   * @param primary        the primary's {@code "host:port"}
   * @param primaryStatus  the primary's status (its timeline is the cluster's)
   * @param demoted        hosts that also claimed to be primary on a lower timeline: to be treated as failed
   * @param standbys       the standbys that answered, with their status
   * @param unreachable    hosts that could not be probed, with the reason
   */
  public record Located(String primary, NodeStatus primaryStatus, Set<String> demoted, Map<String, NodeStatus> standbys,
      Map<String, SQLException> unreachable) {

    /** The standbys on the primary's timeline (the others may hold commits the primary lost). */
    public List<String> standbysOnPrimaryTimeline() {
      List<String> result = new ArrayList<>();
      standbys.forEach((host, status) -> {
        if (status.timeline() == primaryStatus.timeline()) {
          result.add(host);
        }
      });
      return result;
    }
  }

  private final List<String> hosts;
  private final NodeProbe probe;

  /** A locator over {@code hosts} ({@code "host:port"}, configured order), asking each through {@code probe}. */
  public PrimaryLocator(List<String> hosts, NodeProbe probe) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("no hosts to search");
    }
    this.hosts = List.copyOf(hosts);
    this.probe = probe;
  }

  /**
   * Probes every configured host and returns the primary.
   *
   * @throws SQLException of SQLState {@value #NO_PRIMARY_SQLSTATE} when no host is a primary, or two on the same
   *                      timeline claim to be; the message says what each host answered
   */
  public Located locate() throws SQLException {
    Map<String, NodeStatus> primaries = new LinkedHashMap<>();
    Map<String, NodeStatus> standbys = new LinkedHashMap<>();
    Map<String, SQLException> unreachable = new LinkedHashMap<>();
    for (String host : hosts) {
      try {
        NodeStatus status = probe.probe(host);
        (status.inRecovery() ? standbys : primaries).put(host, status);
      } catch (SQLException e) {
        unreachable.put(host, e);
      }
    }
    String best = null;
    boolean tie = false;
    for (Map.Entry<String, NodeStatus> candidate : primaries.entrySet()) {
      if (best == null || candidate.getValue().timeline() > primaries.get(best).timeline()) {
        best = candidate.getKey();
        tie = false;
      } else if (candidate.getValue().timeline() == primaries.get(best).timeline()) {
        tie = true;
      }
    }
    if (best == null || tie) {
      SQLException error = new SQLException((best == null
          ? "Cachet found no primary among " + hosts
          : "Cachet found two primaries on timeline " + primaries.get(best).timeline() + " among " + hosts)
          + ": " + describe(primaries, standbys, unreachable), NO_PRIMARY_SQLSTATE);
      unreachable.values().forEach(error::setNextException);
      throw error;
    }
    Set<String> demoted = new java.util.LinkedHashSet<>(primaries.keySet());
    demoted.remove(best);
    return new Located(best, primaries.get(best), Set.copyOf(demoted), Map.copyOf(standbys), Map.copyOf(unreachable));
  }

  private static String describe(Map<String, NodeStatus> primaries, Map<String, NodeStatus> standbys,
      Map<String, SQLException> unreachable) {
    StringBuilder s = new StringBuilder();
    primaries.forEach((h, st) -> s.append(h).append(" primary on timeline ").append(st.timeline()).append("; "));
    standbys.forEach((h, st) -> s.append(h).append(" standby on timeline ").append(st.timeline()).append("; "));
    unreachable.forEach((h, e) -> s.append(h).append(" unreachable (").append(e.getMessage()).append("); "));
    return s.length() == 0 ? "no host answered" : s.substring(0, s.length() - 2);
  }
}
