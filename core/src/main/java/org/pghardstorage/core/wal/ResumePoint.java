package org.pghardstorage.core.wal;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.ReplicationSlot;
import org.pghardstorage.core.pg.TimelineHistoryFile;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalEntry;
import org.pghardstorage.core.repo.WalSegment;

/**
 * Where a streamer resumes: just past the WAL durable in the repository, checked against what the
 * server still has (the slot's restart LSN). If the repository has nothing, streaming starts at the
 * slot's restart LSN. If the server no longer has the WAL right after ours, the hole is reported as
 * a gap and streaming starts where the server can.
 *
 * @param start the LSN to request
 * @param timeline the timeline to request it on
 * @param prefill the stored bytes of {@code start}'s segment before {@code start}, if resuming a
 *     partial segment
 * @param gap a range that is lost, as {@code from..to}
 */
record ResumePoint(Lsn start, TimelineId timeline, Optional<byte[]> prefill, Optional<String> gap) {

  static ResumePoint find(
      WalArchive archive,
      WalSegmentSize size,
      TimelineId serverTimeline,
      ReplicationSlot slot,
      Function<TimelineId, TimelineHistoryFile> history) {
    Lsn restart =
        slot.restartLsn()
            .orElseThrow(
                () ->
                    new HardstorageException(
                        "wal.slot_without_wal",
                        ExitCode.PREFLIGHT_REFUSED,
                        "slot " + slot.name() + " reserves no WAL",
                        "drop the slot and let the streamer create it with RESERVE_WAL"));
    TimelineId restartTli = slot.restartTimeline().orElse(serverTimeline);
    List<Long> timelines = archive.listTimelines();
    if (timelines.isEmpty()) {
      return new ResumePoint(
          restart.segmentStart(size), restartTli, Optional.empty(), Optional.empty());
    }
    TimelineId tli = TimelineId.of(timelines.get(timelines.size() - 1));
    Stored stored = lastStored(archive, size, tli);
    // The candidate: right after what is stored, on the stored timeline...
    Lsn end = stored.end();
    Lsn from = end;
    TimelineId on = tli;
    Optional<byte[]> prefill = stored.prefill();
    if (tli.compareTo(serverTimeline) < 0) {
      // ...unless we stopped on an older timeline than the server's and hold it up to the point
      // where the server's history left it: then continue on the following timeline from the start
      // of the segment holding that point, so the new timeline's copy of that segment is stored
      // whole. WAL we may hold past that point came from the old primary and stays where it is.
      TimelineHistory h =
          TimelineHistory.parse(serverTimeline, history.apply(serverTimeline).content());
      Optional<Lsn> branch = h.switchPointOf(tli);
      if (branch.isPresent() && !end.isBefore(branch.get())) {
        end = branch.get();
        from = end.segmentStart(size);
        on = h.timelineAt(end);
        prefill = Optional.empty();
      }
    }
    // The server keeps WAL only from the slot's restart point's segment on, whichever timeline we
    // continue on: what lies between the candidate and that segment is lost.
    Lsn restartSegment = restart.segmentStart(size);
    if (from.isBefore(restartSegment)) {
      String gap = end + ".." + restartSegment + " on timeline " + on.value();
      return new ResumePoint(restartSegment, restartTli, Optional.empty(), Optional.of(gap));
    }
    if (from.isBefore(restart) && !restartTli.equals(on)) {
      // the server keeps this timeline only from the slot's restart point's segment on
      return new ResumePoint(restartSegment, restartTli, Optional.empty(), Optional.empty());
    }
    return new ResumePoint(from, on, prefill, Optional.empty());
  }

  private record Stored(Lsn end, Optional<byte[]> prefill) {}

  private static Stored lastStored(WalArchive archive, WalSegmentSize size, TimelineId tli) {
    List<WalEntry> entries = archive.listSegments(tli.value());
    WalEntry last = entries.get(entries.size() - 1);
    WalSegmentName name = WalSegmentName.parse(last.name(), size);
    if (!last.partial()) {
      return new Stored(name.endLsn(), Optional.empty());
    }
    WalSegment segment =
        archive
            .getSegment(last.name())
            .orElseThrow(
                () ->
                    new HardstorageException(
                        "wal.partial_vanished",
                        ExitCode.ERROR,
                        "partial segment " + last.name() + " vanished while resuming",
                        null));
    if (!segment.partial()) {
      // The segment is also stored complete (listed just before its partial): a crash or a failed
      // delete between storing a segment and deleting its partial leaves both. The complete one is
      // the truth; its bytes must never prefill the next segment.
      return new Stored(name.endLsn(), Optional.empty());
    }
    return new Stored(
        name.startLsn().plus(segment.content().length), Optional.of(segment.content()));
  }
}
