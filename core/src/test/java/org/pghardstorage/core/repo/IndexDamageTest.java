package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;
import static org.pghardstorage.core.repo.RepoFixtures.id;
import static org.pghardstorage.core.repo.RepoFixtures.pages;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * Format spec §9.1 and §14.1: a damaged index object leaves every backup restorable through pack
 * trailers, keeps garbage collection refused, and is replaced by an index rebuild that is
 * crash-safe and idempotent.
 */
class IndexDamageTest {
  private static final byte[] A = pages(41, 40);
  private static final byte[] B = pages(42, 30);
  private static final byte[] GONE = pages(43, 30);

  private final MemoryObjectStore store = new MemoryObjectStore("index-damage");

  /** Backup 1 ({@link #GONE}, deleted) and backup 2 ({@link #A}, {@link #B}), in separate runs. */
  private BackupManifest twoBackupsTheFirstDeleted() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), GONE);
    }
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      BackupManifest kept = RepoFixtures.backup(repo, id(2), A, B);
      repo.deleteBackup(DB1, id(1));
      return kept;
    }
  }

  /** The index files listing any pack of {@code m}, by key. */
  private Set<String> indexFilesOf(BackupManifest m) {
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      ChunkReader reader = repo.openChunkReader();
      Set<PackId> packs = new HashSet<>();
      m.chunkRefs().forEach(c -> packs.add(reader.locate(c.id()).orElseThrow().pack()));
      Set<String> out = new TreeSet<>();
      repo.context()
          .indexes()
          .files()
          .forEach(
              (name, listed) -> {
                if (listed.stream().anyMatch(packs::contains)) {
                  out.add(IndexStore.PREFIX + name);
                }
              });
      return out;
    }
  }

  private void damage(String key) {
    ObjectKey k = ObjectKey.of(key);
    byte[] bytes = store.get(k);
    bytes[bytes.length / 2] ^= 0x08;
    store.put(k, bytes);
  }

  @Test
  void damagedIndexFilesDoNotStopOpenAndTheirChunksAreReadThroughPackTrailers() {
    BackupManifest kept = twoBackupsTheFirstDeleted();
    Set<String> damaged = indexFilesOf(kept);
    assertThat(damaged).isNotEmpty();
    damaged.forEach(this::damage);

    FaultyStore counting = new FaultyStore(store);
    try (Repository repo = Repository.open(counting, RepoFixtures.open())) {
      assertThat(repo.damagedIndexFiles())
          .extracting(DamagedObject::key)
          .containsExactlyElementsOf(damaged);
      assertThat(repo.damagedIndexFiles())
          .allSatisfy(d -> assertThat(d.detail()).contains("is damaged"));
      // Lazy: opening reads no pack; the first lookup the index cannot answer reads trailers.
      assertThat(counting.rangeReads()).isZero();

      RepoFixtures.assertRestorable(repo, kept, A, B);

      for (PackId pack : repo.listPacks()) {
        assertThat(repo.verifyPack(pack).isOk()).as("pack %s", pack).isTrue();
      }
    }
  }

  @Test
  void garbageCollectionIsRefusedWhileAnIndexObjectIsDamagedEvenIfEveryChunkIsIndexed() {
    BackupManifest kept = twoBackupsTheFirstDeleted();
    Set<String> keptFiles = indexFilesOf(kept);
    String garbageOnly =
        store.list("index/").stream()
            .map(i -> i.key().value())
            .filter(k -> !keptFiles.contains(k))
            .findFirst()
            .orElseThrow();
    damage(garbageOnly);
    List<ObjectInfo> before = store.list("");

    try (Repository repo = Repository.open(store, RepoFixtures.open());
        RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
      GarbageReport report = repo.findGarbage(x);
      assertThat(report.unindexedChunks()).as("the old rule alone would collect").isEmpty();
      assertThat(report.damagedIndexFiles()).containsExactly(garbageOnly);
      assertThat(report.safeToCollect()).isFalse();
      assertThatThrownBy(() -> repo.collectGarbage(x))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo(RepositoryErrors.GC_UNSAFE);
                assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
                assertThat(e.getMessage()).contains(garbageOnly).contains("nothing was deleted");
                assertThat(e.suggestion())
                    .hasValueSatisfying(
                        s -> assertThat(s).contains("pg_hardstorage repo index rebuild"));
              });
    }
    assertThat(store.list("")).isEqualTo(before);
  }

  @Test
  void aRebuildIndexesThePacksAgainRemovesTheDamageAndLetsGarbageBeCollected() {
    BackupManifest kept = twoBackupsTheFirstDeleted();
    Set<String> damaged = indexFilesOf(kept);
    damaged.forEach(this::damage);
    int packs = store.list("data/").size();

    IndexRebuild rebuild;
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      rebuild = repo.rebuildIndex();
      assertThat(repo.damagedIndexFiles()).isEmpty();
    }

    assertThat(rebuild.packsScanned()).isEqualTo(packs);
    assertThat(rebuild.packsIndexed()).isPositive().isLessThan(packs);
    assertThat(rebuild.indexFilesWritten()).isNotEmpty();
    rebuild.indexFilesWritten().forEach(k -> assertThat(store.stat(ObjectKey.of(k))).isPresent());
    assertThat(rebuild.damagedIndexFilesRemoved()).containsExactlyElementsOf(damaged);
    damaged.forEach(k -> assertThat(store.stat(ObjectKey.of(k))).isEmpty());
    assertThat(rebuild.damagedPacks()).isEmpty();
    assertThat(rebuild.complete()).isTrue();

    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      assertThat(repo.damagedIndexFiles()).isEmpty();
      kept.chunkRefs().forEach(c -> assertThat(repo.context().index().contains(c.id())).isTrue());
      try (RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
        assertThat(repo.collectGarbage(x).packsDeleted()).isPositive();
      }
      RepoFixtures.assertRestorable(repo, kept, A, B);

      IndexRebuild again = repo.rebuildIndex();
      assertThat(again.packsIndexed()).isZero();
      assertThat(again.indexFilesWritten()).isEmpty();
      assertThat(again.damagedIndexFilesRemoved()).isEmpty();
    }
    assertThat(store.list("locks/")).isEmpty();
  }

  @Test
  void aRebuildThatWritesTheDamagedFilesOwnNameOverwritesItWithTheRightContent() {
    BackupManifest only;
    // One pack per index file, so the rebuild lists the damaged file's pack exactly as it did.
    OpenOptions onePackPerFile = OpenOptions.defaults().withUploads(1, 1).withIndexFlushEvery(1);
    try (Repository repo = Repository.init(store, RepoFixtures.small(), onePackPerFile)) {
      only = RepoFixtures.backup(repo, id(1), A, B);
    }
    List<String> files = store.list("index/").stream().map(i -> i.key().value()).limit(1).toList();
    assertThat(files).hasSize(1);
    byte[] intact = store.get(ObjectKey.of(files.get(0)));
    damage(files.get(0));

    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      assertThat(repo.damagedIndexFiles()).extracting(DamagedObject::key).isEqualTo(files);
      IndexRebuild rebuild = repo.rebuildIndex();
      assertThat(rebuild.damagedIndexFilesReplaced()).isEqualTo(files);
      assertThat(rebuild.damagedIndexFilesRemoved()).isEmpty();
      assertThat(rebuild.indexFilesWritten()).isEqualTo(files);
      assertThat(repo.damagedIndexFiles()).isEmpty();
    }
    assertThat(store.get(ObjectKey.of(files.get(0)))).isEqualTo(intact);
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      assertThat(repo.damagedIndexFiles()).isEmpty();
      RepoFixtures.assertRestorable(repo, only, A, B);
    }
  }

  @Test
  void lostIndexFilesAreRestoredFromTheTrailers() {
    BackupManifest kept = twoBackupsTheFirstDeleted();
    for (ObjectInfo i : store.list("index/")) {
      store.delete(i.key());
    }
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      RepoFixtures.assertRestorable(repo, kept, A, B);
      IndexRebuild rebuild = repo.rebuildIndex();
      assertThat(rebuild.packsIndexed()).isEqualTo(rebuild.packsScanned());
      assertThat(rebuild.damagedIndexFilesRemoved()).isEmpty();
      try (RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
        assertThat(repo.findGarbage(x).safeToCollect()).isTrue();
      }
    }
  }

  @Test
  void theDamagedObjectIsDeletedOnlyAfterTheNewIndexFilesAreWritten() {
    BackupManifest kept = twoBackupsTheFirstDeleted();
    Set<String> damaged = indexFilesOf(kept);
    damaged.forEach(this::damage);
    RecordingStore recording = new RecordingStore(store);
    try (Repository repo = Repository.open(recording, RepoFixtures.open())) {
      repo.rebuildIndex();
    }
    List<String> indexOps = recording.ops().stream().filter(o -> o.contains(" index/")).toList();
    assertThat(indexOps).isNotEmpty();
    int firstDelete = indexOps.indexOf("delete " + damaged.iterator().next());
    assertThat(firstDelete).isPositive();
    assertThat(indexOps.subList(0, firstDelete)).allMatch(o -> o.startsWith("put "));
    assertThat(indexOps.subList(firstDelete, indexOps.size()))
        .allMatch(o -> o.startsWith("delete "));
  }

  @Test
  void aStopAtAnyIndexWriteOrDeletionLeavesEveryBackupRestorableAndTheNextRunFinishes() {
    for (int n = 1; ; n++) {
      MemoryObjectStore memory = new MemoryObjectStore("rebuild-stop-" + n);
      BackupManifest kept;
      try (Repository repo = Repository.init(memory, RepoFixtures.small(), RepoFixtures.open())) {
        kept = RepoFixtures.backup(repo, id(2), A, B);
      }
      for (ObjectInfo i : memory.list("index/")) {
        byte[] bytes = memory.get(i.key());
        bytes[bytes.length / 2] ^= 0x08;
        memory.put(i.key(), bytes);
      }
      StoppingStore stopping = new StoppingStore(memory, n, op -> op.contains(" index/"));
      boolean stopped =
          StoppingStore.stops(
              n,
              () -> {
                try (Repository repo = Repository.open(stopping, RepoFixtures.open())) {
                  repo.rebuildIndex();
                }
              });
      try (Repository repo = Repository.open(memory, RepoFixtures.open())) {
        RepoFixtures.assertRestorable(repo, kept, A, B);
        IndexRebuild rest = repo.rebuildIndex();
        assertThat(rest.complete()).isTrue();
        assertThat(repo.damagedIndexFiles()).isEmpty();
        try (RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
          assertThat(repo.findGarbage(x).safeToCollect()).as("after stop %d", n).isTrue();
        }
        RepoFixtures.assertRestorable(repo, kept, A, B);
      }
      assertThat(memory.list("locks/")).isEmpty();
      if (!stopped) {
        assertThat(n).as("index writes and deletions in one rebuild").isGreaterThan(2);
        return;
      }
    }
  }

  @Test
  void aPackWithAForgedTrailerLengthIsReportedAndNotIndexed() {
    BackupManifest kept;
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      kept = RepoFixtures.backup(repo, id(1), A);
    }
    for (ObjectInfo i : store.list("index/")) {
      store.delete(i.key());
    }
    ObjectInfo victim = store.list("data/").get(0);
    byte[] pack = store.get(victim.key());
    ByteBuffer.wrap(pack).putInt(pack.length - PackFormat.FOOTER, Integer.MAX_VALUE);
    store.put(victim.key(), pack);

    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      IndexRebuild rebuild = repo.rebuildIndex();
      assertThat(rebuild.complete()).isFalse();
      assertThat(rebuild.damagedPacks())
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.key()).isEqualTo(victim.key().value());
                assertThat(d.detail()).contains("2147483647").contains("does not fit");
              });
      assertThat(rebuild.packsIndexed()).isEqualTo(rebuild.packsScanned() - 1);
      assertThatThrownBy(() -> RepoFixtures.assertRestorable(repo, kept, A))
          .hasFieldOrPropertyWithValue("code", RepositoryErrors.CHUNK_MISSING);
      try (RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
        assertThatThrownBy(() -> repo.collectGarbage(x))
            .hasFieldOrPropertyWithValue("code", RepositoryErrors.GC_UNSAFE);
      }
    }
  }

  @Test
  void aRebuiltIndexFileNamedLikeTheDamagedOneReplacesIt() {
    // One backup, one pack, one index file: the rebuilt file has the same bytes, hence the same
    // content-addressed name, as the damaged one; it must replace it, not be skipped and deleted.
    BackupManifest m;
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      m = RepoFixtures.backup(repo, id(1), pages(44, 2));
    }
    Set<String> files = indexFilesOf(m);
    assertThat(files).hasSize(1);
    files.forEach(this::damage);

    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      IndexRebuild rebuild = repo.rebuildIndex();
      assertThat(rebuild.complete()).isTrue();
    }
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      assertThat(repo.damagedIndexFiles()).isEmpty();
      m.chunkRefs().forEach(c -> assertThat(repo.context().index().contains(c.id())).isTrue());
      assertThat(store.list("index/"))
          .extracting(i -> i.key().value())
          .containsExactlyElementsOf(files);
    }
  }
}
