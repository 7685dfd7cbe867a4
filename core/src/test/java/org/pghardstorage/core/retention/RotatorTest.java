package org.pghardstorage.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.restore.FakeCluster.DB1;
import static org.pghardstorage.core.retention.RotationFixture.segment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.LockKind;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryErrors;
import org.pghardstorage.core.repo.RepositoryLock;
import org.pghardstorage.core.repo.WalEntry;
import org.pghardstorage.core.restore.FakeCluster;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.wal.WalAudit;

/** Planning and applying retention on fake clusters backed up with the real writer. */
class RotatorTest {
  private static final GfsPolicy TWO_HOURLY = new GfsPolicy(2, 0, 0, 0, 0);

  @TempDir Path tmp;
  private final MemoryObjectStore store = new MemoryObjectStore("rotate");
  private final RotationFixture fixture = new RotationFixture();
  private final Repository repo = RotationFixture.init(store);

  @AfterEach
  void close() {
    repo.close();
  }

  private Rotator rotator() {
    return new Rotator(repo, RotationFixture.CLOCK);
  }

  @Test
  void theOneDocumentOfADryRunAndOfTheApplyingAgree() {
    Map<String, BackupId> b = fixture.fourHourly(repo);
    RetentionPlan plan = rotator().plan(DB1, TWO_HOURLY);
    RotationResult done = rotator().apply(DB1, TWO_HOURLY, plan);

    com.fasterxml.jackson.databind.JsonNode dry =
        org.pghardstorage.core.json.ResultJson.mapper()
            .valueToTree(RotationDocument.of(plan, java.util.Optional.empty()));
    com.fasterxml.jackson.databind.JsonNode applied =
        org.pghardstorage.core.json.ResultJson.mapper()
            .valueToTree(RotationDocument.of(done.plan(), java.util.Optional.of(done)));

    assertThat(dry.path("applied").asBoolean()).isFalse();
    assertThat(applied.path("applied").asBoolean()).isTrue();
    for (com.fasterxml.jackson.databind.JsonNode doc : List.of(dry, applied)) {
      assertThat(doc.path("deployment").asText()).isEqualTo("db1");
      assertThat(doc.path("backups").findValuesAsText("backup_id"))
          .containsExactly(
              b.get("b1").value(), b.get("b2").value(), b.get("b3").value(), b.get("b4").value());
      assertThat(doc.path("backups").findValuesAsText("action"))
          .containsExactly("delete", "delete", "keep", "keep");
      assertThat(doc.path("backups_deleted").asInt()).isEqualTo(2);
    }
    assertThat(applied.path("packs").path("packs_deleted").asLong())
        .isEqualTo(done.garbage().packsDeleted());
  }

  @Test
  void thePlanNamesWhatGoesAndWhatStays() {
    Map<String, BackupId> b = fixture.fourHourly(repo);

    RetentionPlan plan = rotator().plan(DB1, TWO_HOURLY);

    assertThat(plan.deployment()).isEqualTo("db1");
    assertThat(plan.plannedAt()).isEqualTo(RotationFixture.CLOCK.instant());
    assertThat(plan.keep())
        .extracting(RetentionPlan.KeptBackup::backupId)
        .containsExactly(b.get("b3").value(), b.get("b4").value());
    assertThat(plan.keep().get(1).keptBy())
        .extracting(KeepReason::toString)
        .containsExactly("newest", "hourly 2026-11-30T14:00Z");
    assertThat(plan.keep().get(0).startLsn()).isEqualTo("0/01400028");
    assertThat(plan.delete())
        .extracting(RetentionPlan.DeletedBackup::backupId)
        .containsExactly(b.get("b1").value(), b.get("b2").value());
    assertThat(plan.wal().keepFromSegment()).isEqualTo(segment(1, 0x14));
    assertThat(plan.wal().segments()).isEqualTo(4);
    assertThat(plan.wal().timelines())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.firstSegment()).isEqualTo(segment(1, 0x10));
              assertThat(t.lastSegment()).isEqualTo(segment(1, 0x13));
            });
    assertThat(plan.packs().packs()).isPositive();
    assertThat(plan.packs().bytes()).isPositive();
    assertThat(plan.packs().safe()).isTrue();
    RetentionPlan.PitrWindow w = plan.pitrWindow();
    assertThat(w.fromBackup()).isEqualTo(b.get("b3").value());
    assertThat(w.fromLsn()).isEqualTo("0/01400028");
    assertThat(w.toTimeline()).isEqualTo(1);
    assertThat(w.toSegment()).isEqualTo(segment(1, 0x19));
    assertThat(w.toSegmentPartial()).isTrue();
    assertThat(w.gaps()).isEmpty();
  }

  @Test
  void planningDeletesNothingAndTakesNoLock() {
    fixture.fourHourly(repo);
    List<ObjectInfo> before = store.list("");

    rotator().plan(DB1, new GfsPolicy(1, 0, 0, 0, 0));

    assertThat(store.list("")).isEqualTo(before);
  }

  @Test
  void applyingDeletesExactlyWhatThePlanNamedAndKeepsTheRestRestorable() {
    Map<String, BackupId> b = fixture.fourHourly(repo);
    RetentionPlan plan = rotator().plan(DB1, TWO_HOURLY);

    RotationResult result = rotator().apply(DB1, TWO_HOURLY);

    assertThat(result.plan()).as("planned again under the lock, same answer").isEqualTo(plan);
    assertThat(result.backupsDeleted())
        .containsExactlyElementsOf(
            plan.delete().stream().map(RetentionPlan.DeletedBackup::backupId).toList());
    assertThat(result.walSegmentsDeleted()).isEqualTo(plan.wal().segments());
    assertThat(result.walBytesDeleted()).isEqualTo(plan.wal().bytes());
    assertThat(result.garbage().packsDeleted()).isEqualTo(plan.packs().packs());
    assertThat(result.garbage().packBytesDeleted()).isEqualTo(plan.packs().bytes());

    assertThat(repo.listBackups(DB1)).containsExactly(b.get("b3"), b.get("b4"));
    assertThat(repo.wal(DB1).listSegments(1))
        .extracting(WalEntry::name)
        .first()
        .isEqualTo(segment(1, 0x14));
    assertThat(Set.copyOf(repo.listPacks())).isEqualTo(repo.referencedPacks());
    assertThat(WalAudit.run(repo, DB1).gaps()).isEmpty();
    for (String kept : List.of("b3", "b4")) {
      RotationFixture.assertVerifies(repo, b.get(kept));
      fixture.assertRestores(repo, b.get(kept), tmp.resolve(kept));
    }
    // Applying the same policy again finds nothing more to do.
    RotationResult again = rotator().apply(DB1, TWO_HOURLY);
    assertThat(again.backupsDeleted()).isEmpty();
    assertThat(again.walSegmentsDeleted()).isZero();
    assertThat(again.garbage().packsDeleted()).isZero();
  }

  @Test
  void walOfAbandonedTimelinesGoesOnlyWhenItAllPrecedesTheKeptBackups() {
    fixture.backup(repo, 1, "2026-11-30T10:00:00Z", 0x10, 1);
    BackupId kept = fixture.backup(repo, 2, "2026-11-30T11:00:00Z", 0x14, 1);
    BackupId newest = fixture.backup(repo, 3, "2026-11-30T12:00:00Z", 0x17, 4);
    FakeCluster.archiveWal(repo, 1, 0x10, 0x16);
    history(2, "1\t0/1280000\tabandoned early\n");
    FakeCluster.archiveWal(repo, 2, 0x12, 0x13);
    history(3, "1\t0/1580000\tabandoned late\n");
    FakeCluster.archiveWal(repo, 3, 0x15, 0x17);
    history(4, "1\t0/1680000\tno recovery target specified\n");
    FakeCluster.archiveWal(repo, 4, 0x16, 0x18);

    RetentionPlan plan = rotator().plan(DB1, TWO_HOURLY);
    RotationResult result = rotator().apply(DB1, TWO_HOURLY);

    assertThat(plan.wal().historyFiles()).containsExactly(2L);
    assertThat(result.historyFilesDeleted()).containsExactly(2L);
    assertThat(repo.wal(DB1).listTimelines()).containsExactly(1L, 3L, 4L);
    assertThat(repo.wal(DB1).listHistories()).containsExactly(3L, 4L);
    assertThat(repo.wal(DB1).listSegments(1))
        .extracting(WalEntry::name)
        .containsExactly(segment(1, 0x14), segment(1, 0x15), segment(1, 0x16));
    assertThat(repo.wal(DB1).listSegments(3)).hasSize(3);
    assertThat(plan.pitrWindow().toTimeline()).isEqualTo(4);
    assertThat(plan.pitrWindow().gaps()).isEmpty();
    RotationFixture.assertVerifies(repo, kept);
    RotationFixture.assertVerifies(repo, newest);
    fixture.assertRestores(repo, newest, tmp.resolve("newest"));
  }

  @Test
  void aRunningBackupRestoreOrVerifyMakesApplyingFailBeforeItDeletesAnything() {
    fixture.fourHourly(repo);
    List<ObjectInfo> before = store.list("");
    try (Repository other = Repository.open(store, RotationFixture.open());
        RepositoryLock restore = other.lock(LockKind.SHARED, "restore db1 20261130T140000Z")) {

      assertThatThrownBy(() -> rotator().apply(DB1, TWO_HOURLY))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo(RepositoryErrors.LOCKED);
                assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
                assertThat(e.getMessage()).contains("restore db1 20261130T140000Z");
              });
      assertThat(store.list(""))
          .filteredOn(i -> !i.key().value().startsWith("locks/"))
          .isEqualTo(before);
    }
  }

  @Test
  void aRunningStreamerDoesNotStopARotation() {
    Map<String, BackupId> b = fixture.fourHourly(repo);
    try (Repository streamer = Repository.open(store, RotationFixture.open());
        RepositoryLock lock = streamer.lock(LockKind.WAL_APPEND, "WAL streamer of db1")) {

      RotationResult result = rotator().apply(DB1, TWO_HOURLY);

      assertThat(result.backupsDeleted()).hasSize(2);
      assertThat(lock.isHeld()).isTrue();
      // the streamer keeps appending at the head meanwhile
      streamer.wal(DB1).putSegment(segment(1, 0x19), FakeCluster.walSegment(1, 0x19));
    }
    assertThat(repo.listBackups(DB1)).containsExactly(b.get("b3"), b.get("b4"));
    assertThat(WalAudit.run(repo, DB1).gaps()).isEmpty();
  }

  @Test
  void referencedChunksWithoutIndexEntriesStopTheRotationBeforeAnyDeletion() {
    fixture.fourHourly(repo);
    for (ObjectInfo i : store.list("index/")) {
      store.delete(i.key());
    }
    assertRefusedAsUnsafeBeforeAnyDeletion("chunk(s) named by backups have no index entry");
  }

  @Test
  void aDamagedIndexObjectStopsTheRotationBeforeAnyDeletion() {
    fixture.fourHourly(repo);
    ObjectInfo index = store.list("index/").get(0);
    byte[] damaged = store.get(index.key());
    damaged[damaged.length / 2] ^= 0x02;
    store.put(index.key(), damaged);
    assertRefusedAsUnsafeBeforeAnyDeletion(index.key().value());
  }

  private void assertRefusedAsUnsafeBeforeAnyDeletion(String why) {
    try (Repository fresh = Repository.open(store, RotationFixture.open())) {
      Rotator rotator = new Rotator(fresh, RotationFixture.CLOCK);
      assertThat(rotator.plan(DB1, TWO_HOURLY).packs().safe()).isFalse();
      List<ObjectInfo> before = store.list("");

      assertThatThrownBy(() -> rotator.apply(DB1, TWO_HOURLY))
          .hasFieldOrPropertyWithValue("code", RepositoryErrors.GC_UNSAFE)
          .hasFieldOrPropertyWithValue("exitCode", ExitCode.VERIFY_FAILED)
          .hasMessageContaining(why);
      assertThat(store.list("")).isEqualTo(before);
    }
  }

  @Test
  void aDeploymentWithoutBackupsHasNothingToRotate() {
    FakeCluster.archiveWal(repo, 1, 0x10, 0x11);

    assertThatThrownBy(() -> rotator().plan(DB1, TWO_HOURLY))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RetentionErrors.NO_BACKUPS);
              assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
            });
    assertThat(repo.wal(DB1).listSegments(1)).hasSize(2);
  }

  @Test
  void oneDailyKeepsOnlyTheNewestBackupOfTheDay() {
    Map<String, BackupId> b = fixture.fourHourly(repo);

    RotationResult r = rotator().apply(DB1, new GfsPolicy(0, 1, 0, 0, 0));

    assertThat(repo.listBackups(DB1)).containsExactly(b.get("b4"));
    assertThat(r.plan().wal().keepFromSegment()).isEqualTo(segment(1, 0x16));
    RotationFixture.assertVerifies(repo, b.get("b4"));
  }

  @Test
  void aReviewedPlanIsAppliedOnlyIfTheLockedPlanDeletesNothingMore() {
    Map<String, BackupId> b = fixture.fourHourly(repo);
    RetentionPlan reviewed = rotator().plan(DB1, TWO_HOURLY);
    // a new backup pushes b3 out of the two newest hours after the review
    BackupId b5 = fixture.backup(repo, 5, "2026-11-30T15:00:00Z", 0x18, 1);
    List<ObjectInfo> before = store.list("");

    assertThatThrownBy(() -> rotator().apply(DB1, TWO_HOURLY, reviewed))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RetentionErrors.PLAN_CHANGED);
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
              assertThat(e.getMessage()).contains(b.get("b3").value());
            });
    assertThat(store.list("")).isEqualTo(before);

    RetentionPlan again = rotator().plan(DB1, TWO_HOURLY);
    RotationResult r = rotator().apply(DB1, TWO_HOURLY, again);
    assertThat(r.backupsDeleted())
        .containsExactly(b.get("b1").value(), b.get("b2").value(), b.get("b3").value());
    assertThat(repo.listBackups(DB1)).containsExactly(b.get("b4"), b5);
    assertThatThrownBy(() -> rotator().apply(DB1, new GfsPolicy(3, 0, 0, 0, 0), again))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String dryRunDocument(RetentionPlan plan) {
    return org.pghardstorage.core.json.ResultJson.write(
        RotationDocument.of(plan, java.util.Optional.empty()));
  }

  @Test
  void theDocumentOfADryRunIsAppliedExactly() {
    Map<String, BackupId> b = fixture.fourHourly(repo);
    ReviewedRotation reviewed =
        ReviewedRotation.fromDocument(dryRunDocument(rotator().plan(DB1, TWO_HOURLY)), "job run 7");
    assertThat(reviewed.deleted())
        .containsExactlyInAnyOrder(b.get("b1").value(), b.get("b2").value());
    assertThat(reviewed.policy()).isEqualTo(TWO_HOURLY);

    RotationResult r = rotator().apply(DB1, TWO_HOURLY, reviewed);

    assertThat(r.backupsDeleted()).containsExactly(b.get("b1").value(), b.get("b2").value());
    assertThat(repo.listBackups(DB1)).containsExactly(b.get("b3"), b.get("b4"));
  }

  @Test
  void aReviewedPlanIsNotAppliedWhenTheLockedPlanWouldKeepABackupItDeleted() {
    Map<String, BackupId> b = fixture.fourHourly(repo);
    ReviewedRotation reviewed =
        ReviewedRotation.fromDocument(dryRunDocument(rotator().plan(DB1, TWO_HOURLY)), "job run 7");
    // b4 disappears after the review: now the two newest hours are b2 and b3, so b2 is kept
    repo.deleteBackup(DB1, b.get("b4"));
    List<ObjectInfo> before = store.list("");

    assertThatThrownBy(() -> rotator().apply(DB1, TWO_HOURLY, reviewed))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(RetentionErrors.PLAN_CHANGED);
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
              assertThat(e.getMessage())
                  .contains("now it would keep backups [" + b.get("b2").value() + "]")
                  .contains("nothing was deleted");
            });
    assertThat(store.list("")).isEqualTo(before);
  }

  @Test
  void aReviewedPlanOfAnotherPolicyOrDeploymentIsRefusedBeforeAnyDeletion() {
    fixture.fourHourly(repo);
    ReviewedRotation reviewed =
        ReviewedRotation.fromDocument(dryRunDocument(rotator().plan(DB1, TWO_HOURLY)), "job run 7");
    List<ObjectInfo> before = store.list("");

    assertThatThrownBy(() -> rotator().apply(DB1, new GfsPolicy(3, 0, 0, 0, 0), reviewed))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo(RetentionErrors.PLAN_CHANGED));
    ReviewedRotation other =
        new ReviewedRotation("db2", TWO_HOURLY, reviewed.deleted(), reviewed.keepFromLsn());
    assertThatThrownBy(() -> rotator().apply(DB1, TWO_HOURLY, other))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ReviewedRotation.INVALID);
              assertThat(e.getMessage()).contains("db2");
            });
    assertThat(store.list("")).isEqualTo(before);
  }

  @Test
  void onlyTheDocumentOfADryRunIsAReviewedPlan() {
    fixture.fourHourly(repo);
    RetentionPlan plan = rotator().plan(DB1, TWO_HOURLY);
    String applied =
        org.pghardstorage.core.json.ResultJson.write(
            RotationDocument.of(plan, java.util.Optional.of(rotator().apply(DB1, TWO_HOURLY))));
    String dry = dryRunDocument(plan);

    for (Map.Entry<String, String> bad :
        Map.of(
                "BACKUP-20261201",
                "it applied a rotation",
                "not json",
                "not JSON",
                "[1]",
                "not a rotation document",
                dry.replace("\"keep_from_lsn\"", "\"x\""),
                "keep_from_lsn",
                dry.replace("\"action\":\"delete\"", "\"action\":\"maybe\""),
                "unknown action maybe",
                dry.replace("\"hourly\":2", "\"hourly\":\"2\""),
                "\"hourly\"")
            .entrySet()) {
      String json = bad.getKey().equals("BACKUP-20261201") ? applied : bad.getKey();
      assertThatThrownBy(() -> ReviewedRotation.fromDocument(json, "job run 9"))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ReviewedRotation.INVALID);
                assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                assertThat(e.getMessage()).contains("job run 9").contains(bad.getValue());
              });
    }
  }

  private void history(long tli, String content) {
    repo.wal(DB1).putHistory(tli, content.getBytes(StandardCharsets.US_ASCII));
  }
}
