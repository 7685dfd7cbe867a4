package org.pghardstorage.core.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one health model: judges {@link HealthFacts} green, amber or red by the rules written in
 * docs/reference/health.md. Red when a restore now would fail or lose too much: no backup, the
 * newest backup failed verification, WAL the newest backup needs is missing, the RPO is over {@code
 * rpoRed}, or the newest backup is older than {@code backupRed}. Amber when protection is degraded:
 * the streamer is down or nobody can tell, the RPO is over {@code rpoAmber}, the newest backup is
 * older than {@code backupAmber}, or WAL before the newest backup has gaps. Green otherwise.
 *
 * @param rpoAmber an RPO above this is amber
 * @param rpoRed an RPO above this is red
 * @param backupAmber a newest backup older than this is amber
 * @param backupRed a newest backup older than this is red
 */
public record HealthRules(
    Duration rpoAmber, Duration rpoRed, Duration backupAmber, Duration backupRed) {
  /** 5 min and 1 h of RPO; a backup older than 26 h (a missed daily one) or 8 days. */
  public static final HealthRules DEFAULT =
      new HealthRules(
          Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofHours(26), Duration.ofDays(8));

  /**
   * @throws IllegalArgumentException when an amber limit is above its red one
   */
  public HealthRules {
    Objects.requireNonNull(rpoAmber, "rpoAmber");
    Objects.requireNonNull(rpoRed, "rpoRed");
    Objects.requireNonNull(backupAmber, "backupAmber");
    Objects.requireNonNull(backupRed, "backupRed");
    if (rpoAmber.compareTo(rpoRed) > 0 || backupAmber.compareTo(backupRed) > 0) {
      throw new IllegalArgumentException(
          "amber limits must not exceed red ones: rpo "
              + rpoAmber
              + " > "
              + rpoRed
              + " or backup age "
              + backupAmber
              + " > "
              + backupRed);
    }
  }

  /** The health {@code facts} show. */
  public DeploymentHealth judge(HealthFacts facts) {
    List<String> red = new ArrayList<>();
    List<String> amber = new ArrayList<>();
    Optional<Duration> rpo = facts.rpo();
    if (facts.lastBackupAge().isEmpty()) {
      red.add("no backup");
    }
    if (facts.lastBackupVerified().filter(ok -> !ok).isPresent()) {
      red.add("the newest backup failed verification");
    }
    if (facts.walGapsNewestBackupNeeds() > 0) {
      red.add(
          facts.walGapsNewestBackupNeeds()
              + " WAL gap(s) at or after the newest backup's start: it cannot be restored, or not"
              + " to the latest moment");
    }
    rpo.filter(r -> r.compareTo(rpoRed) > 0).ifPresent(r -> red.add(over("RPO", r, rpoRed)));
    facts
        .lastBackupAge()
        .filter(a -> a.compareTo(backupRed) > 0)
        .ifPresent(a -> red.add(over("the newest backup's age", a, backupRed)));
    if (facts.streaming().isEmpty()) {
      amber.add("whether a streamer receives the WAL cannot be told");
    } else if (!facts.streaming().get()) {
      amber.add("no streamer receives the WAL");
    }
    rpo.filter(r -> r.compareTo(rpoAmber) > 0 && r.compareTo(rpoRed) <= 0)
        .ifPresent(r -> amber.add(over("RPO", r, rpoAmber)));
    facts
        .lastBackupAge()
        .filter(a -> a.compareTo(backupAmber) > 0 && a.compareTo(backupRed) <= 0)
        .ifPresent(a -> amber.add(over("the newest backup's age", a, backupAmber)));
    if (facts.walGapsOlder() > 0) {
      amber.add(
          facts.walGapsOlder()
              + " WAL gap(s) before the newest backup: recovery to earlier moments is limited");
    }
    List<String> reasons = new ArrayList<>(red);
    reasons.addAll(amber);
    DeploymentHealth.Status status =
        !red.isEmpty()
            ? DeploymentHealth.Status.RED
            : !amber.isEmpty() ? DeploymentHealth.Status.AMBER : DeploymentHealth.Status.GREEN;
    return new DeploymentHealth(status, rpo.map(Duration::toSeconds).orElse(null), reasons);
  }

  private static String over(String what, Duration value, Duration limit) {
    return what + " " + value.toSeconds() + " s is over " + limit.toSeconds() + " s";
  }
}
