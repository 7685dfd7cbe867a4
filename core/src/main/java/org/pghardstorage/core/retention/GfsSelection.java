package org.pghardstorage.core.retention;

import java.util.List;
import java.util.Objects;
import org.pghardstorage.core.repo.BackupId;

/**
 * Which backups a {@link GfsPolicy} keeps and which it deletes. Every backup given is in exactly
 * one of the two lists.
 *
 * @param kept the backups kept, oldest first, each with every reason that keeps it
 * @param deleted the backups no rule keeps, oldest first
 */
public record GfsSelection(List<Kept> kept, List<BackupId> deleted) {
  /**
   * A kept backup.
   *
   * @param backupId the backup
   * @param reasons why, newest-backup first, then by granularity from hourly to yearly
   */
  public record Kept(BackupId backupId, List<KeepReason> reasons) {
    /** Copies the list. */
    public Kept {
      Objects.requireNonNull(backupId, "backupId");
      reasons = List.copyOf(reasons);
    }
  }

  /** Copies the lists. */
  public GfsSelection {
    kept = List.copyOf(kept);
    deleted = List.copyOf(deleted);
  }

  /** The ids of the kept backups, oldest first. */
  public List<BackupId> keptIds() {
    return kept.stream().map(Kept::backupId).toList();
  }
}
