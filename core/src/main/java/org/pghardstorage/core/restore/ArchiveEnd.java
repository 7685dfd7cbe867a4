package org.pghardstorage.core.restore;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalEntry;

/**
 * Where the archived WAL of a deployment ends: the newest segment object of its newest timeline, up
 * to the end of a complete segment or the last byte of a partial one, and when the store wrote it.
 * A recovery target past it cannot be reached: PostgreSQL ends recovery there and refuses to start
 * ("recovery ended before configured recovery target was reached").
 *
 * @param timeline the newest timeline with WAL
 * @param lsn the end of the archived WAL on it
 * @param storedAt when the newest object was written (the store's clock)
 */
record ArchiveEnd(long timeline, Lsn lsn, Instant storedAt) {

  /** The end of {@code wal}, or empty if no WAL is archived. */
  static Optional<ArchiveEnd> of(WalArchive wal, WalSegmentSize size) {
    List<Long> timelines = wal.listTimelines();
    if (timelines.isEmpty()) {
      return Optional.empty();
    }
    long tli = timelines.get(timelines.size() - 1);
    List<WalEntry> entries = wal.listSegments(tli);
    if (entries.isEmpty()) {
      return Optional.empty();
    }
    WalEntry newest = entries.get(entries.size() - 1);
    WalSegmentName name = WalSegmentName.parse(newest.name(), size);
    Lsn end = name.endLsn();
    if (newest.partial()) {
      // only the partial's own length says how far it reaches
      end =
          wal.getSegment(newest.name())
              .map(s -> s.partial() ? name.startLsn().plus(s.content().length) : name.endLsn())
              .orElse(name.startLsn());
    }
    return Optional.of(new ArchiveEnd(TimelineId.of(tli).value(), end, newest.storedAt()));
  }
}
