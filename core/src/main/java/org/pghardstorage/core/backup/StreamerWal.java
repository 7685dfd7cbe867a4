package org.pghardstorage.core.backup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalSegment;

/**
 * The deployment's streamer is running: the backup waits for it to make the WAL up to the end LSN
 * durable instead of receiving the same WAL a second time. Two writers of one partial segment could
 * otherwise make the stored partial shrink behind the streamer's back.
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
  public int awaitDurable(Lsn end, Duration timeout) {
    Lsn last = end.value() == 0 ? end : end.plus(-1);
    WalSegmentName segment = WalSegmentName.of(timeline, last, segmentSize);
    long needed = end.minus(segment.startLsn());
    Instant deadline = clock.instant().plus(timeout);
    while (true) {
      Optional<WalSegment> s = archive.getSegment(segment.toString());
      if (s.isPresent() && (!s.get().partial() || s.get().content().length >= needed)) {
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

  @Override
  public void close() {}
}
