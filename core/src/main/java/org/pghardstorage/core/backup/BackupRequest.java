package org.pghardstorage.core.backup;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.repo.Deployment;

/**
 * What to back up and how.
 *
 * @param deployment the protected database's name in the repository
 * @param connInfo how to reach it (a replication connection is opened from this)
 * @param label the backup label PostgreSQL records in backup_label
 * @param fastCheckpoint request an immediate checkpoint (else a spread one)
 * @param maxRateKbPerSecond throttle the server's sending, if set (32..1048576 kB/s)
 * @param walTimeout how long to wait, after BASE_BACKUP ends, for the WAL up to its end LSN
 * @param streamerSlot the slot of the deployment's streamer ({@link
 *     org.pghardstorage.core.deployment.DeploymentContext#slot()}): while it is active the backup
 *     takes its WAL from the streamer rather than receiving the same WAL a second time
 */
public record BackupRequest(
    Deployment deployment,
    ConnInfo connInfo,
    String label,
    boolean fastCheckpoint,
    OptionalLong maxRateKbPerSecond,
    Duration walTimeout,
    String streamerSlot) {
  /** Validates the fields. */
  public BackupRequest {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(connInfo, "connInfo");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(maxRateKbPerSecond, "maxRateKbPerSecond");
    Objects.requireNonNull(walTimeout, "walTimeout");
    Objects.requireNonNull(streamerSlot, "streamerSlot");
  }

  /** Defaults: fast checkpoint, no throttle, five minutes for the end WAL. */
  public static BackupRequest of(
      Deployment deployment, ConnInfo connInfo, String label, String streamerSlot) {
    return new BackupRequest(
        deployment,
        connInfo,
        label,
        true,
        OptionalLong.empty(),
        Duration.ofMinutes(5),
        streamerSlot);
  }
}
