package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;
import static org.pghardstorage.core.repo.RepoFixtures.id;
import static org.pghardstorage.core.repo.RepoFixtures.pages;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/** Format spec §14.2: what garbage collection deletes, in which order, and who notices. */
class GarbageCollectionTest {
  /** Shared by every backup: its packs stay referenced. */
  private static final byte[] SHARED = pages(31, 40);

  private static final byte[] ONLY_1 = pages(32, 40);
  private static final byte[] ONLY_2 = pages(33, 40);
  private static final byte[] SMALL = pages(34, 6);

  /** Two or three packs: fewer than a flush, more than the open pack an abort drops. */
  private static final byte[] MEDIUM = pages(35, 20);

  private final MemoryObjectStore store = new MemoryObjectStore("gc");

  @Test
  void deletesOnlyUnreferencedPacksAndRewritesTheIndexFilesNamingThem() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), SHARED, ONLY_1);
      BackupManifest kept = RepoFixtures.backup(repo, id(2), SHARED, ONLY_2);
      Set<PackId> before = Set.copyOf(repo.listPacks());
      repo.deleteBackup(DB1, id(1));
      GarbageReport preview = repo.previewGarbage(DB1, Set.of());

      GarbageCollection gc;
      try (RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
        gc = repo.collectGarbage(x);
      }

      assertThat(gc.packsDeleted()).isPositive().isEqualTo(preview.unreferencedPacks().size());
      assertThat(gc.packBytesDeleted()).isEqualTo(preview.unreferencedPackBytes());
      assertThat(gc.indexFilesDeleted()).isPositive();
      assertThat(Set.copyOf(repo.listPacks()))
          .isEqualTo(repo.referencedPacks())
          .hasSize(before.size() - gc.packsDeleted());
      assertEveryIndexEntryNamesAStoredPack();
      assertRestorable(kept, SHARED, ONLY_2);
      try (RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc again")) {
        assertThat(repo.collectGarbage(x)).isEqualTo(new GarbageCollection(0, 0, 0, 0, 0));
      }
    }
  }

  @Test
  void anIndexFileListingBothKindsOfPackIsReplacedBeforeItIsDeleted() {
    // One index file for both backups' packs: deleting backup 1 leaves it mixed.
    OpenOptions oneIndexFile = RepoFixtures.open().withIndexFlushEvery(1000);
    try (Repository repo = Repository.init(store, RepoFixtures.small(), oneIndexFile)) {
      BackupWriter w = repo.newBackup(DB1, id(1));
      RepoFixtures.write(w, ONLY_1);
      w.abort(); // its packs stay pending and are flushed with the next commit
      BackupManifest kept = RepoFixtures.backup(repo, id(2), SHARED);
      assertThat(store.list("index/")).hasSize(1);
      RecordingStore order = new RecordingStore(store);
      try (Repository gcRepo = Repository.open(order, oneIndexFile);
          RepositoryLock x = gcRepo.lock(LockKind.EXCLUSIVE, "gc")) {
        GarbageCollection gc = gcRepo.collectGarbage(x);
        assertThat(gc.indexFilesWritten()).isEqualTo(1);
        assertThat(gc.indexFilesDeleted()).isEqualTo(1);
        assertThat(gc.packsDeleted()).isPositive();
      }
      int written = order.firstIndexOf("put index/");
      int indexDeleted = order.firstIndexOf("delete index/");
      int packDeleted = order.firstIndexOf("delete data/");
      assertThat(written).isNotNegative().isLessThan(indexDeleted);
      assertThat(indexDeleted).isLessThan(packDeleted);
      assertEveryIndexEntryNamesAStoredPack();
      try (Repository fresh = Repository.open(store, RepoFixtures.open())) {
        RepoFixtures.assertRestorable(fresh, kept, SHARED);
      }
    }
  }

  @Test
  void aStopAtAnyDeletionLeavesEveryBackupRestorableAndTheNextRunFinishes() {
    for (int n = 1; ; n++) {
      MemoryObjectStore memory = new MemoryObjectStore("stop-" + n);
      BackupManifest kept;
      try (Repository repo = Repository.init(memory, RepoFixtures.small(), RepoFixtures.open())) {
        RepoFixtures.backup(repo, id(1), SHARED, ONLY_1);
        kept = RepoFixtures.backup(repo, id(2), SHARED, ONLY_2);
        repo.deleteBackup(DB1, id(1));
      }
      StoppingStore stopping =
          new StoppingStore(
              memory, n, op -> op.startsWith("delete ") && !op.startsWith("delete locks/"));
      boolean stopped =
          StoppingStore.stops(
              n,
              () -> {
                try (Repository repo = Repository.open(stopping, RepoFixtures.open());
                    RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
                  repo.collectGarbage(x);
                }
              });
      try (Repository repo = Repository.open(memory, RepoFixtures.open())) {
        RepoFixtures.assertRestorable(repo, kept, SHARED, ONLY_2);
        try (RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
          repo.collectGarbage(x);
        }
        assertThat(Set.copyOf(repo.listPacks())).isEqualTo(repo.referencedPacks());
        RepoFixtures.assertRestorable(repo, kept, SHARED, ONLY_2);
      }
      if (!stopped) {
        assertThat(n).as("deletions in one collection").isGreaterThan(3);
        return;
      }
    }
  }

  @Test
  void backupManifestsOfBackupsThatNeverCommittedAreDeleted() {
    Repository.init(store, RepoFixtures.small(), RepoFixtures.open()).close();
    FaultyStore faulty = new FaultyStore(store);
    faulty.failWrite(1, k -> k.name().equals("manifest"));
    try (Repository repo = Repository.open(faulty, RepoFixtures.open())) {
      assertThatThrownBy(() -> RepoFixtures.backup(repo, id(1), SMALL))
          .hasMessageContaining("injected failure");
    }
    ObjectKey orphan = Repository.postgresManifestKey(DB1, id(1));
    assertThat(store.stat(orphan)).isPresent();
    try (Repository repo = Repository.open(store, RepoFixtures.open());
        RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
      assertThat(repo.findGarbage(x).orphanPostgresManifests()).containsExactly(orphan.value());
      GarbageCollection gc = repo.collectGarbage(x);
      assertThat(gc.orphansDeleted()).isEqualTo(1);
      assertThat(gc.packsDeleted()).isPositive();
    }
    assertThat(store.stat(orphan)).isEmpty();
    assertThat(store.list("data/")).isEmpty();
    assertThat(store.list("index/")).isEmpty();
  }

  @Test
  void referencedChunksWithoutIndexEntriesStopCollectionBeforeAnyDeletion() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), SHARED);
      BackupWriter aborted = repo.newBackup(DB1, id(2));
      RepoFixtures.write(aborted, ONLY_1);
      aborted.abort();
    }
    for (ObjectInfo i : store.list("index/")) {
      store.delete(i.key());
    }
    List<ObjectInfo> before = store.list("");
    try (Repository repo = Repository.open(store, RepoFixtures.open());
        RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
      assertThatThrownBy(() -> repo.collectGarbage(x))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo(RepositoryErrors.GC_UNSAFE);
                assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
                assertThat(e.getMessage()).contains("nothing was deleted");
              });
    }
    assertThat(store.list("")).isEqualTo(before);
  }

  @Test
  void collectingNeedsAnExclusiveLock() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open());
        RepositoryLock s = repo.lock(LockKind.SHARED, "backup")) {
      assertThatThrownBy(() -> repo.collectGarbage(s)).hasMessageContaining("exclusive");
    }
  }

  @Test
  void aProcessThatLoadedTheIndexBeforeACollectionDoesNotDeduplicateAgainstDeletedPacks() {
    try (Repository a = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(a, id(1), SHARED, ONLY_1);
      RepoFixtures.backup(a, id(2), SHARED);
      // Another process deletes backup 1 and collects its packs; a's index still lists them.
      try (Repository b = Repository.open(store, RepoFixtures.open())) {
        b.deleteBackup(DB1, id(1));
        try (RepositoryLock x = b.lock(LockKind.EXCLUSIVE, "gc")) {
          assertThat(b.collectGarbage(x).packsDeleted()).isPositive();
        }
      }

      BackupManifest again = RepoFixtures.backup(a, id(3), ONLY_1);

      // Only chunks in packs that stayed (shared with backup 2) may be deduplicated.
      assertThat(again.stats().chunksNew()).isPositive();
    }
    try (Repository fresh = Repository.open(store, RepoFixtures.open())) {
      RepoFixtures.assertRestorable(fresh, fresh.readManifest(DB1, id(3)).orElseThrow(), ONLY_1);
    }
  }

  @Test
  void packsOfAnAbortedWriterThatAnotherProcessCollectedAreForgotten() {
    try (Repository a = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(a, id(1), SHARED);
      BackupWriter aborted = a.newBackup(DB1, id(2));
      RepoFixtures.write(aborted, MEDIUM); // fewer packs than a flush: they stay pending in a
      aborted.abort();
      assertThat(a.context().indexes().pendingPacks()).isPositive();
      try (Repository b = Repository.open(store, RepoFixtures.open());
          RepositoryLock x = b.lock(LockKind.EXCLUSIVE, "gc")) {
        GarbageCollection gc = b.collectGarbage(x);
        assertThat(gc.packsDeleted()).isPositive();
        assertThat(gc.indexFilesDeleted()).isZero(); // nothing in a's loaded files vanished
      }

      BackupManifest again = RepoFixtures.backup(a, id(3), MEDIUM);

      assertThat(again.stats().chunksNew()).isEqualTo(again.stats().chunksTotal());
    }
    assertEveryIndexEntryNamesAStoredPack();
    assertRestorable(readManifest(id(3)), MEDIUM);
  }

  @Test
  void anIndexFileThatVanishesWhileLoadingIsFoundAgainUnderItsReplacement() {
    BackupManifest kept;
    OpenOptions oneIndexFile = RepoFixtures.open().withIndexFlushEvery(1000);
    try (Repository repo = Repository.init(store, RepoFixtures.small(), oneIndexFile)) {
      BackupWriter w = repo.newBackup(DB1, id(1));
      RepoFixtures.write(w, ONLY_1);
      w.abort();
      kept = RepoFixtures.backup(repo, id(2), SHARED);
    }
    AtomicBoolean collected = new AtomicBoolean();
    ObjectStore racing =
        new DelegatingStore(store) {
          @Override
          public byte[] get(ObjectKey key) {
            if (key.value().startsWith("index/") && collected.compareAndSet(false, true)) {
              // a GC elsewhere replaces this file between our listing and our read
              try (Repository gc = Repository.open(store, RepoFixtures.open());
                  RepositoryLock x = gc.lock(LockKind.EXCLUSIVE, "gc")) {
                assertThat(gc.collectGarbage(x).indexFilesDeleted()).isEqualTo(1);
              }
            }
            return super.get(key);
          }
        };

    try (Repository reader = Repository.open(racing, RepoFixtures.open())) {
      assertThat(collected).isTrue();
      RepoFixtures.assertRestorable(reader, kept, SHARED);
    }
  }

  private BackupManifest readManifest(BackupId id) {
    try (Repository fresh = Repository.open(store, RepoFixtures.open())) {
      return fresh.readManifest(DB1, id).orElseThrow();
    }
  }

  private void assertEveryIndexEntryNamesAStoredPack() {
    try (Repository fresh = Repository.open(store, RepoFixtures.open())) {
      Set<PackId> stored = new HashSet<>(fresh.listPacks());
      for (Map.Entry<String, List<PackId>> f : fresh.context().indexes().files().entrySet()) {
        assertThat(stored).as("packs of index file %s", f.getKey()).containsAll(f.getValue());
      }
    }
  }

  private void assertRestorable(BackupManifest m, byte[]... files) {
    try (Repository fresh = Repository.open(store, RepoFixtures.open())) {
      RepoFixtures.assertRestorable(fresh, m, files);
    }
  }
}
