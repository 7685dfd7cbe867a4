package org.pghardstorage.core.backup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalEntry;
import org.pghardstorage.core.repo.WalSegment;

/**
 * The deployment's streamer is running: the backup waits for it to make the WAL up to the end LSN
 * durable instead of receiving the same WAL a second time. Two writers of one partial segment could
 * otherwise make the stored partial shrink behind the streamer's back. The WAL is another writer's
 * work, so once the end is there every segment back to the backup's start is checked as well: a
 * streamer that had to resume past lost WAL leaves a hole no backup may be committed over.
 */
final class StreamerWal implements WalSource {
  private final WalArchive archive;
  private final WalSegmentSize segmentSize;
  private final TimelineId timeline;
  private final Clock clock;

  StreamerWal(WalArchive archive, WalSegmentSize segmentSize, TimelineId timeline, Clock clock) {
    this.archive = archive;
    this.segmentSize = segmentSize;
    this.timeline = timeline;
    this.clock = clock;
  }

  @Override
  public int awaitDurable(Lsn start, Lsn end, Duration timeout) {
    Lsn last = end.value() == 0 ? end : end.plus(-1);
    WalSegmentName segment = WalSegmentName.of(timeline, last, segmentSize);
    long needed = end.minus(segment.startLsn());
    Instant deadline = clock.instant().plus(timeout);
    while (true) {
      Optional<WalSegment> s = archive.getSegment(segment.toString());
      if (s.isPresent() && (!s.get().partial() || s.get().content().length >= needed)) {
        requireNoHole(start, end, segment);
        return 0;
      }
      if (clock.instant().isAfter(deadline)) {
        throw new HardstorageException(
            "backup.wal_timeout",
            ExitCode.ERROR,
            "the streamer did not make WAL up to the backup's end "
                + end
                + " durable within "
                + timeout,
            "check the streamer (pg_hardstorage status); the backup was not committed");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HardstorageException(
            "backup.interrupted", ExitCode.ABORTED, "interrupted while waiting for WAL", null, e);
      }
    }
  }

  /** Every segment from {@code start}'s up to the end's must be stored complete. */
  private void requireNoHole(Lsn start, Lsn end, WalSegmentName endSegment) {
    Set<String> complete =
        archive.listSegments(timeline.value()).stream()
            .filter(e -> !e.partial())
            .map(WalEntry::name)
            .collect(Collectors.toSet());
    List<String> missing = new ArrayList<>();
    for (WalSegmentName n = WalSegmentName.of(timeline, start, segmentSize);
        n.compareTo(endSegment) < 0;
        n = n.next()) {
      if (!complete.contains(n.toString())) {
        missing.add(n.toString());
      }
    }
    if (!missing.isEmpty()) {
      throw new HardstorageException(
          "backup.wal_gap",
          ExitCode.VERIFY_FAILED,
          "the WAL from the backup's start "
              + start
              + " to its end "
              + end
              + " has a gap: "
              + missing.size()
              + " segment(s) are not in the repository ("
              + missing.get(0)
              + (missing.size() > 1 ? ".." + missing.get(missing.size() - 1) : "")
              + ")",
          "the backup was not committed; check the streamer's gaps (pg_hardstorage status,"
              + " wal audit) and take the backup again");
    }
  }

  @Override
  public void close() {}
}
