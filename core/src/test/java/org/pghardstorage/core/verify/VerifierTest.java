package org.pghardstorage.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.json.ResultJson;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.ChunkLocation;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.restore.BackupSelector;
import org.pghardstorage.core.restore.FakeCluster;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;
import org.pghardstorage.core.task.Progress;

/** Verification of a fake cluster's backup: passes when intact, names every damaged object. */
class VerifierTest {
  static final BackupId ID = BackupId.parse("20261130T190601Z-aaaaab");
  private static final String WAL_21 = "wal/db1/00000001/000000010000000000000021";

  private final MemoryObjectStore store = new MemoryObjectStore("verify");
  private Repository repo;
  private FakeCluster.Committed committed;

  @AfterEach
  void close() {
    if (repo != null) {
      repo.close();
    }
  }

  private void backup(FakeCluster cluster) {
    repo = Repository.init(store, FakeCluster.smallRepository(), open());
    committed = cluster.commit(repo, ID);
    FakeCluster.archiveWal(repo);
  }

  private static OpenOptions open() {
    return OpenOptions.defaults().withUploads(2, 1);
  }

  private VerifyReport verify() {
    return new Verifier(repo)
        .verify(new VerifyRequest(FakeCluster.DB1, BackupSelector.latest(), 3), p -> {});
  }

  @Test
  void anIntactBackupPasses() throws Exception {
    backup(FakeCluster.typical());
    List<Progress> progress = new ArrayList<>();

    VerifyReport r =
        new Verifier(repo)
            .verify(VerifyRequest.of(FakeCluster.DB1, BackupSelector.of(ID)), progress::add);

    assertThat(r.problems()).isEmpty();
    assertThat(r.ok()).isTrue();
    r.requireOk();
    long files =
        committed.manifest().archives().stream()
            .flatMap(a -> a.files().stream())
            .filter(f -> f.checksum().isPresent())
            .count();
    assertThat(r.backupId()).isEqualTo(ID.value());
    assertThat(r.filesChecked()).isEqualTo(files);
    assertThat(r.walSegmentsChecked()).isEqualTo(2);
    assertThat(r.bytesChecked())
        .isEqualTo(committed.manifest().stats().bytesRead() + 2L * FakeCluster.SEGMENT_SIZE);
    assertThat(r.packsChecked()).isPositive();
    assertThat(r.chunksChecked()).isGreaterThanOrEqualTo(committed.manifest().stats().chunksNew());
    assertThat(progress.stream().map(Progress::phase).distinct())
        .containsExactly("packs", "files", "wal");
    JsonNode json = ResultJson.tree(r);
    assertThat(json.path("ok").asBoolean()).isTrue();
    assertThat(json.path("files_checked").asLong()).isEqualTo(files);
  }

  @Test
  void postgresChecksumsOtherThanCrc32cAreChecked() {
    for (String algorithm : List.of("NONE", "SHA224", "SHA256", "SHA384", "SHA512")) {
      MemoryObjectStore s = new MemoryObjectStore(algorithm);
      try (Repository r = Repository.init(s, FakeCluster.smallRepository(), open())) {
        FakeCluster.typical().withPostgresChecksums(algorithm).commit(r, ID);
        FakeCluster.archiveWal(r);
        VerifyReport report =
            new Verifier(r)
                .verify(VerifyRequest.of(FakeCluster.DB1, BackupSelector.latest()), p -> {});
        assertThat(report.problems()).as(algorithm).isEmpty();
      }
    }
  }

  @Test
  void aFlippedByteInAPackNamesThePackTheChunkAndEveryFileUsingIt() {
    backup(FakeCluster.typical());
    FileEntry shared = file("base/1/16384");
    ChunkRef chunk = shared.chunks().get(1);
    ChunkLocation loc = repo.openChunkReader().locate(chunk.id()).orElseThrow();
    flip(loc.pack().key(), (int) loc.offset() + 10);

    VerifyReport r = verify();

    assertThat(r.ok()).isFalse();
    assertThat(r.problems())
        .anySatisfy(
            p -> {
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.CHUNK_DAMAGED);
              assertThat(p.object()).isEqualTo(loc.pack().key().value());
              assertThat(p.chunks()).containsExactly(chunk.id().hex());
              // base/5/16384 is a copy: deduplicated, so damaged too.
              assertThat(p.files()).contains("base/1/16384", "base/5/16384");
            })
        .anySatisfy(
            p -> {
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.PACK_DAMAGED);
              assertThat(p.detail()).startsWith("HASH_MISMATCH");
            });
    assertThatThrownBy(r::requireOk)
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("verify.failed");
              assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
              assertThat(e.getMessage())
                  .contains(loc.pack().key().value())
                  .contains("base/1/16384");
            });
    // The other files were still re-assembled and checked.
    assertThat(r.filesChecked()).isPositive();
  }

  @Test
  void aDeletedPackNamesEveryFileWithChunksInIt() {
    backup(FakeCluster.typical());
    ChunkRef chunk = file("base/1/1259").chunks().get(0);
    ChunkLocation loc = repo.openChunkReader().locate(chunk.id()).orElseThrow();
    store.delete(loc.pack().key());

    VerifyReport r = verify();

    assertThat(r.problems())
        .anySatisfy(
            p -> {
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.PACK_MISSING);
              assertThat(p.object()).isEqualTo(loc.pack().key().value());
              assertThat(p.files()).contains("base/1/1259");
            });
  }

  @Test
  void aFlippedByteInTheManifestNamesIt() {
    backup(FakeCluster.typical());
    ObjectKey key = Repository.manifestKey(FakeCluster.DB1, ID);
    flip(key, 40);

    VerifyReport r = verify();

    assertThat(r.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.MANIFEST_DAMAGED);
              assertThat(p.object()).isEqualTo(key.value());
            });
  }

  @Test
  void aFlippedByteInPostgresBackupManifestNamesIt() {
    backup(FakeCluster.typical());
    ObjectKey key = Repository.postgresManifestKey(FakeCluster.DB1, ID);
    flip(key, 40);

    VerifyReport r = verify();

    assertThat(r.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.POSTGRES_MANIFEST_DAMAGED);
              assertThat(p.object()).isEqualTo(key.value());
            });
    assertThat(r.filesChecked()).isPositive();
  }

  @Test
  void aDamagedIndexObjectIsAWarningAndTheBackupIsStillCheckedThroughPackTrailers() {
    backup(FakeCluster.typical());
    repo.close();
    repo = null;
    List<ObjectKey> indexes = store.list("index/").stream().map(ObjectInfo::key).toList();
    indexes.forEach(k -> flip(k, 30));
    VerifyRequest request = VerifyRequest.of(FakeCluster.DB1, BackupSelector.latest());

    VerifyReport r = Verifier.verify(store, open(), request, p -> {});

    assertThat(r.ok()).as(r.problems().toString()).isTrue();
    assertThat(r.filesChecked()).isPositive();
    assertThat(r.problems())
        .filteredOn(p -> p.kind() == VerifyProblem.Kind.INDEX_DAMAGED)
        .extracting(VerifyProblem::object)
        .containsExactlyInAnyOrderElementsOf(indexes.stream().map(ObjectKey::value).toList());
    assertThat(r.problems())
        .filteredOn(p -> p.kind() == VerifyProblem.Kind.INDEX_DAMAGED)
        .allSatisfy(
            p -> {
              assertThat(p.severity()).isEqualTo(VerifyProblem.Severity.WARNING);
              assertThat(p.detail()).contains("pg_hardstorage repo index rebuild");
            });
    assertThat(r.problems())
        .allSatisfy(p -> assertThat(p.severity()).isEqualTo(VerifyProblem.Severity.WARNING));
  }

  @Test
  void aDamagedConfigIsNamedEvenThoughTheRepositoryDoesNotOpen() {
    backup(FakeCluster.typical());
    repo.close();
    repo = null;
    store.put(ObjectKey.of("config"), "{\"format\": 1".getBytes());
    VerifyRequest request = VerifyRequest.of(FakeCluster.DB1, BackupSelector.latest());

    VerifyReport r = Verifier.verify(store, open(), request, p -> {});

    assertThat(r.ok()).isFalse();
    assertThat(r.backupId()).isEqualTo("latest");
    assertThat(r.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.REPOSITORY_UNREADABLE);
              assertThat(p.object()).isEqualTo("config");
            });
  }

  @Test
  void lostIndexFilesAreFoundThroughPackTrailersAndALostPackLeavesItsChunksMissing() {
    backup(FakeCluster.typical());
    repo.close();
    for (ObjectInfo info : store.list("index/")) {
      store.delete(info.key());
    }
    repo = Repository.open(store, open());
    VerifyReport intact = verify();
    assertThat(intact.ok()).as(intact.problems().toString()).isTrue();
    assertThat(intact.problems())
        .filteredOn(p -> p.kind() == VerifyProblem.Kind.CHUNK_UNINDEXED)
        .isNotEmpty()
        .anySatisfy(p -> assertThat(p.files()).contains("base/1/1259"));
    repo.close();

    ChunkRef first = file("base/1/1259").chunks().get(0);
    ChunkLocation where;
    try (Repository look = Repository.open(store, open())) {
      where = look.openChunkReader().locate(first.id()).orElseThrow();
    }
    store.delete(where.pack().key());
    repo = Repository.open(store, open());

    VerifyReport r = verify();

    assertThat(r.problems())
        .filteredOn(p -> p.kind() == VerifyProblem.Kind.CHUNK_MISSING)
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.object()).isEqualTo("index/"))
        .anySatisfy(p -> assertThat(p.files()).contains("base/1/1259"));
  }

  @Test
  void aFlippedByteInAWalSegmentNamesIt() {
    backup(FakeCluster.typical());
    flip(ObjectKey.of(WAL_21), 100);

    VerifyReport r = verify();

    assertThat(r.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.WAL_SEGMENT_DAMAGED);
              assertThat(p.object()).isEqualTo(WAL_21);
            });
  }

  @Test
  void aMissingWalSegmentIsAnError() {
    backup(FakeCluster.typical());
    store.delete(ObjectKey.of(WAL_21));

    VerifyReport r = verify();

    assertThat(r.ok()).isFalse();
    assertThat(r.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.WAL_SEGMENT_MISSING);
              assertThat(p.object()).isEqualTo(WAL_21);
              assertThat(p.detail()).contains("000000010000000000000021");
            });
  }

  @Test
  void aPartialLastSegmentIsFineIfItReachesTheEndAndAWarningOtherwise() {
    backup(FakeCluster.typical());
    store.delete(ObjectKey.of(WAL_21));
    byte[] received = FakeCluster.walSegment(1, 0x21);
    repo.wal(FakeCluster.DB1)
        .putPartial("000000010000000000000021", java.util.Arrays.copyOf(received, 8192));
    assertThat(verify().problems()).isEmpty();

    repo.wal(FakeCluster.DB1)
        .putPartial("000000010000000000000021", new byte[FakeCluster.SEGMENT_SIZE]);
    VerifyReport r = verify();
    assertThat(r.ok()).isTrue();
    assertThat(r.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.severity()).isEqualTo(VerifyProblem.Severity.WARNING);
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.WAL_SEGMENT_PARTIAL);
              assertThat(p.object()).isEqualTo(WAL_21 + ".partial");
            });
  }

  @Test
  void aPostgresChecksumMismatchNamesTheFile() {
    backup(FakeCluster.typical().withWrongPostgresChecksum("base/1/1259"));

    VerifyReport r = verify();

    assertThat(r.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.POSTGRES_CHECKSUM_MISMATCH);
              assertThat(p.object())
                  .isEqualTo(Repository.postgresManifestKey(FakeCluster.DB1, ID).value());
              assertThat(p.files()).containsExactly("base/1/1259");
            });
  }

  @Test
  void ourChecksumMismatchNamesTheFile() {
    backup(FakeCluster.typical().withWrongCrc("PG_VERSION"));

    assertThat(verify().problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.FILE_CHECKSUM_MISMATCH);
              assertThat(p.object()).isEqualTo(Repository.manifestKey(FakeCluster.DB1, ID).value());
              assertThat(p.files()).containsExactly("PG_VERSION");
            });
  }

  @Test
  void postgresManifestDisagreementsAreEachReported() {
    backup(
        FakeCluster.typical()
            .withoutPostgresEntry("global/1262")
            .withExtraPostgresEntry("base/1/99999")
            .withPostgresWalStart("0/2000030")
            .withPostgresSystemIdentifier("42"));

    VerifyReport r = verify();

    assertThat(r.problems())
        .extracting(VerifyProblem::kind)
        .containsExactlyInAnyOrder(
            VerifyProblem.Kind.FILE_NOT_IN_POSTGRES_MANIFEST,
            VerifyProblem.Kind.FILE_NOT_IN_BACKUP,
            VerifyProblem.Kind.WAL_RANGE_MISMATCH,
            VerifyProblem.Kind.SYSTEM_IDENTIFIER_MISMATCH);
    assertThat(r.problems())
        .anySatisfy(p -> assertThat(p.files()).containsExactly("global/1262"))
        .anySatisfy(p -> assertThat(p.files()).containsExactly("base/1/99999"));
  }

  @Test
  void aWrongManifestChecksumIsReported() {
    backup(FakeCluster.typical().withBrokenManifestChecksum());
    assertThat(verify().problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(VerifyProblem.Kind.POSTGRES_MANIFEST_INVALID);
              assertThat(p.detail()).contains("Manifest-Checksum");
            });
  }

  @Test
  void anUnknownBackupIsNotFound() {
    backup(FakeCluster.typical());
    assertThatThrownBy(
            () ->
                new Verifier(repo)
                    .verify(
                        VerifyRequest.of(
                            FakeCluster.DB1,
                            BackupSelector.of(BackupId.parse("20261130T190659Z-zzzzzz"))),
                        p -> {}))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("backup.not_found"));
  }

  private FileEntry file(String path) {
    return committed.manifest().archives().get(0).files().stream()
        .filter(f -> f.path().equals(path))
        .findFirst()
        .orElseThrow();
  }

  private void flip(ObjectKey key, int at) {
    byte[] bytes = store.get(key);
    bytes[at] ^= 0x10;
    store.put(key, bytes);
  }
}
