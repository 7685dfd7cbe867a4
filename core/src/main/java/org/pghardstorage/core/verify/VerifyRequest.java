package org.pghardstorage.core.verify;

import java.util.Objects;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.restore.BackupSelector;
import org.pghardstorage.core.restore.RestoreRequest;

/**
 * Which backup to verify, and with how many threads.
 *
 * @param deployment the deployment
 * @param backup which of its backups
 * @param parallelism threads that read packs and files, at least 1
 */
public record VerifyRequest(Deployment deployment, BackupSelector backup, int parallelism) {
  /** Validates the fields. */
  public VerifyRequest {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(backup, "backup");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
  }

  /** A request with the default parallelism (processors, at least 2). */
  public static VerifyRequest of(Deployment deployment, BackupSelector backup) {
    return new VerifyRequest(deployment, backup, RestoreRequest.defaultParallelism());
  }
}
