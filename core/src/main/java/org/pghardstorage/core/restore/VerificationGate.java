package org.pghardstorage.core.restore;

import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.verify.VerificationRecord;

/**
 * Whether a backup's own record says it must not be restored: its last verification failed, or its
 * verification record cannot be read (which a restore treats as failed rather than guess).
 * Restoring it anyway takes {@code --force}.
 */
final class VerificationGate {
  private VerificationGate() {}

  /** Why {@code backup} must not be restored unforced; empty if never verified or it passed. */
  static Optional<String> lastFailure(Repository repo, Deployment d, BackupId backup) {
    Optional<VerificationRecord> record;
    try {
      record = VerificationRecord.read(repo, d, backup);
    } catch (RuntimeException e) {
      return Optional.of("has a verification record that cannot be read (" + e.getMessage() + ")");
    }
    return record
        .filter(r -> !r.ok())
        .map(
            r ->
                "failed its last verification at "
                    + r.verifiedAt()
                    + " ("
                    + r.errors()
                    + " error"
                    + (r.errors() == 1 ? "" : "s")
                    + ")");
  }

  /** The newest backup other than {@code except} whose last verification did not fail. */
  static Optional<BackupId> newestUsable(Repository repo, Deployment d, BackupId except) {
    List<BackupId> all = repo.listBackups(d);
    for (int i = all.size() - 1; i >= 0; i--) {
      BackupId id = all.get(i);
      if (!id.equals(except) && lastFailure(repo, d, id).isEmpty()) {
        return Optional.of(id);
      }
    }
    return Optional.empty();
  }
}
