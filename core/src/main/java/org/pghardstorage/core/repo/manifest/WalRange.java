package org.pghardstorage.core.repo.manifest;

import java.util.Objects;
import org.pghardstorage.core.pg.Lsn;

/**
 * The WAL a backup needs to be consistent: from the checkpoint's redo point to the backup end.
 *
 * @param startLsn start LSN in PostgreSQL text form
 * @param startTimeline timeline at the start, ≥ 1
 * @param endLsn end LSN, ≥ {@code startLsn}
 * @param endTimeline timeline at the end, ≥ {@code startTimeline}
 * @param segmentSize {@code wal_segment_size} in bytes: a power of two from 1 MiB to 1 GiB
 */
public record WalRange(
    String startLsn, long startTimeline, String endLsn, long endTimeline, int segmentSize) {
  /** Validates the fields. */
  public WalRange {
    Objects.requireNonNull(startLsn, "startLsn");
    Objects.requireNonNull(endLsn, "endLsn");
    Lsn start = Lsn.parseStrict(startLsn);
    Lsn end = Lsn.parseStrict(endLsn);
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("end_lsn " + endLsn + " is before start_lsn " + startLsn);
    }
    requireTimeline("start_timeline", startTimeline);
    requireTimeline("end_timeline", endTimeline);
    if (endTimeline < startTimeline) {
      throw new IllegalArgumentException(
          "end_timeline " + endTimeline + " is before start_timeline " + startTimeline);
    }
    if (Integer.bitCount(segmentSize) != 1 || segmentSize < (1 << 20) || segmentSize > (1 << 30)) {
      throw new IllegalArgumentException(
          "segment_size " + segmentSize + " is not a power of two from 1 MiB to 1 GiB");
    }
  }

  /** The start LSN as a number. */
  public long start() {
    return Lsn.parseStrict(startLsn).value();
  }

  /** The end LSN as a number. */
  public long end() {
    return Lsn.parseStrict(endLsn).value();
  }

  static void requireTimeline(String name, long timeline) {
    if (timeline < 1 || timeline > 0xffffffffL) {
      throw new IllegalArgumentException(name + " " + timeline + " is not 1..4294967295");
    }
  }
}
