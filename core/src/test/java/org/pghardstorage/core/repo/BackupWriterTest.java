package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;
import static org.pghardstorage.core.repo.RepoFixtures.PASSPHRASE;
import static org.pghardstorage.core.repo.RepoFixtures.PG_MANIFEST;
import static org.pghardstorage.core.repo.RepoFixtures.id;
import static org.pghardstorage.core.repo.RepoFixtures.pages;
import static org.pghardstorage.core.repo.RepoFixtures.write;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

class BackupWriterTest {
  private final MemoryObjectStore store = new MemoryObjectStore("writer-test");

  @Test
  void backupRoundTripsThroughAFreshOpen() {
    byte[] a = pages(1, 100);
    byte[] b = "PG_VERSION 17\n".getBytes(StandardCharsets.US_ASCII);
    byte[] empty = new byte[0];
    BackupManifest written;
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      written = RepoFixtures.backup(repo, id(1), a, b, empty);
      WriteStats none = new WriteStats(0, 0, 0, 0, 0, 0, 0);
      assertThat(written.stats().bytesRead()).isEqualTo(a.length + b.length);
      assertThat(written.stats().chunksNew()).isEqualTo(written.stats().chunksTotal());
      assertThat(none.toBackupStats().dedupRatio()).isZero();
    }
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      assertThat(repo.listBackups(DB1)).containsExactly(id(1));
      assertThat(repo.listDeployments()).containsExactly(DB1);
      BackupManifest read = repo.readManifest(DB1, id(1)).orElseThrow();
      assertThat(read).isEqualTo(written);
      assertThat(repo.readPostgresBackupManifest(DB1, id(1)))
          .hasValueSatisfying(m -> assertThat(m).isEqualTo(PG_MANIFEST));
      ChunkReader reader = repo.openChunkReader();
      List<FileEntry> files = read.archives().get(0).files();
      assertThat(RepoFixtures.read(reader, files.get(0).chunks())).isEqualTo(a);
      assertThat(RepoFixtures.read(reader, files.get(1).chunks())).isEqualTo(b);
      assertThat(files.get(2).chunks()).isEmpty();
      CRC32C crc = new CRC32C();
      crc.update(a);
      assertThat(files.get(0).checksum()).contains((int) crc.getValue());
      assertThat(repo.readManifest(DB1, id(2))).isEmpty();
    }
  }

  @Test
  void chunksAreCutOnPagesAndPacksStayNearTheTarget() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      BackupManifest m = RepoFixtures.backup(repo, id(1), pages(2, 200));
      List<ChunkRef> chunks = m.archives().get(0).files().get(0).chunks();
      for (int i = 0; i < chunks.size() - 1; i++) {
        assertThat(chunks.get(i).rawLength() % 8192).isZero();
      }
      List<ObjectInfo> packs = store.list("data/");
      assertThat(packs).hasSizeGreaterThan(5);
      for (ObjectInfo p : packs) {
        assertThat(p.key().value()).matches("data/([0-9a-f]{2})/\\1[0-9a-f]{62}");
        assertThat(p.size()).isLessThan(65536 + 131072 + 4096);
      }
      assertThat(store.list("index/")).isNotEmpty();
      assertThat(repo.listPacks()).hasSameSizeAs(packs);
    }
  }

  @Test
  void secondBackupOfTheSameDataStoresNothingNew() {
    byte[] data = pages(3, 160);
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), data);
    }
    int packsBefore = store.list("data/").size();
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      BackupManifest second = RepoFixtures.backup(repo, id(2), data);
      assertThat(second.stats().chunksNew()).isZero();
      assertThat(second.stats().bytesNew()).isZero();
      assertThat(second.stats().dedupRatio()).isEqualTo(1.0);
    }
    assertThat(store.list("data/")).hasSize(packsBefore);
  }

  @Test
  void oneChangedPageStoresAboutOneChunk() {
    byte[] data = pages(4, 320);
    byte[] changed = data.clone();
    changed[150 * 8192 + 100] ^= 0x7f;
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      BackupManifest first = RepoFixtures.backup(repo, id(1), data);
      BackupManifest second = RepoFixtures.backup(repo, id(2), changed);
      assertThat(first.stats().chunksTotal()).isGreaterThan(50);
      assertThat(second.stats().chunksNew()).isBetween(1L, 2L);
      assertThat(
              RepoFixtures.read(
                  repo.openChunkReader(), second.archives().get(0).files().get(0).chunks()))
          .isEqualTo(changed);
    }
  }

  @RepeatedTest(5)
  void filesMayBeWrittenFromSeveralThreads() throws Exception {
    List<byte[]> files = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      files.add(pages(10 + i % 4, 40)); // pairs of identical files race on the same chunks
    }
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open());
        BackupWriter w = repo.newBackup(DB1, id(1))) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<FileRef>> refs = new ArrayList<>();
      for (byte[] f : files) {
        refs.add(pool.submit(() -> write(w, f)));
      }
      List<FileEntry> entries = new ArrayList<>();
      for (int i = 0; i < refs.size(); i++) {
        entries.add(refs.get(i).get().toEntry("f" + i, 0600, Instant.EPOCH));
      }
      pool.shutdown();
      WriteStats stats = w.stats();
      long distinct =
          entries.stream().flatMap(e -> e.chunks().stream()).map(ChunkRef::id).distinct().count();
      assertThat(stats.chunksNew()).isEqualTo(distinct);
      assertThat(stats.files()).isEqualTo(8);
      w.commit(RepoFixtures.manifest(id(1), entries, stats), PG_MANIFEST);
      ChunkReader reader = repo.openChunkReader();
      for (int i = 0; i < files.size(); i++) {
        assertThat(RepoFixtures.read(reader, entries.get(i).chunks())).isEqualTo(files.get(i));
      }
    }
  }

  @Test
  void encryptedRepositoryRoundTripsAndHidesContent() {
    byte[] secret = "top secret tuple data ".repeat(2000).getBytes(StandardCharsets.US_ASCII);
    try (Repository repo =
        Repository.init(store, RepoFixtures.smallEncrypted(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), secret, pages(5, 30));
    }
    for (ObjectInfo o : store.list("")) {
      String text = new String(store.get(o.key()), StandardCharsets.ISO_8859_1);
      assertThat(text)
          .as(o.key().value())
          .doesNotContain("top secret")
          .doesNotContain("pg_hardstorage.backup.v1")
          .doesNotContain("PostgreSQL-Backup-Manifest-Version");
    }
    try (Repository repo = Repository.open(store, RepoFixtures.open().withPassphrase(PASSPHRASE))) {
      BackupManifest m = repo.readManifest(DB1, id(1)).orElseThrow();
      assertThat(
              RepoFixtures.read(
                  repo.openChunkReader(), m.archives().get(0).files().get(0).chunks()))
          .isEqualTo(secret);
      assertThat(repo.verifyPack(repo.listPacks().get(0)).isOk()).isTrue();
    }
  }

  @Test
  void commitRefusesAForeignOrIncompleteManifest() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      try (BackupWriter w = repo.newBackup(DB1, id(1))) {
        FileRef ref = write(w, pages(6, 4));
        List<ChunkRef> bogus = List.of(new ChunkRef(ChunkId.parse("ab".repeat(32)), 5));
        List<FileEntry> files =
            List.of(
                ref.toEntry("real", 0600, Instant.EPOCH),
                FileEntry.file("bogus", 0600, Instant.EPOCH, 5, 0, bogus));
        assertThatThrownBy(
                () -> w.commit(RepoFixtures.manifest(id(1), files, w.stats()), PG_MANIFEST))
            .hasFieldOrPropertyWithValue("code", "repo.manifest_incomplete")
            .hasMessageContaining("abab");
        assertThatThrownBy(() -> write(w, new byte[1])).isInstanceOf(IllegalStateException.class);
      }
      try (BackupWriter w = repo.newBackup(DB1, id(2))) {
        assertThatThrownBy(
                () -> w.commit(RepoFixtures.manifest(id(3), List.of(), w.stats()), PG_MANIFEST))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(id(3).value());
      }
      assertThat(repo.listBackups(DB1)).isEmpty();
    }
  }

  @Test
  void backupIdsAreWriteOnce() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), pages(7, 3));
      assertThatThrownBy(() -> repo.newBackup(DB1, id(1)))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> assertThat(e.code()).isEqualTo("repo.backup_exists"));
      assertThat(repo.listLocks()).isEmpty();
      assertThat(repo.deleteBackup(DB1, id(1))).isTrue();
      assertThat(repo.listBackups(DB1)).isEmpty();
      assertThat(repo.deleteBackup(DB1, id(1))).isFalse();
      assertThat(store.list("backups/")).isEmpty();
    }
  }
}
