package org.pghardstorage.core.retention;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.GarbageReport;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.wal.WalAudit;

/**
 * Makes a {@link RetentionPlan} from the repository as it is now. Reads the manifests of the kept
 * backups only (the policy needs just the ids), every manifest once for the pack preview, and lists
 * the WAL archive. Deletes nothing.
 */
final class RetentionPlanner {

  /**
   * A plan and what applying it needs.
   *
   * @param plan the plan
   * @param selection the policy's choice
   * @param wal the WAL objects to delete, in order
   * @param garbage the pack preview, with the chunks that make collection unsafe
   */
  record Planned(
      RetentionPlan plan, GfsSelection selection, WalRetention.Result wal, GarbageReport garbage) {}

  private static final Comparator<BackupManifest> BY_START =
      Comparator.comparing((BackupManifest m) -> Lsn.parse(m.wal().startLsn()))
          .thenComparing(BackupManifest::backupId);

  private final Repository repo;
  private final Clock clock;

  RetentionPlanner(Repository repo, Clock clock) {
    this.repo = repo;
    this.clock = clock;
  }

  Planned plan(Deployment d, GfsPolicy policy) {
    List<BackupId> ids = repo.listBackups(d);
    if (ids.isEmpty()) {
      throw RetentionErrors.noBackups(d, repo);
    }
    GfsSelection selection = policy.select(ids);
    List<BackupManifest> kept = new ArrayList<>();
    List<RetentionPlan.KeptBackup> keep = new ArrayList<>();
    for (GfsSelection.Kept k : selection.kept()) {
      BackupManifest m =
          repo.readManifest(d, k.backupId())
              .orElseThrow(() -> RetentionErrors.backupVanished(d, k.backupId().value()));
      kept.add(m);
      keep.add(
          new RetentionPlan.KeptBackup(
              m.backupId().value(),
              m.startedAt(),
              Lsn.parse(m.wal().startLsn()).toString(),
              m.wal().startTimeline(),
              k.reasons()));
    }
    // The kept backup whose WAL starts first: normally the oldest, but by LSN, not by time.
    BackupManifest first = kept.stream().min(BY_START).orElseThrow();
    WalSegmentSize size = WalSegmentSize.ofBytes(first.wal().segmentSize());
    WalRetention.Result wal =
        WalRetention.plan(
            repo.wal(d),
            size,
            Lsn.parse(first.wal().startLsn()),
            TimelineId.of(first.wal().startTimeline()));
    GarbageReport garbage = repo.previewGarbage(d, Set.copyOf(selection.deleted()));
    RetentionPlan plan =
        new RetentionPlan(
            d.name(),
            policy,
            clock.instant(),
            keep,
            selection.deleted().stream()
                .map(id -> new RetentionPlan.DeletedBackup(id.value(), id.startTime()))
                .toList(),
            wal.plan(),
            new RetentionPlan.PackPlan(
                garbage.unreferencedPacks().size(),
                garbage.unreferencedPackBytes(),
                garbage.safeToCollect(),
                garbage.unindexedChunks().size()),
            window(first, WalAudit.run(repo, d, first)));
    return new Planned(plan, selection, wal, garbage);
  }

  /** The window, its end taken from the audit's coverage of the newest timeline. */
  private static RetentionPlan.PitrWindow window(BackupManifest first, WalAudit.Report audit) {
    List<WalAudit.TimelineCoverage> timelines = audit.timelines();
    long toTimeline = first.wal().startTimeline();
    String toSegment = "";
    boolean partial = false;
    if (!timelines.isEmpty()) {
      WalAudit.TimelineCoverage newest = timelines.get(timelines.size() - 1);
      toTimeline = newest.timeline();
      toSegment = newest.segments() > 0 ? newest.lastSegment() : "";
      partial = newest.endsWithPartial();
    }
    return new RetentionPlan.PitrWindow(
        first.backupId().value(),
        first.startedAt(),
        Lsn.parse(first.wal().startLsn()).toString(),
        first.wal().startTimeline(),
        toTimeline,
        toSegment,
        partial,
        audit.gaps());
  }
}
