package org.pghardstorage.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.ChunkLocation;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.restore.BackupSelector;
import org.pghardstorage.core.restore.FakeCluster;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * The stepwise verification finds exactly what the one-shot {@link Verifier} finds, in the same
 * order, and resumes from a serialised tally as if it had never stopped.
 */
class VerificationPlanTest {
  private final MemoryObjectStore store = new MemoryObjectStore("plan");
  private Repository repo;
  private FakeCluster.Committed committed;

  @BeforeEach
  void backup() {
    repo = Repository.init(store, FakeCluster.smallRepository(), OpenOptions.defaults());
    committed = FakeCluster.typical().commit(repo, VerifierTest.ID);
    FakeCluster.archiveWal(repo);
  }

  @AfterEach
  void close() {
    repo.close();
  }

  @Test
  void unitsArePacksThenFilesThenWalInAStableOrder() {
    VerificationPlan plan = prepare();
    List<VerificationPlan.Unit> units = plan.units();

    assertThat(units).isNotEmpty();
    assertThat(units.stream().map(VerificationPlan.Unit::kind).distinct())
        .containsExactly(
            VerificationPlan.UnitKind.PACK,
            VerificationPlan.UnitKind.FILE,
            VerificationPlan.UnitKind.WAL_SEGMENT);
    for (int i = 0; i < units.size(); i++) {
      assertThat(units.get(i).index()).isEqualTo(i);
    }
    assertThat(prepare().units()).isEqualTo(units);
    assertThat(units.stream().filter(u -> u.kind() == VerificationPlan.UnitKind.WAL_SEGMENT))
        .hasSize(2);
  }

  @Test
  void anIntactBackupGivesTheVerifiersReport() {
    VerifyReport stepwise = runAll(prepare(), new VerificationPlan.Tally(), 0);

    assertThat(stepwise.ok()).isTrue();
    assertSameFindings(stepwise, oneShot());
  }

  @Test
  void aDamagedPackIsReportedOnceAndItsFilesAreNotReread() {
    FileEntry shared = file("base/1/16384");
    ChunkRef chunk = shared.chunks().get(1);
    ChunkLocation loc = repo.openChunkReader().locate(chunk.id()).orElseThrow();
    byte[] bytes = store.get(loc.pack().key());
    bytes[(int) loc.offset() + 10] ^= 0x5a;
    store.put(loc.pack().key(), bytes);

    VerifyReport stepwise = runAll(prepare(), new VerificationPlan.Tally(), 0);

    assertThat(stepwise.ok()).isFalse();
    assertSameFindings(stepwise, oneShot());
  }

  @Test
  void aMissingWalSegmentIsFoundStepwiseToo() {
    store.delete(ObjectKey.of("wal/db1/00000001/000000010000000000000021"));

    VerifyReport stepwise = runAll(prepare(), new VerificationPlan.Tally(), 0);

    assertThat(stepwise.problems())
        .extracting(VerifyProblem::kind)
        .containsExactly(VerifyProblem.Kind.WAL_SEGMENT_MISSING);
    assertSameFindings(stepwise, oneShot());
  }

  @Test
  void resumesFromASerialisedTallyWithoutRecheckingEarlierUnits() throws Exception {
    VerificationPlan first = prepare();
    VerificationPlan.Tally tally = new VerificationPlan.Tally();
    int stopAt = first.units().size() / 2;
    for (VerificationPlan.Unit u : first.units().subList(0, stopAt)) {
      tally.add(u, first.check(u, tally.damagedChunks()));
    }
    VerificationPlan.Tally restored = roundTrip(tally);
    assertThat(restored.checked()).isEqualTo(stopAt);

    VerificationPlan second = prepare();
    VerifyReport resumed = runAll(second, restored, restored.checked());

    assertSameFindings(resumed, oneShot());
  }

  @Test
  void unitsMustBeAddedInOrderAndAllCheckedBeforeReporting() {
    VerificationPlan plan = prepare();
    VerificationPlan.Tally tally = new VerificationPlan.Tally();
    VerificationPlan.Unit second = plan.units().get(1);

    assertThatThrownBy(() -> tally.add(second, plan.check(second, tally.damagedChunks())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expected unit 0");
    assertThatThrownBy(() -> plan.report(tally, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("0 of " + plan.units().size());
    assertThatThrownBy(
            () ->
                plan.check(
                    new VerificationPlan.Unit(0, VerificationPlan.UnitKind.FILE, "x"),
                    tally.damagedChunks()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private VerificationPlan prepare() {
    return VerificationPlan.prepare(repo, FakeCluster.DB1, BackupSelector.latest());
  }

  private VerifyReport oneShot() {
    return new Verifier(repo)
        .verify(new VerifyRequest(FakeCluster.DB1, BackupSelector.latest(), 3), p -> {});
  }

  private static VerifyReport runAll(
      VerificationPlan plan, VerificationPlan.Tally tally, int from) {
    for (VerificationPlan.Unit u : plan.units().subList(from, plan.units().size())) {
      tally.add(u, plan.check(u, tally.damagedChunks()));
    }
    return plan.report(tally, 0);
  }

  private static void assertSameFindings(VerifyReport actual, VerifyReport expected) {
    assertThat(actual.problems()).isEqualTo(expected.problems());
    assertThat(actual.packsChecked()).isEqualTo(expected.packsChecked());
    assertThat(actual.chunksChecked()).isEqualTo(expected.chunksChecked());
    assertThat(actual.filesChecked()).isEqualTo(expected.filesChecked());
    assertThat(actual.bytesChecked()).isEqualTo(expected.bytesChecked());
    assertThat(actual.walSegmentsChecked()).isEqualTo(expected.walSegmentsChecked());
  }

  private static VerificationPlan.Tally roundTrip(VerificationPlan.Tally tally)
      throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(tally);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (VerificationPlan.Tally) in.readObject();
    }
  }

  private FileEntry file(String path) {
    return committed.manifest().archives().stream()
        .flatMap(a -> a.files().stream())
        .filter(f -> f.path().equals(path))
        .findFirst()
        .orElseThrow();
  }
}
