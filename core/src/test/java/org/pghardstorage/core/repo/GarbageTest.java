package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;
import static org.pghardstorage.core.repo.RepoFixtures.id;
import static org.pghardstorage.core.repo.RepoFixtures.pages;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

class GarbageTest {
  private final MemoryObjectStore store = new MemoryObjectStore("gc");

  @Test
  void abortedAndDeletedBackupsLeaveUnreferencedPacks() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), pages(1, 50));
      Set<PackId> kept = repo.referencedPacks();
      assertThat(kept).isNotEmpty();

      BackupWriter aborted = repo.newBackup(DB1, id(2));
      RepoFixtures.write(aborted, pages(2, 50));
      aborted.abort();
      RepoFixtures.backup(repo, id(3), pages(3, 50)); // its commit indexes the aborted packs too

      try (RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
        GarbageReport report = repo.findGarbage(x);
        assertThat(report.safeToCollect()).isTrue();
        assertThat(report.referencedPacks()).containsAll(kept);
        assertThat(report.unreferencedPacks()).isNotEmpty().doesNotContainAnyElementsOf(kept);
        Set<PackId> all = new HashSet<>(report.referencedPacks());
        all.addAll(report.unreferencedPacks());
        assertThat(all).containsExactlyInAnyOrderElementsOf(repo.listPacks());
      }

      repo.deleteBackup(DB1, id(1));
      repo.deleteBackup(DB1, id(3));
      try (RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
        GarbageReport report = repo.findGarbage(x);
        assertThat(report.referencedPacks()).isEmpty();
        assertThat(report.unreferencedPacks())
            .containsExactlyInAnyOrderElementsOf(repo.listPacks());
        Set<String> indexFiles = new HashSet<>();
        for (ObjectInfo i : store.list("index/")) {
          indexFiles.add(i.key().name());
        }
        assertThat(report.unreferencedIndexFiles()).isEqualTo(indexFiles);
      }
    }
  }

  @Test
  void unindexedReferencedChunksMakeCollectionUnsafe() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), pages(4, 20));
    }
    for (ObjectInfo i : store.list("index/")) {
      store.delete(i.key());
    }
    try (Repository repo = Repository.open(store, RepoFixtures.open());
        RepositoryLock x = repo.lock(LockKind.EXCLUSIVE, "gc")) {
      GarbageReport report = repo.findGarbage(x);
      assertThat(report.safeToCollect()).isFalse();
      assertThat(report.unindexedChunks()).isNotEmpty();
    }
  }

  @Test
  void findingGarbageNeedsAHeldExclusiveLock() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open());
        RepositoryLock s = repo.lock(LockKind.SHARED, "backup")) {
      assertThatThrownBy(() -> repo.findGarbage(s)).hasMessageContaining("exclusive");
    }
  }
}
