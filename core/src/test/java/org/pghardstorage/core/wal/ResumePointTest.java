package org.pghardstorage.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.wal.WalFixtures.SIZE;
import static org.pghardstorage.core.wal.WalFixtures.lsn;
import static org.pghardstorage.core.wal.WalFixtures.segment;
import static org.pghardstorage.core.wal.WalFixtures.wal;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.ReplicationSlot;
import org.pghardstorage.core.pg.TimelineHistoryFile;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/** Where a streamer resumes, from the archive's durable end and the slot's restart LSN. */
class ResumePointTest {
  private static final TimelineId TLI1 = TimelineId.FIRST;
  private static final TimelineId TLI2 = TimelineId.of(2);
  private static final TimelineId TLI3 = TimelineId.of(3);

  /** Timeline 2 branched off timeline 1 at 0x3 + 0x40000; timeline 3 off 2 at 0x5 + 0x10. */
  private static final Lsn SWITCH_1_2 = lsn(3, 0x40000);

  private static final Lsn SWITCH_2_3 = lsn(5, 0x10);

  private final WalArchive archive =
      WalFixtures.repository(new MemoryObjectStore("resume")).wal(WalFixtures.DB);

  private static ReplicationSlot slot(Lsn restart, TimelineId tli) {
    return new ReplicationSlot(
        "pg_hardstorage_db1", "physical", Optional.of(restart), Optional.of(tli));
  }

  /** The server's TIMELINE_HISTORY; any other timeline is a test error. */
  private static TimelineHistoryFile history(TimelineId tli) {
    String content =
        switch ((int) tli.value()) {
          case 2 -> "1\t" + SWITCH_1_2 + "\tno recovery target specified\n";
          case 3 ->
              "1\t"
                  + SWITCH_1_2
                  + "\tno recovery target specified\n"
                  + "2\t"
                  + SWITCH_2_3
                  + "\tbefore 2026-12-01 00:00:00+00\n";
          default -> throw new AssertionError("no history for timeline " + tli);
        };
    return new TimelineHistoryFile(tli.historyFileName(), content.getBytes(StandardCharsets.UTF_8));
  }

  private static final Function<TimelineId, TimelineHistoryFile> HISTORY = ResumePointTest::history;

  private static final Function<TimelineId, TimelineHistoryFile> NO_HISTORY =
      tli -> {
        throw new AssertionError("history of " + tli + " must not be needed");
      };

  private ResumePoint find(TimelineId server, ReplicationSlot slot) {
    return ResumePoint.find(archive, SIZE, server, slot, HISTORY);
  }

  private void complete(long tli, long from, long to) {
    for (long n = from; n <= to; n++) {
      archive.putSegment(segment(tli, n), wal(tli, SWITCH_1_2, lsn(n, 0), (int) SIZE.bytes()));
    }
  }

  private byte[] partial(long tli, long n, int length) {
    byte[] bytes = wal(tli, SWITCH_1_2, lsn(n, 0), length);
    archive.putPartial(segment(tli, n), bytes);
    return bytes;
  }

  @Test
  void anEmptyArchiveStartsAtTheSegmentOfTheSlotsRestartPoint() {
    ResumePoint p = ResumePoint.find(archive, SIZE, TLI2, slot(lsn(7, 0x1234), TLI2), NO_HISTORY);

    assertThat(p.start()).isEqualTo(lsn(7, 0));
    assertThat(p.timeline()).isEqualTo(TLI2);
    assertThat(p.prefill().map(b -> b.length)).isEmpty();
    assertThat(p.gap()).isEmpty();
  }

  @Test
  void aSlotWithoutRestartTimelineStreamsTheServersTimeline() {
    ReplicationSlot slot =
        new ReplicationSlot("s", "physical", Optional.of(lsn(7, 0x1234)), Optional.empty());

    ResumePoint p = ResumePoint.find(archive, SIZE, TLI3, slot, NO_HISTORY);

    assertThat(p.timeline()).isEqualTo(TLI3);
    assertThat(p.start()).isEqualTo(lsn(7, 0));
  }

  @Test
  void aSlotThatReservesNoWalIsRefused() {
    ReplicationSlot lazy =
        new ReplicationSlot("lazy", "physical", Optional.empty(), Optional.empty());

    assertThatThrownBy(() -> ResumePoint.find(archive, SIZE, TLI1, lazy, NO_HISTORY))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("wal.slot_without_wal");
              assertThat(e.exitCode()).isEqualTo(ExitCode.PREFLIGHT_REFUSED);
            })
        .hasMessageContaining("lazy");
  }

  @Test
  void completeSegmentsResumeAfterTheLastOne() {
    complete(1, 2, 4);

    ResumePoint p = find(TLI1, slot(lsn(3, 0x100), TLI1));

    assertThat(p.start()).isEqualTo(lsn(5, 0));
    assertThat(p.timeline()).isEqualTo(TLI1);
    assertThat(p.prefill().map(b -> b.length)).isEmpty();
    assertThat(p.gap()).isEmpty();
  }

  @Test
  void aPartialResumesAfterItsBytesWhichAreLoadedBack() {
    complete(1, 2, 3);
    byte[] stored = partial(1, 4, 0x1234);

    ResumePoint p = find(TLI1, slot(lsn(4, 0x10), TLI1));

    assertThat(p.start()).isEqualTo(lsn(4, 0x1234));
    assertThat(p.timeline()).isEqualTo(TLI1);
    assertThat(p.prefill()).hasValueSatisfying(b -> assertThat(b).isEqualTo(stored));
    assertThat(p.gap()).isEmpty();
  }

  @Test
  void aCompleteSegmentWhosePartialWasLeftBehindResumesAfterIt() {
    // Storing a complete segment writes it, then deletes its partial; a crash (or a failed delete)
    // in between leaves both. The complete object is the truth: resume at the next segment.
    complete(1, 2, 3);
    partial(1, 4, 0x1234);
    complete(1, 4, 4);
    partial(1, 4, 0x1234); // the leftover

    ResumePoint p = find(TLI1, slot(lsn(4, 0x10), TLI1));

    assertThat(p.start()).isEqualTo(lsn(5, 0));
    assertThat(p.prefill().map(b -> b.length)).isEmpty();
    assertThat(p.gap()).isEmpty();
  }

  @Test
  void aRestartPointBehindTheArchiveResumesAtTheArchivesEnd() {
    complete(1, 2, 6);

    ResumePoint p = find(TLI1, slot(lsn(2, 0x80), TLI1));

    assertThat(p.start()).isEqualTo(lsn(7, 0));
    assertThat(p.gap()).isEmpty();
  }

  @Test
  void aRestartPointInTheSegmentAfterTheArchiveIsNoGap() {
    complete(1, 2, 4);

    ResumePoint p = find(TLI1, slot(lsn(5, 0x8000), TLI1));

    assertThat(p.start()).isEqualTo(lsn(5, 0));
    assertThat(p.gap()).isEmpty();
  }

  @Test
  void aRestartPointInThePartialsSegmentResumesAfterThePartial() {
    complete(1, 2, 3);
    partial(1, 4, 0x100);

    ResumePoint p = find(TLI1, slot(lsn(4, 0x8000), TLI1));

    assertThat(p.start()).isEqualTo(lsn(4, 0x100));
    assertThat(p.prefill().map(b -> b.length)).contains(0x100);
    assertThat(p.gap()).isEmpty();
  }

  @Test
  void aRestartPointPastTheArchivesNextSegmentIsAGap() {
    complete(1, 2, 3);
    partial(1, 4, 0x100);

    ResumePoint p = find(TLI1, slot(lsn(9, 0x28), TLI1));

    assertThat(p.start()).isEqualTo(lsn(9, 0));
    assertThat(p.timeline()).isEqualTo(TLI1);
    assertThat(p.prefill().map(b -> b.length)).isEmpty();
    assertThat(p.gap()).contains(lsn(4, 0x100) + ".." + lsn(9, 0) + " on timeline 1");
  }

  @Test
  void anArchiveOnAnOlderTimelineShortOfTheSwitchPointFinishesThatTimelineFirst() {
    complete(1, 2, 2);
    byte[] stored = partial(1, 3, 0x100);

    ResumePoint p = find(TLI2, slot(lsn(3, 0x200), TLI1));

    assertThat(p.start()).isEqualTo(lsn(3, 0x100));
    assertThat(p.timeline()).isEqualTo(TLI1);
    assertThat(p.prefill()).hasValueSatisfying(b -> assertThat(b).isEqualTo(stored));
    assertThat(p.gap()).isEmpty();
  }

  @Test
  void anArchiveOnAnOlderTimelineUpToTheSwitchPointContinuesOnTheNextFromTheSwitchSegment() {
    complete(1, 2, 2);
    partial(1, 3, (int) SWITCH_1_2.segmentOffset(SIZE));

    ResumePoint p = find(TLI2, slot(lsn(3, 0x80000), TLI2));

    assertThat(p.start()).isEqualTo(lsn(3, 0));
    assertThat(p.timeline()).isEqualTo(TLI2);
    assertThat(p.prefill().map(b -> b.length)).isEmpty();
    assertThat(p.gap()).isEmpty();
  }

  @Test
  void walTheOldPrimaryWrotePastTheSwitchPointIsLeftAndTheNextTimelineFollows() {
    complete(1, 2, 5); // the old primary kept writing on timeline 1 after the failover

    ResumePoint p = find(TLI2, slot(lsn(3, 0x80000), TLI2));

    assertThat(p.start()).isEqualTo(lsn(3, 0));
    assertThat(p.timeline()).isEqualTo(TLI2);
    assertThat(p.prefill().map(b -> b.length)).isEmpty();
  }

  @Test
  void twoSwitchesBehindContinuesOnTheTimelineThatFollowsTheStoredOne() {
    complete(1, 2, 3);

    ResumePoint p = find(TLI3, slot(lsn(3, 0x50000), TLI2));

    assertThat(p.start()).isEqualTo(lsn(3, 0));
    assertThat(p.timeline()).isEqualTo(TLI2);
    assertThat(p.gap()).isEmpty();
  }

  @Test
  void aSlotCreatedPastTheSwitchSegmentOnTheNewTimelineIsAGapNotAStall() {
    // The streamer created its slot on the new primary long after the failover: the server keeps
    // timeline 2 only from the slot's restart point. Asking for the switch segment would fail on
    // every reconnection; the WAL in between is lost and must be named, as on one timeline.
    complete(1, 2, 2);
    partial(1, 3, (int) SWITCH_1_2.segmentOffset(SIZE));

    ResumePoint p = find(TLI2, slot(lsn(8, 0x28), TLI2));

    assertThat(p.start()).isEqualTo(lsn(8, 0));
    assertThat(p.timeline()).isEqualTo(TLI2);
    assertThat(p.prefill().map(b -> b.length)).isEmpty();
    assertThat(p.gap()).contains(SWITCH_1_2 + ".." + lsn(8, 0) + " on timeline 2");
  }

  @Test
  void theNewestStoredTimelineDecides() {
    complete(1, 2, 2);
    partial(1, 3, 0x40000);
    complete(2, 3, 4);

    ResumePoint p = find(TLI2, slot(lsn(4, 0x80), TLI2));

    assertThat(p.start()).isEqualTo(lsn(5, 0));
    assertThat(p.timeline()).isEqualTo(TLI2);
  }

  @Test
  void aRestartPointOnTheNextTimelineInTheSameSegmentRestreamsThatSegmentOnIt() {
    // Stored up to 3+0x100 on timeline 1, short of the switch point; the slot's restart point is
    // past it on timeline 2, in the same segment: the server holds that segment only as timeline
    // 2's copy, which also holds timeline 1's bytes before the switch. Stream that copy whole.
    complete(1, 2, 2);
    partial(1, 3, 0x100);

    ResumePoint p = find(TLI2, slot(lsn(3, 0x50000), TLI2));

    assertThat(p.start()).isEqualTo(lsn(3, 0));
    assertThat(p.timeline()).isEqualTo(TLI2);
    assertThat(p.prefill().map(b -> b.length)).isEmpty();
    assertThat(p.gap()).isEmpty();
  }
}
