package org.pghardstorage.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.wal.WalFixtures.DB;
import static org.pghardstorage.core.wal.WalFixtures.segment;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.MutableClock;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.restore.FakeCluster;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.wal.WalAudit.Gap;
import org.pghardstorage.core.wal.WalAudit.Impact;
import org.pghardstorage.core.wal.WalAudit.Report;
import org.pghardstorage.core.wal.WalAudit.TimelineCoverage;

/**
 * The gap audit over an in-memory archive: it must name every hole in the WAL the backups need, and
 * report none where recovery would not stop (a false alarm makes operators ignore the real one).
 * Backups start in segment 0x20 of timeline 1 ({@link FakeCluster}, 1 MiB segments). Segment n is
 * stored at {@link #at(long) at(n)}, n seconds after the test starts, so that the storage times the
 * audit reports are known (and stay within the clock skew the repository's locks tolerate).
 */
class WalAuditTest {
  /** Timeline 2 branched off timeline 1 a quarter into segment 0x22. */
  private static final String SWITCH = "0/2240000";

  private static final String HISTORY_2 = "1\t" + SWITCH + "\tno recovery target specified\n";

  /** The impact of a gap at or after the newest backup's start. */
  private static final Impact NEEDED = Impact.NEWEST_BACKUP;

  private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private final MutableClock clock = new MutableClock(BASE);
  private final Repository repo = WalFixtures.repository(new MemoryObjectStore("audit", clock));
  private final WalArchive archive = repo.wal(DB);

  private BackupManifest backup(int n, String start, String end, long tli) {
    BackupId id = BackupId.parse(String.format("20261130T1%d0000Z-aaaaa%c", n, (char) ('a' + n)));
    return FakeCluster.typical().withWal(start, end, tli).commit(repo, id).manifest();
  }

  private BackupManifest backup() {
    return backup(1, FakeCluster.START_LSN, FakeCluster.END_LSN, 1);
  }

  /**
   * Complete segments {@code from..to} of {@code tli}; their content is not the audit's business.
   */
  private void complete(long tli, long from, long to) {
    for (long n = from; n <= to; n++) {
      storingAt(n);
      archive.putSegment(segment(tli, n), new byte[] {(byte) n});
    }
  }

  private void partial(long tli, long n) {
    storingAt(n);
    archive.putPartial(segment(tli, n), new byte[] {(byte) n});
  }

  /** When segment {@code n} (of any timeline) is stored: n seconds after the start. */
  private static Instant at(long n) {
    return BASE.plus(Duration.ofSeconds(n));
  }

  private void storingAt(long n) {
    clock.advance(Duration.between(clock.instant(), at(n)));
  }

  /** Asserts on gaps by segments, reason and impact; the storage times have tests of their own. */
  private static ListAssert<Gap> assertGaps(List<Gap> gaps) {
    return assertThat(gaps)
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("storedBefore", "storedAfter");
  }

  private void history(long tli, String content) {
    archive.putHistory(tli, content.getBytes(StandardCharsets.UTF_8));
  }

  private Report audit() {
    return WalAudit.run(repo, DB);
  }

  @Test
  void contiguousWalEndingInAPartialIsWhole() {
    backup();
    complete(1, 0x20, 0x24);
    partial(1, 0x25);

    Report r = audit();

    assertThat(r.ok()).isTrue();
    assertThat(r.gaps()).isEmpty();
    assertThat(r.fromLsn()).isEqualTo(Lsn.parse(FakeCluster.START_LSN).toString());
    assertThat(r.timelines())
        .containsExactly(
            new TimelineCoverage(
                1, segment(1, 0x20), segment(1, 0x25), 6, true, null, at(0x20), at(0x25)));
    r.requireOk();
  }

  @Test
  void walBeforeTheOldestBackupIsNotRequired() {
    complete(1, 0x10, 0x12); // older WAL with holes, left by retention or never needed
    complete(1, 0x18, 0x18);
    backup();
    complete(1, 0x20, 0x21);

    assertThat(audit().gaps()).isEmpty();
  }

  @Test
  void aMissingSegmentInTheMiddleIsAGap() {
    backup();
    complete(1, 0x20, 0x21);
    complete(1, 0x23, 0x24);

    Report r = audit();

    assertThat(r.ok()).isFalse();
    assertGaps(r.gaps())
        .containsExactly(new Gap(1, segment(1, 0x22), segment(1, 0x22), "missing", NEEDED));
    assertThat(r.timelines().get(0).segments()).isEqualTo(4);
  }

  @Test
  void consecutiveMissingSegmentsAreOneGapAndSeparateHolesAreNamedEach() {
    backup();
    complete(1, 0x20, 0x20);
    complete(1, 0x24, 0x25);
    complete(1, 0x27, 0x27);

    assertGaps(audit().gaps())
        .containsExactly(
            new Gap(1, segment(1, 0x21), segment(1, 0x23), "missing", NEEDED),
            new Gap(1, segment(1, 0x26), segment(1, 0x26), "missing", NEEDED));
  }

  @Test
  void theBackupsOwnFirstSegmentMissingIsAGap() {
    backup();
    complete(1, 0x1E, 0x1F);
    complete(1, 0x21, 0x22);

    assertGaps(audit().gaps())
        .containsExactly(new Gap(1, segment(1, 0x20), segment(1, 0x20), "missing", NEEDED));
  }

  @Test
  void aPartialFollowedByLaterWalIsAGap() {
    backup();
    complete(1, 0x20, 0x21);
    partial(1, 0x22);
    complete(1, 0x23, 0x23);

    assertGaps(audit().gaps())
        .containsExactly(
            new Gap(
                1,
                segment(1, 0x22),
                segment(1, 0x22),
                "only a partial segment, but later WAL exists",
                NEEDED));
  }

  @Test
  void aPartialLeftBehindBesideItsCompleteSegmentIsNoGap() {
    backup();
    complete(1, 0x20, 0x22);
    partial(1, 0x21); // a crash between storing 0x21 and deleting its partial
    partial(1, 0x23);

    assertThat(audit().gaps()).isEmpty();
  }

  @Test
  void walTheNewestBackupNeedsMissingAtTheHeadIsAGap() {
    // The head of the archive is gone (a rolled-back bucket, a deleted object): nothing after it
    // shows the hole, but the newest backup's end LSN says how far the WAL must reach.
    backup(); // ends at 0/2100100, in segment 0x21
    complete(1, 0x20, 0x20);

    assertGaps(audit().gaps())
        .containsExactly(new Gap(1, segment(1, 0x21), segment(1, 0x21), "missing", NEEDED));
  }

  @Test
  void aHeadPartialShortOfTheNewestBackupsEndIsAGap() {
    BackupManifest m = backup();
    complete(1, 0x20, 0x20);
    archive.putPartial(segment(1, 0x21), new byte[0x80]);

    assertGaps(audit().gaps())
        .containsExactly(
            new Gap(
                1,
                segment(1, 0x21),
                segment(1, 0x21),
                "the partial segment ends at "
                    + Lsn.parse("0/2100080")
                    + ", before the end of backup "
                    + m.backupId()
                    + " at "
                    + Lsn.parse(FakeCluster.END_LSN),
                NEEDED));
  }

  @Test
  void aHeadPartialReachingTheNewestBackupsEndIsNoGap() {
    backup();
    complete(1, 0x20, 0x20);
    archive.putPartial(segment(1, 0x21), new byte[0x100]);

    assertThat(audit().gaps()).isEmpty();
  }

  @Test
  void aBackupWithNoWalStoredAtAllIsAGap() {
    backup();

    Report r = audit();

    assertGaps(r.gaps())
        .containsExactly(
            new Gap(1, segment(1, 0x20), segment(1, 0x20), "no WAL stored at all", NEEDED));
    assertThat(r.timelines()).isEmpty();
  }

  @Test
  void nothingStoredAndNoBackupIsNoGap() {
    Report r = audit();

    assertThat(r.ok()).isTrue();
    assertThat(r.timelines()).isEmpty();
  }

  @Test
  void withoutABackupTheWalIsAuditedFromItsFirstSegment() {
    complete(1, 0x05, 0x06);
    complete(1, 0x08, 0x08);

    assertGaps(audit().gaps())
        .containsExactly(new Gap(1, segment(1, 0x07), segment(1, 0x07), "missing", NEEDED));
  }

  @Test
  void aTimelineSwitchWithItsHistoryIsContinuous() {
    backup();
    complete(1, 0x20, 0x21);
    partial(1, 0x22); // timeline 1 up to the switch point, as the receiver leaves it
    history(2, HISTORY_2);
    complete(2, 0x22, 0x23);
    partial(2, 0x24);

    Report r = audit();

    assertThat(r.gaps()).isEmpty();
    assertThat(r.timelines())
        .containsExactly(
            new TimelineCoverage(
                1,
                segment(1, 0x20),
                segment(1, 0x22),
                3,
                true,
                Lsn.parse(SWITCH).toString(),
                at(0x20),
                at(0x22)),
            new TimelineCoverage(
                2, segment(2, 0x22), segment(2, 0x24), 3, true, null, at(0x22), at(0x24)));
  }

  @Test
  void aSwitchAtASegmentBoundaryNeedsNothingOfTheOldTimelineAtTheBoundary() {
    backup();
    complete(1, 0x20, 0x22);
    history(2, "1\t0/2300000\tno recovery target specified\n");
    complete(2, 0x23, 0x24);

    Report r = audit();

    assertThat(r.gaps()).isEmpty();
    assertThat(r.timelines().get(0).lastSegment()).isEqualTo(segment(1, 0x22));
    assertThat(r.timelines().get(1).firstSegment()).isEqualTo(segment(2, 0x23));
  }

  @Test
  void walTheOldPrimaryWrotePastTheSwitchPointIsNeitherRequiredNorAGap() {
    backup();
    complete(1, 0x20, 0x24); // timeline 1 went on after the failover...
    complete(1, 0x27, 0x27); // ...with a hole the new timeline does not care about
    history(2, HISTORY_2);
    complete(2, 0x22, 0x25);

    Report r = audit();

    assertThat(r.gaps()).isEmpty();
    assertThat(r.timelines().get(0).lastSegment()).isEqualTo(segment(1, 0x22));
    assertThat(r.timelines().get(0).endsWithPartial()).isFalse();
  }

  @Test
  void aHoleOnTheOldTimelineBeforeTheSwitchIsAGap() {
    backup();
    complete(1, 0x20, 0x20);
    partial(1, 0x22);
    history(2, HISTORY_2);
    complete(2, 0x22, 0x23);

    assertGaps(audit().gaps())
        .containsExactly(new Gap(1, segment(1, 0x21), segment(1, 0x21), "missing", NEEDED));
  }

  @Test
  void theOldTimelinesSwitchSegmentMissingIsAGap() {
    backup();
    complete(1, 0x20, 0x21);
    history(2, HISTORY_2);
    complete(2, 0x22, 0x23);

    assertGaps(audit().gaps())
        .containsExactly(new Gap(1, segment(1, 0x22), segment(1, 0x22), "missing", NEEDED));
  }

  @Test
  void theNewTimelinesFirstSegmentMissingIsAGap() {
    backup();
    complete(1, 0x20, 0x21);
    partial(1, 0x22);
    history(2, HISTORY_2);
    complete(2, 0x23, 0x24);

    assertGaps(audit().gaps())
        .containsExactly(new Gap(2, segment(2, 0x22), segment(2, 0x22), "missing", NEEDED));
  }

  @Test
  void aNewerTimelineWithoutItsHistoryCannotBeProvenContinuous() {
    backup();
    complete(1, 0x20, 0x21);
    partial(1, 0x22);
    complete(2, 0x22, 0x23); // the history file of timeline 2 is missing

    Report r = audit();

    assertThat(r.ok()).isFalse();
    assertGaps(r.gaps())
        .containsExactly(new Gap(2, segment(2, 0x20), segment(2, 0x21), "missing", NEEDED));
  }

  @Test
  void anAbandonedBranchIsNotRequired() {
    backup();
    complete(1, 0x20, 0x23);
    // timeline 2 branched in 0x22 and was abandoned with a hole; timeline 3 branched later
    history(2, HISTORY_2);
    complete(2, 0x22, 0x22);
    complete(2, 0x24, 0x24);
    history(3, "1\t0/2380000\tno recovery target specified\n");
    complete(3, 0x23, 0x25);

    Report r = audit();

    assertThat(r.gaps()).isEmpty();
    assertThat(r.timelines()).extracting(TimelineCoverage::timeline).containsExactly(1L, 3L);
  }

  @Test
  void aBackupTakenAfterTheSwitchNeedsNothingOfTheOldTimeline() {
    complete(1, 0x10, 0x10); // timeline 1, holes and all, lies before the only backup
    history(2, HISTORY_2);
    backup(1, "0/2300028", "0/2400100", 2);
    complete(2, 0x23, 0x25);

    Report r = audit();

    assertThat(r.gaps()).isEmpty();
    assertThat(r.timelines()).extracting(TimelineCoverage::timeline).containsExactly(2L);
  }

  @Test
  void theOldestBackupSetsTheStartAndAnAuditFromALaterOneIgnoresWhatLiesBefore() {
    backup(1, FakeCluster.START_LSN, FakeCluster.END_LSN, 1);
    BackupManifest later = backup(2, "0/2400028", "0/2500100", 1);
    complete(1, 0x20, 0x21);
    complete(1, 0x24, 0x26); // 0x22 and 0x23 are gone

    assertGaps(audit().gaps())
        .containsExactly(
            new Gap(1, segment(1, 0x22), segment(1, 0x23), "missing", Impact.BEFORE_NEWEST_BACKUP));
    assertThat(WalAudit.run(repo, DB, later).gaps()).isEmpty();
  }

  @Test
  void theWalBetweenBackupsTakenWithoutAStreamerIsAGapBeforeTheNewestBackup() {
    // each backup stores only the WAL it needs; nothing kept the WAL between them
    backup(1, FakeCluster.START_LSN, FakeCluster.END_LSN, 1);
    complete(1, 0x20, 0x21);
    backup(2, "0/2400028", "0/2500100", 1);
    complete(1, 0x24, 0x25);

    Report r = audit();

    assertGaps(r.gaps())
        .containsExactly(
            new Gap(1, segment(1, 0x22), segment(1, 0x23), "missing", Impact.BEFORE_NEWEST_BACKUP));
    assertThat(r.ok()).isFalse();
    assertThat(r.newestBackupOk()).isTrue();
    assertThatThrownBy(r::requireOk)
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e ->
                assertThat(e.suggestion().orElseThrow())
                    .contains("before the newest backup, which restores")
                    .contains("pg_hardstorage wal stream " + DB));
  }

  @Test
  void aGapReachingIntoTheNewestBackupsFirstSegmentStopsTheNewestBackup() {
    backup(1, FakeCluster.START_LSN, FakeCluster.END_LSN, 1);
    complete(1, 0x20, 0x21);
    backup(2, "0/2400028", "0/2500100", 1);
    complete(1, 0x25, 0x25); // 0x24 holds the newest backup's start

    Report r = audit();

    assertGaps(r.gaps())
        .containsExactly(new Gap(1, segment(1, 0x22), segment(1, 0x24), "missing", NEEDED));
    assertThat(r.newestBackupOk()).isFalse();
  }

  @Test
  void aGapAfterTheNewestBackupStopsRecoveryToTheLatestMoment() {
    // the streamer started well after the newest backup: recovery from it stops at the gap
    backup();
    complete(1, 0x20, 0x21);
    complete(1, 0x25, 0x26);

    Report r = audit();

    assertGaps(r.gaps())
        .containsExactly(new Gap(1, segment(1, 0x22), segment(1, 0x24), "missing", NEEDED));
    assertThat(r.newestBackupOk()).isFalse();
    assertThatThrownBy(r::requireOk)
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e ->
                assertThat(e.suggestion().orElseThrow())
                    .contains("take a new base backup (pg_hardstorage backup " + DB + ")"));
  }

  @Test
  void withoutABackupEveryGapCountsAgainstTheNewestBackup() {
    complete(1, 0x05, 0x05);
    complete(1, 0x07, 0x07);

    assertThat(audit().newestBackupOk()).isFalse();
  }

  @Test
  void requireOkNamesTheGapsWithExitNine() {
    backup();
    complete(1, 0x20, 0x20);
    complete(1, 0x23, 0x23);

    assertThatThrownBy(() -> audit().requireOk())
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("wal.gap_found");
              assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
            })
        .hasMessageContaining("1 gap(s)")
        .hasMessageContaining(segment(1, 0x21) + ".." + segment(1, 0x22) + ": missing");
  }

  @Test
  void aGapCarriesTheStorageTimesOfTheSegmentsEitherSide() {
    backup();
    complete(1, 0x20, 0x21);
    complete(1, 0x24, 0x25);
    partial(1, 0x26);

    Report r = audit();

    assertThat(r.gaps())
        .containsExactly(
            new Gap(1, segment(1, 0x22), segment(1, 0x23), "missing", NEEDED, at(0x21), at(0x24)));
    assertThat(r.timelines().get(0).firstStoredAt()).isEqualTo(at(0x20));
    assertThat(r.timelines().get(0).lastStoredAt()).isEqualTo(at(0x26));
  }

  @Test
  void storageTimesAreTheEarliestAndLatestInTheRequiredRangeWhateverTheOrderOfStoring() {
    backup();
    complete(1, 0x22, 0x23); // stored first, say by the streamer
    complete(1, 0x10, 0x10); // before the oldest backup: not in the range, not in the times
    storingAt(0x30);
    archive.putSegment(segment(1, 0x21), new byte[] {0x21}); // stored late, as by a backfill
    storingAt(0x31);
    archive.putSegment(segment(1, 0x20), new byte[] {0x20});

    TimelineCoverage t = audit().timelines().get(0);

    assertThat(t.firstStoredAt()).isEqualTo(at(0x22));
    assertThat(t.lastStoredAt()).isEqualTo(at(0x31));
  }

  @Test
  void aGapAtTheStartOfTheRangeHasNoStorageTimeBefore() {
    backup();
    complete(1, 0x1f, 0x1f); // before the range, but the segment just before the gap
    complete(1, 0x22, 0x22);

    Gap g = audit().gaps().get(0);

    assertThat(g.fromSegment()).isEqualTo(segment(1, 0x20));
    assertThat(g.storedBefore()).isEqualTo(at(0x1f));
    assertThat(g.storedAfter()).isEqualTo(at(0x22));
  }

  @Test
  void thereAreNoStorageTimesWithoutStoredWal() {
    backup();

    Report r = audit();

    assertThat(r.gaps().get(0).storedBefore()).isNull();
    assertThat(r.gaps().get(0).storedAfter()).isNull();
  }

  @Test
  void theJsonOfTheReportKeepsItsFieldsAndAddsTheStorageTimes() {
    backup();
    complete(1, 0x20, 0x20);
    complete(1, 0x22, 0x22);

    var json = org.pghardstorage.core.json.ResultJson.tree(audit());

    assertThat(json.get("timelines").get(0).get("first_segment").asText())
        .isEqualTo(segment(1, 0x20));
    assertThat(json.get("timelines").get(0).get("first_stored_at").asText())
        .isEqualTo(at(0x20).toString());
    assertThat(json.get("timelines").get(0).get("last_stored_at").asText())
        .isEqualTo(at(0x22).toString());
    assertThat(json.get("gaps").get(0).get("from_segment").asText()).isEqualTo(segment(1, 0x21));
    assertThat(json.get("gaps").get(0).get("stored_before").asText())
        .isEqualTo(at(0x20).toString());
    assertThat(json.get("gaps").get(0).get("stored_after").asText()).isEqualTo(at(0x22).toString());
  }
}
