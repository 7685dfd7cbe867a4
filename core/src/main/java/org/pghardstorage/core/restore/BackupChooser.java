package org.pghardstorage.core.restore;

import java.util.List;
import java.util.Objects;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.BackupManifest;

/**
 * Resolves a {@link BackupSelector} to one committed backup. The only place that decides which
 * backup a restore or verify uses, so that adding selection rules (point in time) touches one
 * class.
 */
public final class BackupChooser {
  private final Repository repo;

  /** A chooser over {@code repo}'s committed backups. */
  public BackupChooser(Repository repo) {
    this.repo = Objects.requireNonNull(repo, "repo");
  }

  /**
   * The id of the selected backup, without reading its manifest.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code backup.not_found} (exit
   *     NOT_FOUND) naming the selector and the deployment
   */
  public BackupId chooseId(Deployment deployment, BackupSelector selector) {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(selector, "selector");
    if (selector instanceof BackupSelector.ById byId) {
      // A listing would cost more than reading the one manifest the caller reads next anyway.
      return byId.id();
    }
    // listBackups is oldest first, and backup ids sort by start time.
    List<BackupId> all = repo.listBackups(deployment);
    if (all.isEmpty()) {
      throw RestoreErrors.noBackups(deployment, repo);
    }
    return all.get(all.size() - 1);
  }

  /**
   * The backup to recover from towards {@code target}: the selected one, which must end before the
   * target; or, for {@code latest}, the newest backup that ends before it.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code backup.not_found} (exit
   *     NOT_FOUND) when no backup ends before the target, {@code restore.target_before_backup}
   *     (exit USAGE) when the chosen backup ends after it
   */
  public BackupManifest choose(
      Deployment deployment, BackupSelector selector, RecoveryTarget target) {
    if (selector instanceof BackupSelector.ById) {
      BackupManifest m = choose(deployment, selector);
      if (!target.reachableFrom(m)) {
        throw new org.pghardstorage.core.error.HardstorageException(
            "restore.target_before_backup",
            org.pghardstorage.core.error.ExitCode.USAGE,
            "backup "
                + m.backupId()
                + " ends at "
                + m.wal().endLsn()
                + " ("
                + m.finishedAt()
                + "), after the recovery target "
                + target.describe(),
            "choose an older backup, or leave the backup as 'latest' to pick one automatically");
      }
      return m;
    }
    List<BackupId> all = repo.listBackups(deployment);
    if (all.isEmpty()) {
      throw RestoreErrors.noBackups(deployment, repo);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      java.util.Optional<BackupManifest> m = repo.readManifest(deployment, all.get(i));
      if (m.isPresent() && target.reachableFrom(m.get())) {
        return m.get();
      }
    }
    throw new org.pghardstorage.core.error.HardstorageException(
        "backup.not_found",
        org.pghardstorage.core.error.ExitCode.NOT_FOUND,
        "no backup of "
            + deployment
            + " ends before "
            + target.describe()
            + " (the oldest is "
            + all.get(0)
            + ")",
        "point-in-time recovery needs a base backup taken before the target");
  }

  /**
   * The selected backup's manifest.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code backup.not_found} (exit
   *     NOT_FOUND); {@code repo.corrupt} (exit VERIFY_FAILED) if the manifest is damaged
   */
  public BackupManifest choose(Deployment deployment, BackupSelector selector) {
    BackupId id = chooseId(deployment, selector);
    return repo.readManifest(deployment, id)
        .orElseThrow(() -> RestoreErrors.backupNotFound(deployment, id, repo));
  }
}
