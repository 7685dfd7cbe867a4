package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.repo.RepoFixtures.id;
import static org.pghardstorage.core.repo.RepoFixtures.pages;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.chunk.ChunkIdHasher;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

class ChunkReaderTest {
  private final MemoryObjectStore memory = new MemoryObjectStore("reader");
  private final FaultyStore store = new FaultyStore(memory);

  @Test
  void aSliceReadsAsItsBytesOnlyWhenItsIdMatches() {
    byte[] data = pages(2, 40);
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      BackupManifest m = RepoFixtures.backup(repo, id(1), data);
      ChunkRef whole = m.archives().get(0).files().get(0).chunks().get(0);
      byte[] chunk = Arrays.copyOf(data, whole.rawLength());
      ChunkIdHasher hasher = repo.context().keys().hasher();
      ChunkRef first = sliceOf(whole, chunk, 0, 8192, hasher);
      ChunkRef second = sliceOf(whole, chunk, 8192, 4096, hasher);
      ChunkReader reader = repo.openChunkReader();
      // Two slices of one chunk in one call, and the whole chunk between them.
      assertThat(reader.readAll(List.of(second, whole, first)))
          .containsExactly(
              Arrays.copyOfRange(chunk, 8192, 12288), chunk, Arrays.copyOfRange(chunk, 0, 8192));
      ChunkRef lying =
          ChunkRef.slice(whole.id(), whole.rawLength(), 8192, 4096, first.slice().id());
      assertThatThrownBy(() -> reader.read(lying))
          .isInstanceOf(RepositoryCorruptException.class)
          .hasMessageContaining("is intact, but its bytes [8192, 12288)")
          .hasMessageContaining(first.slice().id().hex());
      assertThatThrownBy(() -> reader.readAll(List.of(whole, lying)))
          .isInstanceOf(RepositoryCorruptException.class);
    }
  }

  private static ChunkRef sliceOf(
      ChunkRef whole, byte[] chunk, int offset, int length, ChunkIdHasher hasher) {
    return ChunkRef.slice(
        whole.id(), whole.rawLength(), offset, length, hasher.idOf(chunk, offset, length));
  }

  @Test
  void parallelReadsReturnTheRightContent() throws Exception {
    byte[] data = pages(1, 300);
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      BackupManifest m = RepoFixtures.backup(repo, id(1), data);
      List<ChunkRef> chunks = m.archives().get(0).files().get(0).chunks();
      ChunkReader reader = repo.openChunkReader();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<byte[]>> futures = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
          for (int i = 0; i < chunks.size(); i++) {
            order.add(i);
          }
        }
        Collections.shuffle(order, new java.util.Random(7));
        for (int i : order) {
          futures.add(pool.submit(() -> reader.read(chunks.get(i))));
        }
        int[] offsets = new int[chunks.size() + 1];
        for (int i = 0; i < chunks.size(); i++) {
          offsets[i + 1] = offsets[i] + chunks.get(i).rawLength();
        }
        for (int k = 0; k < order.size(); k++) {
          int i = order.get(k);
          assertThat(futures.get(k).get())
              .isEqualTo(Arrays.copyOfRange(data, offsets[i], offsets[i + 1]));
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void batchReadsUseOneRangeRequestPerPack() {
    byte[] data = pages(2, 200);
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      BackupManifest m = RepoFixtures.backup(repo, id(1), data);
      List<ChunkRef> chunks = m.archives().get(0).files().get(0).chunks();
      ChunkReader reader = repo.openChunkReader();
      Set<PackId> packs =
          chunks.stream()
              .map(c -> reader.locate(c.id()).orElseThrow().pack())
              .collect(Collectors.toSet());
      assertThat(packs.size()).isLessThan(chunks.size());

      store.resetRangeReads();
      assertThat(RepoFixtures.read(reader, chunks)).isEqualTo(data);
      assertThat(store.rangeReads()).isEqualTo(packs.size());

      // Repeats and any order are fine; results follow the request order.
      List<ChunkRef> mixed = List.of(chunks.get(3), chunks.get(0), chunks.get(3));
      List<byte[]> out = reader.readAll(mixed);
      assertThat(out.get(0)).isEqualTo(out.get(2)).isEqualTo(reader.read(chunks.get(3)));
      assertThat(out.get(1)).isEqualTo(reader.read(chunks.get(0)));
    }
  }

  @Test
  void aPackShorterThanTheIndexSaysIsDamageNamingThePack() {
    byte[] data = pages(3, 100);
    try (Repository repo = Repository.init(store, RepoFixtures.small(), RepoFixtures.open())) {
      BackupManifest m = RepoFixtures.backup(repo, id(1), data);
      List<ChunkRef> chunks = m.archives().get(0).files().get(0).chunks();
      ChunkReader reader = repo.openChunkReader();
      ChunkRef last = chunks.get(chunks.size() - 1);
      PackId pack = reader.locate(last.id()).orElseThrow().pack();
      byte[] whole = memory.get(pack.key());
      memory.put(pack.key(), Arrays.copyOf(whole, whole.length / 2));

      org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.read(last))
          .isInstanceOfSatisfying(
              RepositoryCorruptException.class,
              e -> {
                assertThat(e.object()).isEqualTo(pack.key().value());
                assertThat(e.getMessage()).contains("truncated");
              });
    }
  }
}
