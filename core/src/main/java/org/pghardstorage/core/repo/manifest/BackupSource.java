package org.pghardstorage.core.repo.manifest;

import java.util.Optional;
import org.pghardstorage.core.repo.BackupId;

/**
 * How a backup was read from PostgreSQL (format spec §10, §5.2).
 *
 * @param bytesReadFromServer archive and manifest bytes PostgreSQL sent for it, as sent (an
 *     incremental backup's relation files only with their changed blocks)
 * @param incrementalFrom the backup an {@code INCREMENTAL} {@code BASE_BACKUP} was taken against
 *     and its files rebuilt from; {@code null} when PostgreSQL sent every file whole
 */
public record BackupSource(long bytesReadFromServer, BackupId incrementalFrom) {
  /** Validates the fields. */
  public BackupSource {
    if (bytesReadFromServer < 0) {
      throw new IllegalArgumentException(
          "bytes_read_from_server " + bytesReadFromServer + " is negative");
    }
  }

  /** The base of an incremental backup, if it was one. */
  public Optional<BackupId> incrementalBase() {
    return Optional.ofNullable(incrementalFrom);
  }
}
