package org.pghardstorage.core.retention;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.pghardstorage.core.wal.WalAudit;

/**
 * What a rotation keeps and deletes, and what is left afterwards. Plain records of strings, numbers
 * and {@link Instant}s: Jackson serialises them once its {@code JavaTimeModule} is registered, as
 * the command line does.
 *
 * @param deployment the deployment
 * @param policy the policy applied
 * @param plannedAt when the plan was made
 * @param keep the backups kept, oldest first, with the rules that keep each
 * @param delete the backups deleted, oldest first
 * @param wal the WAL that is no longer needed
 * @param packs the packs garbage collection deletes afterwards
 * @param pitrWindow the point-in-time recovery window the kept backups and WAL leave
 */
public record RetentionPlan(
    String deployment,
    GfsPolicy policy,
    Instant plannedAt,
    List<KeptBackup> keep,
    List<DeletedBackup> delete,
    WalPlan wal,
    PackPlan packs,
    PitrWindow pitrWindow) {

  /** Validates the fields. */
  public RetentionPlan {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(plannedAt, "plannedAt");
    keep = List.copyOf(keep);
    delete = List.copyOf(delete);
    Objects.requireNonNull(wal, "wal");
    Objects.requireNonNull(packs, "packs");
    Objects.requireNonNull(pitrWindow, "pitrWindow");
  }

  /**
   * A backup the policy keeps.
   *
   * @param backupId the backup
   * @param startedAt its start
   * @param startLsn where its WAL starts
   * @param startTimeline the timeline it started on
   * @param keptBy every rule that keeps it
   */
  public record KeptBackup(
      String backupId,
      Instant startedAt,
      String startLsn,
      long startTimeline,
      List<KeepReason> keptBy) {
    /** Copies the list. */
    public KeptBackup {
      keptBy = List.copyOf(keptBy);
    }
  }

  /**
   * A backup no rule keeps.
   *
   * @param backupId the backup
   * @param startedAt its start, from its id
   */
  public record DeletedBackup(String backupId, Instant startedAt) {}

  /**
   * WAL that no kept backup needs: everything before the start segment of the kept backup that
   * starts first, on the timelines leading to the newest one; abandoned timelines only if all their
   * segments lie before it.
   *
   * @param keepFromSegment the first segment kept: the kept backups' earliest start segment
   * @param keepFromLsn the earliest start LSN of a kept backup
   * @param timelines per timeline, the segments deleted
   * @param historyFiles timelines whose history file is deleted (abandoned ones only)
   * @param segments how many segment names are deleted (complete and partial objects of a name
   *     count once)
   * @param bytes the stored size of the segment objects deleted
   */
  public record WalPlan(
      String keepFromSegment,
      String keepFromLsn,
      List<TimelineDeletion> timelines,
      List<Long> historyFiles,
      long segments,
      long bytes) {
    /** Copies the lists. */
    public WalPlan {
      timelines = List.copyOf(timelines);
      historyFiles = List.copyOf(historyFiles);
    }
  }

  /**
   * The segments deleted on one timeline.
   *
   * @param timeline the timeline
   * @param wholeTimeline whether every segment of it goes (an abandoned timeline)
   * @param firstSegment the first segment deleted
   * @param lastSegment the last segment deleted
   * @param segments how many segment names are deleted (there may be gaps between first and last)
   * @param bytes their stored size
   */
  public record TimelineDeletion(
      long timeline,
      boolean wholeTimeline,
      String firstSegment,
      String lastSegment,
      long segments,
      long bytes) {}

  /**
   * The packs that garbage collection deletes once the backups are gone: those only deleted backups
   * used, and any earlier garbage (packs of failed backups). A plan made without the lock also
   * counts packs of backups running at that moment.
   *
   * @param packs how many packs
   * @param bytes their stored size
   * @param safe whether collection is safe: every chunk the kept backups name is indexed and no
   *     index object is damaged. If not, applying the plan fails before it deletes anything
   * @param unindexedChunks chunks named by a backup but by no index entry
   */
  public record PackPlan(long packs, long bytes, boolean safe, long unindexedChunks) {}

  /**
   * Where point-in-time recovery is possible after the rotation: from the start of the kept backup
   * that starts first to the newest stored WAL, if the WAL in between has no gap.
   *
   * @param fromBackup that backup
   * @param fromTime its start
   * @param fromLsn its start LSN
   * @param fromTimeline its start timeline
   * @param toTimeline the newest timeline with WAL
   * @param toSegment the newest segment stored on it, empty if no WAL is stored
   * @param toSegmentPartial whether that segment is still partial (being streamed)
   * @param gaps gaps in the WAL from {@code fromLsn} on; recovery cannot cross them
   */
  public record PitrWindow(
      String fromBackup,
      Instant fromTime,
      String fromLsn,
      long fromTimeline,
      long toTimeline,
      String toSegment,
      boolean toSegmentPartial,
      List<WalAudit.Gap> gaps) {
    /** Copies the list. */
    public PitrWindow {
      gaps = List.copyOf(gaps);
    }
  }
}
