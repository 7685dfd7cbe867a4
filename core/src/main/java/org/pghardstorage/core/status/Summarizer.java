package org.pghardstorage.core.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalEntry;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.verify.VerificationRecord;
import org.pghardstorage.core.wal.WalAudit;

/** Builds {@link DeploymentSummary}s from a repository; read-only, takes no lock. */
public final class Summarizer {
  private final Repository repo;
  private final Clock clock;

  public Summarizer(Repository repo, Clock clock) {
    this.repo = repo;
    this.clock = clock;
  }

  /**
   * The verdict of the newest backup's latest verification, as recorded in the repository; empty
   * when there is no backup or it was never verified.
   *
   * @throws org.pghardstorage.core.error.HardstorageException when the record is unreadable
   */
  public Optional<Boolean> lastBackupVerified(Deployment d, DeploymentSummary summary) {
    return lastBackupVerification(d, summary).map(VerificationRecord::ok);
  }

  /**
   * The newest backup's latest verification record (when and what it found), as recorded in the
   * repository; empty when there is no backup or it was never verified.
   *
   * @throws org.pghardstorage.core.error.HardstorageException when the record is unreadable
   */
  public Optional<VerificationRecord> lastBackupVerification(
      Deployment d, DeploymentSummary summary) {
    return Optional.ofNullable(summary.lastBackupId())
        .flatMap(id -> VerificationRecord.read(repo, d, BackupId.parse(id)));
  }

  /** The summary of one deployment. */
  public DeploymentSummary summarize(Deployment d) {
    Instant now = clock.instant();
    List<BackupId> ids = repo.listBackups(d);
    Optional<BackupManifest> last =
        ids.isEmpty() ? Optional.empty() : repo.readManifest(d, ids.get(ids.size() - 1));
    WalArchive wal = repo.wal(d);
    List<Long> timelines = wal.listTimelines();
    Long tli = timelines.isEmpty() ? null : timelines.get(timelines.size() - 1);
    Optional<WalEntry> newest = Optional.empty();
    if (tli != null) {
      List<WalEntry> entries = wal.listSegments(tli);
      newest = entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }
    List<String> gaps = new ArrayList<>();
    List<String> newestNeeds = new ArrayList<>();
    if (tli != null) {
      for (WalAudit.Gap g : WalAudit.run(repo, d).gaps()) {
        String text =
            g.timeline() + ":" + g.fromSegment() + ".." + g.toSegment() + " " + g.reason();
        gaps.add(text);
        if (g.impact() == WalAudit.Impact.NEWEST_BACKUP) {
          newestNeeds.add(text);
        }
      }
    }
    return new DeploymentSummary(
        d.name(),
        ids.size(),
        last.map(m -> m.backupId().value()).orElse(null),
        last.map(BackupManifest::finishedAt).orElse(null),
        last.map(m -> Duration.between(m.finishedAt(), now).toSeconds()).orElse(null),
        last.map(m -> m.wal().endLsn()).orElse(null),
        ids.isEmpty() ? null : ids.get(0).value(),
        tli,
        newest.map(WalEntry::name).orElse(null),
        newest.map(WalEntry::partial).orElse(false),
        newest.map(WalEntry::storedAt).orElse(null),
        newest.map(e -> Duration.between(e.storedAt(), now).toSeconds()).orElse(null),
        gaps,
        newestNeeds);
  }
}
