package org.pghardstorage.core.restore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
import org.pghardstorage.core.wal.TimelineHistory;

/**
 * Answers PostgreSQL's {@code restore_command} for one WAL file of a deployment: the file, or the
 * certainty that the repository does not have it.
 *
 * <p>PostgreSQL ends archive recovery (and, without a target, promotes) at the first file the
 * command reports absent, so "absent" is answered only when the repository positively knows the
 * file does not exist (format spec §13.1):
 *
 * <ul>
 *   <li>a segment past the archive's durable end on its timeline: after the newest stored segment
 *       of that timeline and after every point where a later timeline is recorded to have branched
 *       off it;
 *   <li>a segment that was never archived: no streamer session and no backup recorded a range
 *       holding it ({@link WalArchive.Coverage}), as between the backups of a deployment without a
 *       streamer (PostgreSQL reading ahead asks for such segments);
 *   <li>a segment before the start of its timeline (PostgreSQL does not ask for these; answering
 *       them is harmless);
 *   <li>a history file that was never written: timeline 1's (it has none), or one whose timeline no
 *       later timeline's history names as an ancestor and of which no segment is stored.
 * </ul>
 *
 * Everything else that is not stored is damage and throws: a segment inside a recorded range,
 * within the stored range of its timeline or before a recorded branch point ({@value #HOLE}), a
 * segment older than the oldest one stored ({@value #HOLE}: rotated away while a recovery needed
 * it), a deployment without any WAL or backups ({@value #NOTHING_ARCHIVED}), a file name PostgreSQL
 * does not ask for ({@value #INVALID_NAME}). Storage, key and integrity failures propagate as they
 * are. Not thread-safe; one instance serves one {@code restore_command} call.
 */
public final class WalFetcher {
  /** A missing WAL file inside what the archive holds (exit VERIFY_FAILED). */
  public static final String HOLE = "wal.hole";

  /** The deployment has neither WAL nor backups in the repository (exit NOT_FOUND). */
  public static final String NOTHING_ARCHIVED = "wal.nothing_archived";

  /** Not a WAL segment or timeline history file name (exit USAGE). */
  public static final String INVALID_NAME = "wal.invalid_request";

  /** What the repository says about the requested file. */
  public sealed interface Answer permits Found, Absent {
    /** The requested file name. */
    String file();
  }

  /**
   * The file's bytes, ready to hand to PostgreSQL.
   *
   * @param file the requested name
   * @param content the bytes: a partial segment is zero-padded to the segment size, which
   *     PostgreSQL reads as the end of the WAL
   * @param partial whether it was the partial segment (the streamer was still receiving it)
   */
  public record Found(String file, byte[] content, boolean partial) implements Answer {
    /** Validates the fields. */
    public Found {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(content, "content");
    }
  }

  /**
   * The repository knows the file does not exist.
   *
   * @param file the requested name
   * @param reason why that is certain
   */
  public record Absent(String file, String reason) implements Answer {
    /** Validates the fields. */
    public Absent {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(reason, "reason");
    }
  }

  private final Repository repo;
  private final Deployment deployment;
  private final WalArchive wal;
  private WalSegmentSize segmentSize;
  private List<WalArchive.Coverage> coverage;

  /** A fetcher for {@code deployment}'s WAL in {@code repo}. */
  public WalFetcher(Repository repo, Deployment deployment) {
    this.repo = Objects.requireNonNull(repo, "repo");
    this.deployment = Objects.requireNonNull(deployment, "deployment");
    this.wal = repo.wal(deployment);
  }

  /**
   * The answer for {@code file}, a segment name ({@code 000000010000000000000003}) or a history
   * file name ({@code 00000002.history}).
   *
   * @throws HardstorageException {@value #HOLE}, {@value #NOTHING_ARCHIVED}, {@value
   *     #INVALID_NAME}, or a storage, key or integrity error
   */
  public Answer fetch(String file) {
    Objects.requireNonNull(file, "file");
    if (TimelineId.isHistoryFileName(file)) {
      return history(file, TimelineId.parseHistoryFileName(file));
    }
    if (WalSegmentName.looksLikeSegmentName(file) && !file.startsWith("00000000")) {
      return segment(file);
    }
    throw new HardstorageException(
        INVALID_NAME,
        ExitCode.USAGE,
        "'" + file + "' is neither a WAL segment nor a timeline history file name",
        "restore_command passes PostgreSQL's %f, e.g. 000000010000000000000003 or"
            + " 00000002.history");
  }

  private Answer segment(String file) {
    Optional<WalSegment> s = wal.getSegment(file);
    if (s.isPresent()) {
      return found(s.get());
    }
    WalSegmentName name = WalSegmentName.parse(file, segmentSize());
    TimelineId tli = name.timeline();
    List<WalEntry> stored = wal.listSegments(tli.value());
    if (stored.stream().anyMatch(e -> e.name().equals(file))) {
      // stored between our read and the listing (the streamer finished it): read it now
      return wal.getSegment(file)
          .map(this::found)
          .orElseThrow(() -> hole(file, "it was listed but vanished while being read"));
    }
    Histories histories = Histories.read(wal);
    Optional<Lsn> begin = histories.beginOf(tli);
    if (begin.isPresent() && name.endLsn().compareTo(begin.get()) <= 0) {
      return new Absent(file, "timeline " + tli.value() + " begins at " + begin.get());
    }
    if (!stored.isEmpty()) {
      String first = stored.get(0).name();
      String last = stored.get(stored.size() - 1).name();
      if (file.compareTo(first) < 0) {
        throw hole(
            file,
            "it is older than the oldest WAL of timeline "
                + tli.value()
                + " in the repository ("
                + first
                + "): it was rotated away or never archived");
      }
      if (file.compareTo(last) < 0) {
        if (!promised(file)) {
          return neverArchived(file, tli);
        }
        throw hole(
            file,
            "the repository holds WAL of timeline "
                + tli.value()
                + " from "
                + first
                + " to "
                + last
                + " without it, and a streamer session or a backup recorded it as archived");
      }
    }
    Optional<Histories.Branch> branch = histories.lastBranchFrom(tli);
    if (branch.isPresent() && name.startLsn().isBefore(branch.get().at())) {
      if (!promised(file)) {
        return neverArchived(file, tli);
      }
      throw hole(
          file,
          "timeline "
              + branch.get().child()
              + " branched off timeline "
              + tli.value()
              + " at "
              + branch.get().at()
              + ", so timeline "
              + tli.value()
              + " ran past this segment, and a streamer session recorded it as archived");
    }
    if (stored.isEmpty() && branch.isEmpty() && !histories.mentions(tli)) {
      requireSomethingArchived();
    }
    return new Absent(
        file,
        stored.isEmpty()
            ? "no WAL of timeline " + tli.value() + " is archived yet"
            : "it is past the newest archived WAL of timeline "
                + tli.value()
                + " ("
                + stored.get(stored.size() - 1).name()
                + (stored.get(stored.size() - 1).partial() ? ", partial" : "")
                + ")");
  }

  /**
   * Whether a streamer session or a backup recorded that the archive holds {@code file}: only then
   * is its absence a loss. WAL between backups of a deployment without a streamer was never
   * archived, and PostgreSQL reading ahead may ask for it.
   */
  private boolean promised(String file) {
    if (coverage == null) {
      coverage = wal.listCoverage();
    }
    return coverage.stream().anyMatch(c -> c.covers(file));
  }

  private Absent neverArchived(String file, TimelineId tli) {
    return new Absent(
        file,
        "it was never archived: no WAL streamer session or backup of timeline "
            + tli.value()
            + " covered it (WAL between backups is archived only while a streamer runs)");
  }

  private Answer history(String file, TimelineId tli) {
    if (tli.equals(TimelineId.FIRST)) {
      // PostgreSQL asks for it when it picks a new timeline after recovering timeline 1
      return new Absent(file, "timeline 1 has no history file");
    }
    Optional<byte[]> content = wal.getHistory(tli.value());
    if (content.isPresent()) {
      return new Found(file, content.get(), false);
    }
    Histories histories = Histories.read(wal);
    Optional<TimelineId> descendant = histories.descendantOf(tli);
    if (descendant.isPresent()) {
      throw hole(
          file,
          "the history of timeline "
              + descendant.get().value()
              + " names timeline "
              + tli.value()
              + " as an ancestor");
    }
    if (!wal.listSegments(tli.value()).isEmpty()) {
      throw hole(file, "WAL of timeline " + tli.value() + " is archived");
    }
    requireSomethingArchived();
    return new Absent(file, "timeline " + tli.value() + " was never archived");
  }

  private Found found(WalSegment s) {
    if (!s.partial()) {
      return new Found(s.name(), s.content(), false);
    }
    long size = segmentSize().bytes();
    if (s.content().length > size) {
      throw new HardstorageException(
          HOLE,
          ExitCode.VERIFY_FAILED,
          "the partial WAL segment "
              + s.name()
              + " of deployment "
              + deployment
              + " holds "
              + s.content().length
              + " bytes, more than the segment size "
              + size,
          "run pg_hardstorage verify; restore from another backup");
    }
    return new Found(s.name(), Arrays.copyOf(s.content(), (int) size), true);
  }

  /**
   * The segment size of the deployment's backups: segment names cannot be mapped to LSNs without
   * it. Read from the newest readable manifest, once, and only when needed (a complete segment is
   * handed over without it).
   *
   * @throws HardstorageException {@value #NOTHING_ARCHIVED} when the deployment has no readable
   *     backup manifest
   */
  public WalSegmentSize segmentSize() {
    if (segmentSize == null) {
      List<BackupId> ids = repo.listBackups(deployment);
      for (int i = ids.size() - 1; i >= 0 && segmentSize == null; i--) {
        segmentSize =
            repo.readManifest(deployment, ids.get(i))
                .map(m -> WalSegmentSize.ofBytes(m.wal().segmentSize()))
                .orElse(null);
      }
      if (segmentSize == null) {
        throw nothingArchived("it has no backups, so the WAL segment size is unknown");
      }
    }
    return segmentSize;
  }

  private void requireSomethingArchived() {
    if (wal.listTimelines().isEmpty() && wal.listHistories().isEmpty()) {
      throw nothingArchived("it has no WAL at all");
    }
  }

  private HardstorageException nothingArchived(String why) {
    return new HardstorageException(
        NOTHING_ARCHIVED,
        ExitCode.NOT_FOUND,
        "deployment " + deployment + " has nothing archived in this repository: " + why,
        "check the deployment name and the repository URL in restore_command");
  }

  private HardstorageException hole(String file, String why) {
    return new HardstorageException(
        HOLE,
        ExitCode.VERIFY_FAILED,
        "WAL file " + file + " of deployment " + deployment + " is missing, but " + why,
        "recovery cannot continue past a hole; run pg_hardstorage wal audit "
            + deployment
            + ", then restore a backup taken after the hole or a point in time before it");
  }

  /** What the archived history files say about branch points. */
  private record Histories(List<TimelineHistory> all) {
    record Branch(long child, Lsn at) {}

    static Histories read(WalArchive wal) {
      List<TimelineHistory> out = new ArrayList<>();
      for (long tli : wal.listHistories()) {
        TimelineId id = TimelineId.of(tli);
        byte[] content =
            wal.getHistory(tli)
                .orElseThrow(
                    () ->
                        new HardstorageException(
                            HOLE,
                            ExitCode.VERIFY_FAILED,
                            "the history file of timeline " + tli + " vanished while being read",
                            "retry; if it persists, run pg_hardstorage wal audit"));
        try {
          out.add(TimelineHistory.parse(id, content));
        } catch (IllegalArgumentException e) {
          throw new HardstorageException(
              "repo.corrupt",
              ExitCode.VERIFY_FAILED,
              "the history file of timeline " + tli + " cannot be parsed: " + e.getMessage(),
              "run pg_hardstorage verify");
        }
      }
      return new Histories(out);
    }

    /** Where {@code tli} branched off its parent, per its own history file. */
    Optional<Lsn> beginOf(TimelineId tli) {
      return all.stream()
          .filter(h -> h.timeline().equals(tli) && !h.entries().isEmpty())
          .map(h -> h.entries().get(h.entries().size() - 1).switchLsn())
          .findFirst();
    }

    /** The latest point at which any archived timeline branched off {@code tli}. */
    Optional<Branch> lastBranchFrom(TimelineId tli) {
      Branch best = null;
      for (TimelineHistory h : all) {
        Optional<Lsn> at = h.switchPointOf(tli);
        if (at.isPresent() && (best == null || at.get().isAfter(best.at()))) {
          best = new Branch(h.timeline().value(), at.get());
        }
      }
      return Optional.ofNullable(best);
    }

    /** A timeline whose history names {@code tli} as an ancestor. */
    Optional<TimelineId> descendantOf(TimelineId tli) {
      return all.stream()
          .filter(h -> h.switchPointOf(tli).isPresent())
          .map(TimelineHistory::timeline)
          .findFirst();
    }

    boolean mentions(TimelineId tli) {
      return all.stream().anyMatch(h -> h.timeline().equals(tli)) || descendantOf(tli).isPresent();
    }
  }
}
