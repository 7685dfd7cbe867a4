package org.pghardstorage.core.restore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalEntry;
import org.pghardstorage.core.repo.manifest.WalRange;

/**
 * Finds which of the segments a backup needs are archived, from one listing per timeline (no
 * segment is downloaded: this serves the preview, which must be cheap).
 */
final class RequiredWalFinder {
  private RequiredWalFinder() {}

  static RequiredWal find(WalArchive wal, WalRange range) {
    Map<String, WalSegmentStatus.State> archived = new HashMap<>();
    for (long tli = range.startTimeline(); tli <= range.endTimeline(); tli++) {
      for (WalEntry e : wal.listSegments(tli)) {
        // Listings put the complete object before the partial one of the same name.
        archived.putIfAbsent(
            e.name(),
            e.partial() ? WalSegmentStatus.State.PARTIAL_ONLY : WalSegmentStatus.State.PRESENT);
      }
    }
    List<WalSegmentStatus> out = new ArrayList<>();
    for (WalSegmentName segment :
        WalSegmentName.covering(
            TimelineId.of(range.endTimeline()),
            Lsn.of(range.start()),
            Lsn.of(range.end()),
            WalSegmentSize.ofBytes(range.segmentSize()))) {
      out.add(status(archived, range, segment));
    }
    return new RequiredWal(
        range.startLsn(), range.startTimeline(), range.endLsn(), range.endTimeline(), out);
  }

  /**
   * When the backup spans a timeline switch, the manifest does not say where it happened. Recovery
   * asks for each segment on the newest timeline that has it (the switch segment is copied to the
   * new timeline), so the newest archived name between the end and start timelines is the one it
   * will use; a missing segment is reported under the end timeline.
   */
  private static WalSegmentStatus status(
      Map<String, WalSegmentStatus.State> archived, WalRange range, WalSegmentName segment) {
    for (long tli = range.endTimeline(); tli >= range.startTimeline(); tli--) {
      String name = segment.onTimeline(TimelineId.of(tli)).toString();
      WalSegmentStatus.State state = archived.get(name);
      if (state != null) {
        return new WalSegmentStatus(name, state);
      }
    }
    return new WalSegmentStatus(segment.toString(), WalSegmentStatus.State.MISSING);
  }
}
