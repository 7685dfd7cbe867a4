package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;
import static org.pghardstorage.core.repo.RepoFixtures.id;
import static org.pghardstorage.core.repo.RepoFixtures.pages;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/** Any flipped byte is found, and the error names the damaged object and chunk. */
class CorruptionTest {
  private final MemoryObjectStore store = new MemoryObjectStore("corrupt");

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aFlippedByteAnywhereInAPackIsFoundAndPinnedToItsChunk(boolean encrypted) {
    RepositoryOptions options = encrypted ? RepoFixtures.smallEncrypted() : RepoFixtures.small();
    OpenOptions open =
        encrypted
            ? RepoFixtures.open().withPassphrase(RepoFixtures.PASSPHRASE)
            : RepoFixtures.open();
    try (Repository repo = Repository.init(store, options, open)) {
      // Three small files: one pack of three blobs, a few KB.
      RepoFixtures.backup(repo, id(1), pages(1, 1), pages(2, 1), new byte[] {1, 2, 3});
    }
    try (Repository repo = Repository.open(store, open)) {
      PackId pack = repo.listPacks().get(0);
      byte[] original = store.get(pack.key());
      List<PackEntry> entries = PackFormat.entries(original, repo.context().keys().cipher());
      assertThat(entries).hasSize(3);
      assertThat(repo.verifyPack(pack).problems()).isEmpty();
      for (int i : positions(original.length, entries)) {
        byte[] damaged = original.clone();
        damaged[i] ^= 0x04;
        store.put(pack.key(), damaged);
        PackVerification v = repo.verifyPack(pack);
        assertThat(v.isOk()).as("byte %d", i).isFalse();
        assertThat(v.problems()).allMatch(p -> p.pack().equals(pack));
        assertThat(kinds(v)).contains(PackProblem.Kind.HASH_MISMATCH);
        Optional<PackEntry> hit = entryAt(entries, i);
        if (hit.isPresent()) {
          ChunkId chunk = hit.get().id();
          assertThat(v.problems())
              .as("byte %d is in the blob of %s", i, chunk)
              .anyMatch(
                  p ->
                      p.chunk().equals(Optional.of(chunk))
                          && p.kind() == PackProblem.Kind.BLOB_UNREADABLE);
        }
      }
      store.put(pack.key(), original);
    }
  }

  @Test
  void readingADamagedChunkNamesChunkAndPack() {
    BackupManifest m;
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      m = RepoFixtures.backup(repo, id(1), pages(3, 20));
    }
    ChunkRef victim = m.archives().get(0).files().get(0).chunks().get(1);
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      ChunkLocation loc = repo.openChunkReader().locate(victim.id()).orElseThrow();
      byte[] pack = store.get(loc.pack().key());
      pack[(int) loc.offset() + 20] ^= 1;
      store.put(loc.pack().key(), pack);
      assertThatThrownBy(() -> repo.openChunkReader().read(victim))
          .isInstanceOfSatisfying(
              RepositoryCorruptException.class,
              e -> {
                assertThat(e.code()).isEqualTo("repo.corrupt");
                assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFY_FAILED);
                assertThat(e.object()).isEqualTo(loc.pack().key().value());
                assertThat(e.getMessage()).contains(victim.id().hex()).contains(loc.pack().hex());
              });
      PackVerification v = repo.verifyPack(loc.pack());
      assertThat(v.problems())
          .filteredOn(p -> p.kind() == PackProblem.Kind.BLOB_UNREADABLE)
          .singleElement()
          .satisfies(p -> assertThat(p.chunk()).contains(victim.id()));
      // A missing pack is named too.
      store.delete(loc.pack().key());
      assertThat(kinds(repo.verifyPack(loc.pack()))).containsExactly(PackProblem.Kind.MISSING);
      assertThatThrownBy(() -> repo.openChunkReader().read(victim))
          .hasMessageContaining("is missing")
          .hasMessageContaining(victim.id().hex());
    }
  }

  @Test
  void aFlippedByteInAManifestIsAClearError() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), pages(4, 3));
    }
    ObjectKey key = BackupCatalog.manifestKey(DB1, id(1));
    byte[] original = store.get(key);
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      for (int i = 0; i < original.length; i += 13) {
        byte[] damaged = original.clone();
        damaged[i] ^= 0x20;
        store.put(key, damaged);
        assertThatThrownBy(() -> repo.readManifest(DB1, id(1)))
            .as("byte %d", i)
            .isInstanceOfSatisfying(
                RepositoryCorruptException.class,
                e -> assertThat(e.getMessage()).startsWith("'" + key + "' is damaged"));
      }
      // A valid manifest under the wrong key is refused as well.
      store.put(key, original);
      ObjectKey other = BackupCatalog.manifestKey(DB1, id(2));
      store.put(other, original);
      assertThatThrownBy(() -> repo.readManifest(DB1, id(2)))
          .isInstanceOf(RepositoryCorruptException.class);
    }
  }

  @Test
  void aDamagedIndexFileIsNamedButDoesNotStopOpen() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), pages(5, 3));
    }
    ObjectInfo index = store.list("index/").get(0);
    byte[] damaged = store.get(index.key());
    damaged[damaged.length - 3] ^= 1;
    store.put(index.key(), damaged);
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      assertThat(repo.damagedIndexFiles())
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.key()).isEqualTo(index.key().value());
                assertThat(d.detail()).startsWith("'" + index.key() + "' is damaged");
              });
    }
  }

  @Test
  void indexAndTrailerDisagreementsAreReported() {
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      RepoFixtures.backup(repo, id(1), pages(6, 3));
    }
    // Remove the index: packs are intact but nothing indexes them.
    for (ObjectInfo i : store.list("index/")) {
      store.delete(i.key());
    }
    try (Repository repo = Repository.open(store, RepoFixtures.open())) {
      PackVerification v = repo.verifyPack(repo.listPacks().get(0));
      assertThat(kinds(v)).containsOnly(PackProblem.Kind.UNINDEXED);
      assertThat(v.isOk()).isTrue();
      assertThatThrownBy(
              () -> repo.openChunkReader().read(new ChunkRef(ChunkId.parse("cd".repeat(32)), 1)))
          .hasFieldOrPropertyWithValue("code", "repo.chunk_missing");
    }
  }

  /**
   * Every byte of blob headers (seal, nonce, blob header), the trailer and the footer, and every
   * 11th byte elsewhere: all structures, in a fraction of the time of every byte.
   */
  private static List<Integer> positions(int length, List<PackEntry> entries) {
    TreeSet<Integer> out = new TreeSet<>();
    for (int i = 0; i < length; i += 11) {
      out.add(i);
    }
    for (PackEntry e : entries) {
      for (int i = 0; i < 48; i++) {
        out.add((int) e.offset() + i);
      }
      out.add((int) (e.offset() + e.length() - 1));
    }
    PackEntry last = entries.get(entries.size() - 1);
    for (int i = (int) (last.offset() + last.length()); i < length; i++) {
      out.add(i);
    }
    return List.copyOf(out);
  }

  private static Optional<PackEntry> entryAt(List<PackEntry> entries, int offset) {
    return entries.stream()
        .filter(e -> offset >= e.offset() && offset < e.offset() + e.length())
        .findFirst();
  }

  private static Set<PackProblem.Kind> kinds(PackVerification v) {
    return v.problems().stream().map(PackProblem::kind).collect(Collectors.toSet());
  }
}
