package org.pghardstorage.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryCorruptException;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.restore.FakeCluster;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/** Which WAL objects retention deletes, on synthetic archives with 1 MiB segments. */
class WalRetentionTest {
  private static final WalSegmentSize SIZE = WalSegmentSize.ofBytes(1 << 20);

  /** Kept backups start in segment 0x14 of timeline 1. */
  private static final Lsn CUT = Lsn.parse("0/1400028");

  private final Repository repo =
      Repository.init(
          new MemoryObjectStore("wal-retention"),
          FakeCluster.smallRepository(),
          OpenOptions.defaults());
  private final WalArchive wal = repo.wal(Deployment.of("db1"));

  @AfterEach
  void close() {
    repo.close();
  }

  private void segments(long tli, long from, long to) {
    for (long s = from; s <= to; s++) {
      wal.putSegment(name(tli, s), new byte[] {(byte) s});
    }
  }

  private void partial(long tli, long segment) {
    wal.putPartial(name(tli, segment), new byte[] {1, 2, 3});
  }

  private void history(long tli, String content) {
    wal.putHistory(tli, content.getBytes(StandardCharsets.US_ASCII));
  }

  private static String name(long tli, long segment) {
    return WalSegmentName.of(TimelineId.of(tli), segment, WalSegmentSize.ofBytes(1 << 20))
        .toString();
  }

  private WalRetention.Result plan() {
    return WalRetention.plan(wal, SIZE, CUT, TimelineId.FIRST);
  }

  @Test
  void onOneTimelineEverythingBeforeTheCutGoesAndNothingAfter() {
    segments(1, 0x10, 0x18);
    partial(1, 0x12); // a leftover partial beside its complete segment: one name
    partial(1, 0x19);

    WalRetention.Result r = plan();

    assertThat(r.segments())
        .containsExactly(name(1, 0x10), name(1, 0x11), name(1, 0x12), name(1, 0x13));
    assertThat(r.plan().keepFromSegment()).isEqualTo(name(1, 0x14));
    assertThat(r.plan().keepFromLsn()).isEqualTo("0/01400028");
    assertThat(r.plan().segments()).isEqualTo(4);
    assertThat(r.plan().timelines())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.timeline()).isEqualTo(1);
              assertThat(t.wholeTimeline()).isFalse();
              assertThat(t.firstSegment()).isEqualTo(name(1, 0x10));
              assertThat(t.lastSegment()).isEqualTo(name(1, 0x13));
              assertThat(t.bytes()).isEqualTo(r.plan().bytes()).isPositive();
            });
    long stored =
        wal.listSegments(1).stream()
            .filter(e -> r.segments().contains(e.name()))
            .mapToLong(e -> e.storedSize())
            .sum();
    assertThat(r.plan().bytes()).isEqualTo(stored);
    assertThat(r.histories()).isEmpty();
  }

  @Test
  void abandonedTimelinesGoWholeOnlyIfAllTheirWalIsBeforeTheCut() {
    segments(1, 0x10, 0x16);
    history(2, "1\t0/1280000\tabandoned early\n");
    segments(2, 0x12, 0x13);
    history(3, "1\t0/1580000\tabandoned late\n");
    segments(3, 0x15, 0x17);
    history(4, "1\t0/1680000\tno recovery target specified\n");
    segments(4, 0x16, 0x18);
    partial(4, 0x19);

    WalRetention.Result r = plan();

    assertThat(r.segments())
        .containsExactly(
            name(1, 0x10),
            name(1, 0x11),
            name(1, 0x12),
            name(1, 0x13),
            name(2, 0x12),
            name(2, 0x13));
    assertThat(r.plan().timelines())
        .extracting(
            RetentionPlan.TimelineDeletion::timeline, RetentionPlan.TimelineDeletion::wholeTimeline)
        .containsExactly(tuple(1L, false), tuple(2L, true));
    assertThat(r.histories()).containsExactly(2L);
  }

  @Test
  void aTimelineTheStreamerJustSwitchedToIsTheNewestEvenWithoutSegments() {
    segments(1, 0x10, 0x15);
    history(2, "1\t0/1580000\tno recovery target specified\n");

    WalRetention.Result r = plan();

    assertThat(r.segments())
        .containsExactly(name(1, 0x10), name(1, 0x11), name(1, 0x12), name(1, 0x13));
    assertThat(r.histories()).isEmpty();
  }

  @Test
  void theHighestTimelineWithSegmentsIsNeverDeletedWhole() {
    segments(2, 0x10, 0x11); // abandoned per timeline 3's history, but the newest WAL we hold
    history(2, "1\t0/1000000\tx\n");
    history(3, "1\t0/1380000\tx\n");

    WalRetention.Result r = plan();

    assertThat(r.segments()).isEmpty();
    assertThat(r.histories()).isEmpty();
  }

  @Test
  void historyFilesGoOnlyWhenNoRemainingTimelineDescendsFromThem() {
    segments(1, 0x10, 0x16);
    history(2, "1\t0/1080000\tx\n"); // abandoned before any of its WAL was stored
    history(3, "1\t0/1180000\tx\n");
    segments(3, 0x11, 0x12); // abandoned, all before the cut
    history(4, "1\t0/1180000\tx\n3\t0/1280000\tx\n");
    segments(4, 0x12, 0x15); // abandoned from 3, reaches past the cut: kept
    history(5, "1\t0/1680000\tx\n");
    segments(5, 0x16, 0x17);

    WalRetention.Result r = plan();

    assertThat(r.segments())
        .containsExactly(
            name(1, 0x10),
            name(1, 0x11),
            name(1, 0x12),
            name(1, 0x13),
            name(3, 0x11),
            name(3, 0x12));
    assertThat(r.histories()).as("3 is an ancestor of 4, which stays").containsExactly(2L);
  }

  @Test
  void segmentNamesThatDoNotFitTheSegmentSizeAreKept() {
    segments(1, 0x10, 0x15);
    wal.putSegment("0000000100000000FFFFFFFF", new byte[] {1}); // not a 1 MiB segment name

    assertThat(plan().segments()).hasSize(4).doesNotContain("0000000100000000FFFFFFFF");
  }

  @Test
  void anUnreadableHistoryFileIsCorruptionNamingIt() {
    segments(1, 0x10, 0x15);
    history(2, "this is not a history file\n");

    assertThatThrownBy(this::plan)
        .isInstanceOf(RepositoryCorruptException.class)
        .hasMessageContaining("wal/db1/history/00000002.history");
  }

  @Test
  void nothingStoredDeletesNothing() {
    WalRetention.Result r = plan();

    assertThat(r.segments()).isEmpty();
    assertThat(r.plan().keepFromSegment()).isEqualTo(name(1, 0x14));
    assertThat(List.of(r.plan().segments(), r.plan().bytes())).containsOnly(0L);
  }
}
