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
      throw RestoreErrors.noBackups(deployment, repo.describe());
    }
    return all.get(all.size() - 1);
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
        .orElseThrow(() -> RestoreErrors.backupNotFound(deployment, id, repo.describe()));
  }
}
