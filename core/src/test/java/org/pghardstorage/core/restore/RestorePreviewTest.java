package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.core.restore.RestoreFixture.id;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.json.ResultJson;
import org.pghardstorage.core.repo.ChunkReader;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.storage.FaultInjectingObjectStore;
import org.pghardstorage.core.storage.StorageOperation;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/** The preview writes nothing, counts what a restore would do, and finds missing WAL. */
class RestorePreviewTest {
  @TempDir Path tmp;
  private final MemoryObjectStore memory = new MemoryObjectStore("preview");
  private final FaultInjectingObjectStore store = new FaultInjectingObjectStore(memory);
  private Repository repo;
  private FakeCluster.Committed committed;

  @BeforeEach
  void backup() {
    repo = RestoreFixture.init(store);
    committed = FakeCluster.typical().commit(repo, id(1));
    FakeCluster.archiveWal(repo);
  }

  @AfterEach
  void close() {
    repo.close();
  }

  @Test
  void previewsWithoutWritingAnything() throws Exception {
    Path data = tmp.resolve("data");
    int writes = store.calls(StorageOperation.PUT) + store.calls(StorageOperation.PUT_IF_ABSENT);

    RestorePreview p =
        RestoreFixture.restorer(repo, tmp.resolve("home"))
            .preview(RestoreFixture.request(data, tmp.resolve("ts")).build());

    assertThat(data).doesNotExist();
    assertThat(store.calls(StorageOperation.PUT) + store.calls(StorageOperation.PUT_IF_ABSENT))
        .as("no lock or other object written")
        .isEqualTo(writes);
    assertThat(p.backupId()).isEqualTo(id(1).value());
    assertThat(p.selector()).isEqualTo("latest");
    assertThat(p.target()).isEqualTo(data.toString());
    assertThat(p.files())
        .isEqualTo(
            RestorerTest.countFiles(FakeCluster.typical().base())
                + RestorerTest.countFiles(FakeCluster.typical().tablespace()));
    assertThat(p.bytes()).isEqualTo(committed.manifest().stats().bytesRead());
    assertThat(p.storedBytes()).isEqualTo(distinctStoredBytes());
    assertThat(p.packs()).isPositive();
    assertThat(p.tablespaces())
        .containsExactly(
            new TablespaceTarget(
                FakeCluster.TS_OID, FakeCluster.TS_LOCATION, tmp.resolve("ts").toString(), true));
    assertThat(p.recovery()).isEqualTo(RecoverySettings.immediate(RestoreFixture.RESTORE_COMMAND));
    assertThat(p.wal().segments())
        .containsExactly(
            new WalSegmentStatus("000000010000000000000020", WalSegmentStatus.State.PRESENT),
            new WalSegmentStatus("000000010000000000000021", WalSegmentStatus.State.PRESENT));
    assertThat(p.wal().complete()).isTrue();
    assertThat(p.problems()).isEmpty();
    assertThat(p.ready()).isTrue();
  }

  @Test
  void serialisesAsTheResultDocument() throws Exception {
    RestorePreview p =
        RestoreFixture.restorer(repo, tmp.resolve("home"))
            .preview(RestoreFixture.request(tmp.resolve("data"), tmp.resolve("ts")).build());
    JsonNode json = ResultJson.tree(p);
    assertThat(json.path("backup_id").asText()).isEqualTo(id(1).value());
    assertThat(json.path("ready").asBoolean()).isTrue();
    assertThat(json.path("recovery").path("recovery_target").asText()).isEqualTo("immediate");
    assertThat(json.path("wal").path("complete").asBoolean()).isTrue();
    assertThat(json.path("wal").path("segments").get(0).path("state").asText())
        .isEqualTo("PRESENT");
    assertThat(json.path("tablespaces").get(0).path("location").asText())
        .isEqualTo(tmp.resolve("ts").toString());
  }

  @Test
  void reportsMissingAndPartialWalAndANonEmptyTarget() throws Exception {
    repo.wal(FakeCluster.DB1).deleteSegment("000000010000000000000021");
    repo.wal(FakeCluster.DB1)
        .putPartial("000000010000000000000021", FakeCluster.walSegment(1, 0x21));
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("old"), "x");
    repo.wal(FakeCluster.DB1).deleteSegment("000000010000000000000020");

    RestorePreview p =
        RestoreFixture.restorer(repo, tmp.resolve("home"))
            .preview(RestoreFixture.request(data, tmp.resolve("ts")).build());

    assertThat(p.wal().segments())
        .extracting(WalSegmentStatus::state)
        .containsExactly(WalSegmentStatus.State.MISSING, WalSegmentStatus.State.PARTIAL_ONLY);
    assertThat(p.wal().complete()).isFalse();
    assertThat(p.ready()).isFalse();
    assertThat(p.problems())
        .hasSize(3)
        .anyMatch(s -> s.contains("is not empty"))
        .anyMatch(s -> s.contains("000000010000000000000020 is not in the repository"))
        .anyMatch(s -> s.contains("000000010000000000000021 is only partially archived"));
  }

  @Test
  void aRestoreReadsEachPackInFewRangeRequests() {
    int before = store.calls(StorageOperation.GET_RANGE);
    RestoreFixture.restorer(repo, tmp.resolve("home"))
        .restore(RestoreFixture.request(tmp.resolve("data"), tmp.resolve("ts")).build(), x -> {});
    long packs =
        RestoreFixture.restorer(repo, tmp.resolve("home"))
            .preview(RestoreFixture.request(tmp.resolve("data2"), tmp.resolve("ts2")).build())
            .packs();
    // Everything fits one batch, except pg_control which comes last: one request per pack + 1.
    assertThat((long) store.calls(StorageOperation.GET_RANGE) - before)
        .isLessThanOrEqualTo(packs + 1);
  }

  private long distinctStoredBytes() {
    ChunkReader reader = repo.openChunkReader();
    Set<ChunkId> seen = new HashSet<>();
    long sum = 0;
    for (ChunkRef ref : committed.manifest().chunkRefs().toList()) {
      if (seen.add(ref.id())) {
        sum += reader.locate(ref.id()).orElseThrow().length();
      }
    }
    return sum;
  }

  @Test
  void aHoleInsideTheBackupsOwnWalRefusesEveryPointInTime() {
    FakeCluster.archiveWal(repo, 1, 0x22, 0x24);
    repo.wal(FakeCluster.DB1).deleteSegment("000000010000000000000021");
    RestoreRequest request =
        RestoreFixture.request(tmp.resolve("data"), tmp.resolve("ts"))
            .recoveryTarget(
                new RecoveryTarget.AtLsn(org.pghardstorage.core.pg.Lsn.parse("0/24000000")))
            .build();

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RestoreFixture.restorer(repo, tmp.resolve("home")).restore(request, p -> {}))
        .isInstanceOfSatisfying(
            org.pghardstorage.core.error.HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("restore.target_in_gap");
              assertThat(e.getMessage()).contains("000000010000000000000021");
            });
    assertThat(tmp.resolve("data")).doesNotExist();
  }
}
