package org.pghardstorage.core.wal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalEntry;
import org.pghardstorage.core.repo.WalSegment;
import org.pghardstorage.core.repo.manifest.BackupManifest;

/**
 * Proves that the stored WAL of a deployment is continuous from the start of its oldest retained
 * backup to the newest WAL, and at least to the newest backup's end, along the chain of timelines
 * that leads to the newest one, and names every gap. Abandoned branches (timelines not in the
 * newest one's history) are not required.
 *
 * <p>The report also gives storage times: when the store last wrote a segment object (its listing's
 * last-modified time, for a partial its last flush). They approximate when PostgreSQL wrote that
 * WAL, lagging by the streamer's delay (or much more for WAL stored late, such as a backfill); they
 * are not commit times and must not be used as recovery targets.
 */
public final class WalAudit {

  /** Which recoveries a gap stops: what the operator can still do about it differs. */
  public enum Impact {
    /**
     * The gap ends at or before the start of the newest backup: no moment inside it can be
     * recovered, and recovery from an older backup stops at it; the newest backup and every moment
     * after its start are unaffected. Only rotation removing the backups before it makes it go;
     * typically the WAL between backups taken while no streamer ran.
     */
    BEFORE_NEWEST_BACKUP,
    /**
     * The gap is at or after the start of the newest backup (or there is no backup): the newest
     * backup cannot be restored consistently, or not to the latest moment. A new base backup starts
     * after it.
     */
    NEWEST_BACKUP
  }

  /**
   * A hole in the stored WAL.
   *
   * @param timeline the timeline
   * @param fromSegment the first missing (or incomplete) segment
   * @param toSegment the last missing segment
   * @param reason what is wrong
   * @param impact which recoveries it stops
   * @param storedBefore when the segment just before the gap on its timeline was stored (a storage
   *     time, not a commit time: see the class comment), or null if that segment is not stored
   *     there
   * @param storedAfter when the segment just after the gap on its timeline was stored, or null if
   *     that segment is not stored there
   */
  public record Gap(
      long timeline,
      String fromSegment,
      String toSegment,
      String reason,
      Impact impact,
      Instant storedBefore,
      Instant storedAfter) {
    /** Validates the fields. */
    public Gap {
      Objects.requireNonNull(impact, "impact");
    }

    /** A gap without storage times. */
    public Gap(long timeline, String fromSegment, String toSegment, String reason, Impact impact) {
      this(timeline, fromSegment, toSegment, reason, impact, null, null);
    }
  }

  /**
   * What one timeline holds.
   *
   * @param timeline the timeline
   * @param firstSegment the first segment required on it
   * @param lastSegment the last segment stored (or required, if it branches)
   * @param segments how many segment objects it has in the required range
   * @param endsWithPartial whether its newest segment is still partial
   * @param branchLsn where the next timeline branched off, if it did
   * @param firstStoredAt the earliest storage time of its segment objects in the required range (a
   *     storage time, not a commit time: see the class comment), or null if it has none
   * @param lastStoredAt the latest storage time of its segment objects in the required range, or
   *     null if it has none
   */
  public record TimelineCoverage(
      long timeline,
      String firstSegment,
      String lastSegment,
      long segments,
      boolean endsWithPartial,
      String branchLsn,
      Instant firstStoredAt,
      Instant lastStoredAt) {
    /** A timeline's coverage without storage times. */
    public TimelineCoverage(
        long timeline,
        String firstSegment,
        String lastSegment,
        long segments,
        boolean endsWithPartial,
        String branchLsn) {
      this(timeline, firstSegment, lastSegment, segments, endsWithPartial, branchLsn, null, null);
    }
  }

  /**
   * The audit's findings.
   *
   * @param deployment the deployment
   * @param fromLsn where continuity is required from (the oldest backup's start)
   * @param timelines coverage per timeline in the chain
   * @param gaps every gap found
   */
  public record Report(
      String deployment, String fromLsn, List<TimelineCoverage> timelines, List<Gap> gaps) {
    /** Copies the lists. */
    public Report {
      timelines = List.copyOf(timelines);
      gaps = List.copyOf(gaps);
    }

    /** Whether no gap was found. */
    public boolean ok() {
      return gaps.isEmpty();
    }

    /**
     * Whether no gap stops the newest backup: it restores, to the latest stored WAL; gaps before it
     * may remain.
     */
    public boolean newestBackupOk() {
      return gaps.stream().noneMatch(g -> g.impact() == Impact.NEWEST_BACKUP);
    }

    /** Throws {@code wal.gap_found} (exit 9) naming the first gaps, unless {@link #ok()}. */
    public void requireOk() {
      if (ok()) {
        return;
      }
      StringBuilder sb = new StringBuilder();
      for (Gap g : gaps.subList(0, Math.min(3, gaps.size()))) {
        sb.append(sb.length() == 0 ? "" : "; ")
            .append(g.fromSegment())
            .append(g.fromSegment().equals(g.toSegment()) ? "" : ".." + g.toSegment())
            .append(": ")
            .append(g.reason());
      }
      throw new HardstorageException(
          "wal.gap_found",
          ExitCode.VERIFY_FAILED,
          gaps.size() + " gap(s) in the WAL of " + deployment + ": " + sb,
          newestBackupOk()
              ? "all lie before the newest backup, which restores: no moment inside a gap can be"
                  + " recovered; keep the WAL streamer running (pg_hardstorage wal stream "
                  + deployment
                  + ") so that no new gap opens"
              : "recovery cannot cross a gap: take a new base backup (pg_hardstorage backup "
                  + deployment
                  + "), which starts after it, and keep the WAL streamer running so that no new"
                  + " gap opens");
    }
  }

  private WalAudit() {}

  /** Audits {@code deployment} from the start of its oldest backup. */
  public static Report run(Repository repository, Deployment deployment) {
    return run(repository, deployment, oldestBackup(repository, deployment));
  }

  /**
   * Audits {@code deployment} from the start of {@code from}, as if it were the oldest backup: what
   * retention checks before it deletes the backups and WAL before it.
   */
  public static Report run(Repository repository, Deployment deployment, BackupManifest from) {
    return run(repository, deployment, Optional.of(from));
  }

  private static Report run(
      Repository repository, Deployment deployment, Optional<BackupManifest> oldest) {
    WalArchive archive = repository.wal(deployment);
    Optional<BackupManifest> newestBackup = newestBackup(repository, deployment);
    WalSegmentSize size =
        WalSegmentSize.ofBytes(oldest.map(m -> (long) m.wal().segmentSize()).orElse(16L << 20));
    Gaps gaps = new Gaps(size, newestBackup.map(m -> Lsn.parse(m.wal().startLsn())));
    List<Long> stored = archive.listTimelines();
    if (stored.isEmpty()) {
      oldest.ifPresent(
          m -> {
            long seg = Lsn.parse(m.wal().startLsn()).segmentNumber(size);
            gaps.add(m.wal().startTimeline(), seg, seg, "no WAL stored at all");
          });
      return new Report(
          deployment.name(), oldest.map(m -> m.wal().startLsn()).orElse(""), List.of(), gaps.list);
    }
    TimelineId newest = TimelineId.of(stored.get(stored.size() - 1));
    TimelineHistory history =
        archive
            .getHistory(newest.value())
            .map(h -> TimelineHistory.parse(newest, h))
            .orElse(new TimelineHistory(newest, List.of()));
    Lsn from;
    TimelineId firstTli;
    if (oldest.isPresent()) {
      from = Lsn.parse(oldest.get().wal().startLsn());
      firstTli = TimelineId.of(oldest.get().wal().startTimeline());
    } else {
      List<WalEntry> first = archive.listSegments(stored.get(0));
      firstTli = TimelineId.of(stored.get(0));
      from = WalSegmentName.parse(first.get(0).name(), size).startLsn();
    }
    // The chain: ancestors of the newest timeline from the backup's timeline on, then the newest.
    Map<Long, Optional<Lsn>> chain = new TreeMap<>();
    for (TimelineHistory.Entry e : history.entries()) {
      if (e.timeline().value() >= firstTli.value()) {
        chain.put(e.timeline().value(), Optional.of(e.switchLsn()));
      }
    }
    chain.put(newest.value(), Optional.empty());

    // Nothing after a lost head of the archive shows the hole: the newest backup's end does.
    Optional<BackupManifest> needs =
        newestBackup.filter(m -> m.wal().endTimeline() == newest.value());

    List<TimelineCoverage> coverage = new ArrayList<>();
    Lsn start = from;
    for (Map.Entry<Long, Optional<Lsn>> link : chain.entrySet()) {
      long tli = link.getKey();
      Optional<Lsn> branch = link.getValue();
      coverage.add(
          audit(
              archive,
              size,
              tli,
              start,
              branch,
              branch.isEmpty() ? needs : Optional.empty(),
              gaps));
      if (branch.isPresent()) {
        start = branch.get();
      }
    }
    return new Report(deployment.name(), from.toString(), coverage, gaps.list);
  }

  /**
   * The gaps found so far, each classified on creation against the newest backup's start: a gap
   * ending at or before it costs only moments before the newest backup.
   */
  private static final class Gaps {
    private final WalSegmentSize size;
    private final Optional<Lsn> newestBackupStart;
    private final List<Gap> list = new ArrayList<>();

    Gaps(WalSegmentSize size, Optional<Lsn> newestBackupStart) {
      this.size = size;
      this.newestBackupStart = newestBackupStart;
    }

    /** Adds the gap of segments {@code from..to} of {@code tli}, without storage times. */
    void add(long tli, long from, long to, String reason) {
      add(tli, from, to, reason, Map.of());
    }

    /**
     * Adds the gap of segments {@code from..to} of {@code tli}, with the storage times of its
     * neighbours in {@code storedAt} (segment number to storage time).
     */
    void add(long tli, long from, long to, String reason, Map<Long, Instant> storedAt) {
      String last = name(tli, to, size);
      Lsn end = WalSegmentName.parse(last, size).endLsn();
      // LSNs grow along the chain of timelines, so the comparison holds across a switch
      boolean before = newestBackupStart.filter(s -> !end.isAfter(s)).isPresent();
      list.add(
          new Gap(
              tli,
              name(tli, from, size),
              last,
              reason,
              before ? Impact.BEFORE_NEWEST_BACKUP : Impact.NEWEST_BACKUP,
              storedAt.get(from - 1),
              storedAt.get(to + 1)));
    }
  }

  private static TimelineCoverage audit(
      WalArchive archive,
      WalSegmentSize size,
      long tli,
      Lsn start,
      Optional<Lsn> branch,
      Optional<BackupManifest> needs,
      Gaps gaps) {
    TreeMap<Long, Boolean> complete = new TreeMap<>();
    // of a segment stored both partial and complete, the later write is the newer WAL
    Map<Long, Instant> storedAt = new TreeMap<>();
    for (WalEntry e : archive.listSegments(tli)) {
      long n = WalSegmentName.parse(e.name(), size).segmentNumber();
      complete.merge(n, !e.partial(), Boolean::logicalOr);
      storedAt.merge(n, e.storedAt(), (a, b) -> a.isAfter(b) ? a : b);
    }
    long first = start.segmentNumber(size);
    long last;
    Optional<Lsn> needed = needs.map(m -> Lsn.parse(m.wal().endLsn()));
    if (branch.isPresent()) {
      // the branch segment must hold the bytes before the branch point; partial is fine there
      last = segmentBefore(branch.get(), size);
    } else {
      last = complete.isEmpty() ? first : Math.max(first, complete.lastKey());
      if (needed.isPresent()) {
        last = Math.max(last, segmentBefore(needed.get(), size));
      }
    }
    long present = 0;
    Instant firstStored = null;
    Instant lastStored = null;
    Long gapStart = null;
    for (long n = first; n <= last; n++) {
      Boolean c = complete.get(n);
      boolean lastOfChain = n == last;
      boolean ok = c != null && (c || lastOfChain);
      if (c != null) {
        Instant t = storedAt.get(n);
        firstStored = firstStored == null || t.isBefore(firstStored) ? t : firstStored;
        lastStored = lastStored == null || t.isAfter(lastStored) ? t : lastStored;
      }
      if (ok) {
        present++;
        if (gapStart != null) {
          gaps.add(tli, gapStart, n - 1, "missing", storedAt);
          gapStart = null;
        }
      } else if (c != null) {
        present++;
        gaps.add(tli, n, n, "only a partial segment, but later WAL exists", storedAt);
      } else if (gapStart == null) {
        gapStart = n;
      }
    }
    if (gapStart != null) {
      gaps.add(tli, gapStart, last, "missing", storedAt);
    }
    if (needed.isPresent() && Boolean.FALSE.equals(complete.get(last))) {
      long head = last;
      shortPartial(archive, size, tli, head, needs.get(), needed.get())
          .ifPresent(why -> gaps.add(tli, head, head, why, storedAt));
    }
    Boolean lastComplete = complete.get(last);
    return new TimelineCoverage(
        tli,
        name(tli, first, size),
        name(tli, last, size),
        present,
        lastComplete != null && !lastComplete,
        branch.map(Lsn::toString).orElse(null),
        firstStored,
        lastStored);
  }

  /** The segment holding the byte just before {@code lsn}: the last one WAL up to it needs. */
  private static long segmentBefore(Lsn lsn, WalSegmentSize size) {
    return (lsn.isSegmentStart(size) ? lsn.plus(-1) : lsn).segmentNumber(size);
  }

  /**
   * Why the head partial {@code n} is a gap, if it ends before {@code needed}: a partial only grows
   * while the streamer runs, so a shorter one lost WAL that a committed backup was promised.
   */
  private static Optional<String> shortPartial(
      WalArchive archive, WalSegmentSize size, long tli, long n, BackupManifest needs, Lsn needed) {
    String name = name(tli, n, size);
    Optional<WalSegment> stored = archive.getSegment(name).filter(WalSegment::partial);
    if (stored.isEmpty()) {
      return Optional.empty(); // stored complete meanwhile
    }
    Lsn end = WalSegmentName.parse(name, size).startLsn().plus(stored.get().content().length);
    if (!end.isBefore(needed)) {
      return Optional.empty();
    }
    return Optional.of(
        "the partial segment ends at "
            + end
            + ", before the end of backup "
            + needs.backupId()
            + " at "
            + needed);
  }

  private static String name(long tli, long segment, WalSegmentSize size) {
    return WalSegmentName.of(TimelineId.of(tli), segment, size).toString();
  }

  private static Optional<BackupManifest> oldestBackup(Repository repository, Deployment d) {
    return firstReadable(repository, d, repository.listBackups(d));
  }

  private static Optional<BackupManifest> newestBackup(Repository repository, Deployment d) {
    List<BackupId> ids = new ArrayList<>(repository.listBackups(d));
    Collections.reverse(ids);
    return firstReadable(repository, d, ids);
  }

  private static Optional<BackupManifest> firstReadable(
      Repository repository, Deployment d, List<BackupId> ids) {
    for (BackupId id : ids) {
      Optional<BackupManifest> m = repository.readManifest(d, id);
      if (m.isPresent()) {
        return m;
      }
    }
    return Optional.empty();
  }
}
