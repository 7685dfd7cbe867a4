package org.pghardstorage.core.status;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known about a deployment when its health is judged, however it was learnt: the command
 * line from the repository and the database's replication slot, the server from the repository, its
 * catalogue and its supervised streamer. Each shell gathers these facts; {@link HealthRules} alone
 * judges them.
 *
 * @param streaming whether a streamer is receiving its WAL now; empty when that cannot be told (no
 *     connection configured, the database unreachable, the streamer on another server instance)
 * @param lag while streaming, how far the WAL made durable trails the server (the age of the oldest
 *     WAL not yet durable); empty when not known
 * @param sinceWalDurable since WAL of the deployment was last made durable in the repository; empty
 *     when there is none
 * @param lastBackupAge since the newest backup finished; empty when there is no backup
 * @param lastBackupVerified the newest backup's verification verdict; empty when it was never
 *     verified
 * @param walGapsNewestBackupNeeds WAL gaps at or after the newest backup's start: that backup
 *     cannot be restored, or not to the latest moment
 * @param walGapsOlder WAL gaps before the newest backup: recovery to earlier moments is limited
 */
public record HealthFacts(
    Optional<Boolean> streaming,
    Optional<Duration> lag,
    Optional<Duration> sinceWalDurable,
    Optional<Duration> lastBackupAge,
    Optional<Boolean> lastBackupVerified,
    int walGapsNewestBackupNeeds,
    int walGapsOlder) {
  /** Checks the fields. */
  public HealthFacts {
    Objects.requireNonNull(streaming, "streaming");
    Objects.requireNonNull(lag, "lag");
    Objects.requireNonNull(sinceWalDurable, "sinceWalDurable");
    Objects.requireNonNull(lastBackupAge, "lastBackupAge");
    Objects.requireNonNull(lastBackupVerified, "lastBackupVerified");
    if (walGapsNewestBackupNeeds < 0 || walGapsOlder < 0) {
      throw new IllegalArgumentException(
          "gap counts must not be negative, were "
              + walGapsNewestBackupNeeds
              + ", "
              + walGapsOlder);
    }
  }

  /**
   * The facts a repository summary gives, with what the caller learnt about the streamer.
   *
   * @param lastBackupVerified the newest backup's verdict, if it was verified
   */
  public static HealthFacts of(
      DeploymentSummary summary,
      Optional<Boolean> streaming,
      Optional<Duration> lag,
      Optional<Boolean> lastBackupVerified) {
    int needed = summary.walGapsNewestBackupNeeds().size();
    return new HealthFacts(
        streaming,
        lag,
        Optional.ofNullable(summary.walAgeSeconds()).map(Duration::ofSeconds),
        summary.lastBackupAge(),
        lastBackupVerified,
        needed,
        summary.walGaps().size() - needed);
  }

  /**
   * The recovery point objective now, by the one rule: what a disaster now would lose. While
   * streaming, the lag; otherwise the time since WAL was last made durable; without any WAL, the
   * time since the newest backup; empty with neither.
   */
  public Optional<Duration> rpo() {
    if (streaming.orElse(false) && lag.isPresent()) {
      return lag;
    }
    return sinceWalDurable.or(() -> lastBackupAge);
  }
}
