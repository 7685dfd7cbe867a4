package org.pghardstorage.core.verify;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.RepositoryCorruptException;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalSegment;
import org.pghardstorage.core.repo.manifest.WalRange;
import org.pghardstorage.core.task.Progress;
import org.pghardstorage.core.task.ProgressListener;
import org.pghardstorage.core.task.WorkerPool;

/**
 * Step 3 of a verification: the WAL the backup needs. Compares PostgreSQL's {@code WAL-Ranges} with
 * our manifest's range, then reads every segment from the start to the end LSN on the worker pool
 * ({@link WalArchive#getSegment} opens and checks the sealed object) and checks that it is the
 * segment its name says: full length, first page addressed at the segment's start. Progress phase
 * {@value #PHASE}.
 */
final class WalChecks {
  static final String PHASE = "wal";

  /** PostgreSQL's default XLOG_BLCKSZ; every WAL page starts with a header holding its address. */
  private static final int WAL_PAGE = 8192;

  private final List<VerifyProblem> problems = new ArrayList<>();
  private long segments;
  private long bytes;

  /** One segment the backup needs, named on its timeline; {@code last} is the backup's end. */
  record Needed(long segment, long timeline, String name, boolean last) {}

  /** What reading one segment found. */
  record Outcome(long bytes, Optional<VerifyProblem> problem) {}

  List<VerifyProblem> problems() {
    return problems;
  }

  long segments() {
    return segments;
  }

  long bytes() {
    return bytes;
  }

  /** Problems if PostgreSQL's WAL-Ranges do not span exactly our range, on the same timelines. */
  static List<VerifyProblem> compareRanges(
      WalRange ours, List<PostgresManifest.WalRangeEntry> pg, String postgresManifestKey) {
    if (pg.isEmpty()) {
      return List.of(
          VerifyProblem.error(
              VerifyProblem.Kind.WAL_RANGE_MISMATCH,
              postgresManifestKey,
              List.of(),
              "PostgreSQL's backup_manifest lists no WAL-Ranges"));
    }
    PostgresManifest.WalRangeEntry first = pg.get(0);
    PostgresManifest.WalRangeEntry last = pg.get(0);
    for (PostgresManifest.WalRangeEntry r : pg) {
      first = Long.compareUnsigned(r.start(), first.start()) < 0 ? r : first;
      last = Long.compareUnsigned(r.end(), last.end()) > 0 ? r : last;
    }
    if (first.start() == ours.start()
        && first.timeline() == ours.startTimeline()
        && last.end() == ours.end()
        && last.timeline() == ours.endTimeline()) {
      return List.of();
    }
    return List.of(
        VerifyProblem.error(
            VerifyProblem.Kind.WAL_RANGE_MISMATCH,
            postgresManifestKey,
            List.of(),
            "PostgreSQL's WAL-Ranges span timeline "
                + first.timeline()
                + " "
                + Lsn.of(first.start())
                + " to timeline "
                + last.timeline()
                + " "
                + Lsn.of(last.end())
                + "; the backup manifest says timeline "
                + ours.startTimeline()
                + " "
                + ours.startLsn()
                + " to timeline "
                + ours.endTimeline()
                + " "
                + ours.endLsn()));
  }

  /**
   * Reads and checks every segment of {@code ranges}.
   *
   * @param end the LSN the backup is consistent at: a partial last segment that reaches it is fine,
   *     one that does not is a warning (the streamer is still receiving it)
   */
  static WalChecks run(
      WalArchive wal,
      List<PostgresManifest.WalRangeEntry> ranges,
      int segmentSize,
      long end,
      WorkerPool pool,
      ProgressListener listener)
      throws InterruptedException {
    List<Needed> needed = needed(ranges, segmentSize);
    List<Callable<Outcome>> tasks = new ArrayList<>();
    for (Needed n : needed) {
      tasks.add(() -> check(wal, n, segmentSize, end));
    }
    WalChecks checks = new WalChecks();
    listener.onProgress(new Progress(PHASE, 0, needed.size(), 0, 0));
    pool.runAll(
        tasks,
        o -> {
          checks.segments++;
          checks.bytes += o.bytes();
          o.problem().ifPresent(checks.problems::add);
          listener.onProgress(new Progress(PHASE, checks.segments, needed.size(), 0, 0));
        });
    return checks;
  }

  /**
   * Each segment number once, named on the newest timeline whose range reaches it: after a timeline
   * switch recovery reads the switch segment from the new timeline.
   */
  static List<Needed> needed(List<PostgresManifest.WalRangeEntry> ranges, int size) {
    Map<Long, Long> timelineOf = new TreeMap<>();
    long lastSegment = -1;
    long maxEnd = 0;
    WalSegmentSize segmentSize = WalSegmentSize.ofBytes(size);
    for (PostgresManifest.WalRangeEntry r : ranges) {
      List<WalSegmentName> covering =
          WalSegmentName.covering(
              TimelineId.of(r.timeline()), Lsn.of(r.start()), Lsn.of(r.end()), segmentSize);
      for (WalSegmentName s : covering) {
        timelineOf.merge(s.segmentNumber(), r.timeline(), Math::max);
      }
      long last = covering.get(covering.size() - 1).segmentNumber();
      if (Long.compareUnsigned(r.end(), maxEnd) >= 0) {
        maxEnd = r.end();
        lastSegment = last;
      }
    }
    List<Needed> out = new ArrayList<>();
    for (Map.Entry<Long, Long> e : timelineOf.entrySet()) {
      long segment = e.getKey();
      out.add(
          new Needed(
              segment,
              e.getValue(),
              WalSegmentName.of(TimelineId.of(e.getValue()), segment, segmentSize).toString(),
              segment == lastSegment));
    }
    return out;
  }

  static Outcome check(WalArchive wal, Needed n, int size, long end) {
    String key = wal.objectKey(n.name(), false).value();
    Optional<WalSegment> segment;
    try {
      segment = wal.getSegment(n.name());
    } catch (RepositoryCorruptException e) {
      return new Outcome(0, Optional.of(damaged(e.object(), n, e.getMessage())));
    }
    if (segment.isEmpty()) {
      return new Outcome(
          0,
          Optional.of(
              VerifyProblem.error(
                  VerifyProblem.Kind.WAL_SEGMENT_MISSING,
                  key,
                  List.of(),
                  "WAL segment " + n.name() + " is not in the repository")));
    }
    byte[] content = segment.get().content();
    long start = n.segment() * size;
    if (segment.get().partial()) {
      return new Outcome(content.length, partial(wal, n, content, start, end));
    }
    if (content.length != size) {
      return new Outcome(
          content.length,
          Optional.of(damaged(key, n, "has " + content.length + " bytes, not " + size)));
    }
    if (pageAddress(content, 0) != start) {
      return new Outcome(
          content.length,
          Optional.of(
              damaged(
                  key,
                  n,
                  "its first page is addressed "
                      + Lsn.of(pageAddress(content, 0))
                      + ", not the segment start "
                      + Lsn.of(start))));
    }
    return new Outcome(content.length, Optional.empty());
  }

  private static Optional<VerifyProblem> partial(
      WalArchive wal, Needed n, byte[] content, long start, long end) {
    String key = wal.objectKey(n.name(), true).value();
    if (n.last() && covers(content, start, end)) {
      return Optional.empty();
    }
    String what =
        "only the partial object of WAL segment "
            + n.name()
            + " exists"
            + (n.last()
                ? " and it does not reach the backup's end "
                    + Lsn.of(end)
                    + " yet; the streamer may still be receiving it"
                : ", but later segments are needed as well");
    return Optional.of(
        new VerifyProblem(
            n.last() ? VerifyProblem.Severity.WARNING : VerifyProblem.Severity.ERROR,
            VerifyProblem.Kind.WAL_SEGMENT_PARTIAL,
            key,
            List.of(),
            List.of(),
            what));
  }

  /**
   * Whether a partial segment holds the WAL up to {@code end}: it is long enough, and the page
   * holding the last needed byte carries its own address, so it was received rather than padded.
   */
  static boolean covers(byte[] content, long segmentStart, long end) {
    long needed = end - segmentStart;
    if (needed <= 0) {
      return true;
    }
    if (content.length < needed) {
      return false;
    }
    int page = (int) ((needed - 1) / WAL_PAGE) * WAL_PAGE;
    return page + 16 <= content.length && pageAddress(content, page) == segmentStart + page;
  }

  /** {@code xlp_pageaddr} of the page at {@code offset} (little-endian, as the server wrote it). */
  private static long pageAddress(byte[] content, int offset) {
    if (content.length < offset + 16) {
      return -1;
    }
    return ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN).getLong(offset + 8);
  }

  private static VerifyProblem damaged(String object, Needed n, String why) {
    return VerifyProblem.error(
        VerifyProblem.Kind.WAL_SEGMENT_DAMAGED,
        object,
        List.of(),
        "WAL segment " + n.name() + " " + why);
  }
}
