package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;
import static org.pghardstorage.core.repo.RepoFixtures.id;
import static org.pghardstorage.core.repo.RepoFixtures.pages;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * Format spec §11: a backup is visible iff its manifest exists, and a failure at any write leaves
 * nothing that looks complete.
 */
class CommitProtocolTest {
  private static final byte[] A = pages(21, 60);
  private static final byte[] B = pages(22, 45);

  @Test
  void aFailureAtAnyWriteLeavesNothingVisible() {
    int total = countWrites();
    assertThat(total).as("lock, packs, index files, backup_manifest, manifest").isGreaterThan(6);
    for (int n = 1; n <= total; n++) {
      MemoryObjectStore memory = new MemoryObjectStore("commit-" + n);
      Repository.init(memory, RepoFixtures.small(), RepoFixtures.open()).close();
      FaultyStore faulty = new FaultyStore(memory);
      faulty.failWrite(n, k -> true);
      try (Repository repo = Repository.open(faulty, RepoFixtures.open())) {
        assertThatThrownBy(() -> RepoFixtures.backup(repo, id(1), A, B))
            .as("failing write %d of %d", n, total)
            .isInstanceOf(HardstorageException.class)
            .hasMessageContaining("injected failure");
      }
      assertNothingVisible(memory, n);
      assertRetrySucceeds(memory);
    }
  }

  @Test
  void theManifestIsWrittenLastAndOnlyAfterItsPacksAndIndexes() {
    MemoryObjectStore memory = new MemoryObjectStore("order");
    Repository.init(memory, RepoFixtures.small(), RepoFixtures.open()).close();
    OrderRecordingStore recording = new OrderRecordingStore(memory);
    try (Repository repo = Repository.open(recording, RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), A);
    }
    List<String> writes = recording.writes();
    String last = writes.get(writes.size() - 1);
    assertThat(last).endsWith("/manifest");
    assertThat(writes.get(writes.size() - 2)).endsWith("/backup_manifest");
    int lastPack = lastIndexOfPrefix(writes, "data/");
    int lastIndex = lastIndexOfPrefix(writes, "index/");
    assertThat(lastPack).isLessThan(lastIndex);
    assertThat(lastIndex).isLessThan(writes.size() - 2);
  }

  @Test
  void anAbandonedWriterLeavesOnlyGarbage() {
    MemoryObjectStore memory = new MemoryObjectStore("abandoned");
    try (Repository repo = Repository.init(memory, RepoFixtures.small(), RepoFixtures.open())) {
      BackupWriter w = repo.newBackup(DB1, id(1));
      RepoFixtures.write(w, A);
      w.abort();
      assertThat(repo.listBackups(DB1)).isEmpty();
      assertThat(memory.list("data/")).isNotEmpty();
      assertThat(repo.listLocks()).isEmpty();
      // The aborted writer's packs are durable; the next commit indexes and reuses them.
      BackupManifest m = RepoFixtures.backup(repo, id(2), A);
      assertThat(m.stats().chunksNew()).isLessThan(m.stats().chunksTotal());
    }
  }

  private static int countWrites() {
    MemoryObjectStore memory = new MemoryObjectStore("count");
    Repository.init(memory, RepoFixtures.small(), RepoFixtures.open()).close();
    FaultyStore counting = new FaultyStore(memory);
    counting.countWrites(k -> true);
    try (Repository repo = Repository.open(counting, RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), A, B);
    }
    return counting.writes();
  }

  private static void assertNothingVisible(MemoryObjectStore memory, int n) {
    for (ObjectInfo o : memory.list("backups/")) {
      assertThat(o.key().value()).as("after failing write %d", n).doesNotEndWith("/manifest");
    }
    try (Repository repo = Repository.open(memory, RepoFixtures.open())) {
      assertThat(repo.listBackups(DB1)).as("after failing write %d", n).isEmpty();
      assertThat(repo.readManifest(DB1, id(1))).isEmpty();
      assertThat(repo.listLocks()).as("lock released after failing write %d", n).isEmpty();
    }
  }

  private static void assertRetrySucceeds(MemoryObjectStore memory) {
    try (Repository repo = Repository.open(memory, RepoFixtures.open())) {
      BackupManifest m = RepoFixtures.backup(repo, id(1), A, B);
      List<FileEntry> files = m.archives().get(0).files();
      ChunkReader reader = repo.openChunkReader();
      assertThat(RepoFixtures.read(reader, files.get(0).chunks())).isEqualTo(A);
      assertThat(RepoFixtures.read(reader, files.get(1).chunks())).isEqualTo(B);
      for (PackId p : repo.listPacks()) {
        assertThat(repo.verifyPack(p).isOk()).isTrue();
      }
    }
  }

  private static int lastIndexOfPrefix(List<String> keys, String prefix) {
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (keys.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  /** Records the order of completed writes. */
  private static final class OrderRecordingStore extends DelegatingStore {
    private final List<String> writes = Collections.synchronizedList(new ArrayList<>());

    OrderRecordingStore(ObjectStore delegate) {
      super(delegate);
    }

    List<String> writes() {
      return List.copyOf(writes);
    }

    @Override
    public boolean putIfAbsent(ObjectKey key, byte[] data) {
      boolean created = delegate.putIfAbsent(key, data);
      writes.add(key.value());
      return created;
    }

    @Override
    public void put(ObjectKey key, byte[] data) {
      delegate.put(key, data);
      writes.add(key.value());
    }
  }
}
