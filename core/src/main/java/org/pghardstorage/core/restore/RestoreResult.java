package org.pghardstorage.core.restore;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a finished restore did. Plain fields only, so it serialises with a default Jackson {@code
 * ObjectMapper}.
 *
 * @param deployment the deployment
 * @param backupId the restored backup
 * @param target the data directory
 * @param files regular files written
 * @param bytesWritten bytes of file content written
 * @param durationMillis wall-clock time of the restore
 * @param tablespaces where each tablespace went
 * @param recovery the settings written to {@code postgresql.auto.conf}
 */
public record RestoreResult(
    String deployment,
    String backupId,
    String target,
    long files,
    long bytesWritten,
    long durationMillis,
    List<TablespaceTarget> tablespaces,
    RecoverySettings recovery) {
  /** Validates the fields. */
  public RestoreResult {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(backupId, "backupId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(recovery, "recovery");
    tablespaces = List.copyOf(tablespaces);
  }

  /** The wall-clock time of the restore. */
  public Duration duration() {
    return Duration.ofMillis(durationMillis);
  }
}
