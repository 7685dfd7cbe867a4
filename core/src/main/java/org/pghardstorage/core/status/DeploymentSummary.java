package org.pghardstorage.core.status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A deployment as its repository shows it.
 *
 * @param deployment the deployment
 * @param backups how many committed backups it has
 * @param lastBackupId the newest backup, or null
 * @param lastBackupFinishedAt when it finished, or null
 * @param lastBackupAgeSeconds how long ago, or null
 * @param lastBackupEndLsn its end LSN, or null
 * @param oldestBackupId the oldest backup, the start of the PITR window, or null
 * @param walTimeline the newest timeline with WAL, or null
 * @param walNewestSegment the newest stored segment (complete or partial), or null
 * @param walNewestPartial whether that segment is still partial
 * @param walNewestAt when the newest WAL object was written, or null
 * @param walAgeSeconds how long ago, or null
 * @param walGaps gaps found by the WAL audit, as text
 * @param walGapsNewestBackupNeeds those of {@code walGaps} at or after the newest backup's start
 *     ({@link org.pghardstorage.core.wal.WalAudit.Impact#NEWEST_BACKUP}): the newest backup cannot
 *     be restored, or not to the latest moment; the others only limit recovery to moments before
 *     the newest backup
 */
public record DeploymentSummary(
    String deployment,
    int backups,
    String lastBackupId,
    Instant lastBackupFinishedAt,
    Long lastBackupAgeSeconds,
    String lastBackupEndLsn,
    String oldestBackupId,
    Long walTimeline,
    String walNewestSegment,
    boolean walNewestPartial,
    Instant walNewestAt,
    Long walAgeSeconds,
    List<String> walGaps,
    List<String> walGapsNewestBackupNeeds) {
  /** Copies the lists. */
  public DeploymentSummary {
    walGaps = List.copyOf(walGaps);
    walGapsNewestBackupNeeds = List.copyOf(walGapsNewestBackupNeeds);
  }

  /** The last backup's age, if there is one. */
  public java.util.Optional<Duration> lastBackupAge() {
    return java.util.Optional.ofNullable(lastBackupAgeSeconds).map(Duration::ofSeconds);
  }
}
