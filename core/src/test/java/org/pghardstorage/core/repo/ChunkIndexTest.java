package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkIdHasher;

class ChunkIndexTest {
  private static final ChunkIdHasher HASHER = new ChunkIdHasher(new byte[32]);

  static ChunkId id(int i) {
    return HASHER.idOf(ByteBuffer.allocate(4).putInt(i).array());
  }

  @Test
  void findsEveryEntryAcrossGrowth() {
    ChunkIndex index = new ChunkIndex();
    int n = 50_000;
    for (int p = 0; p < n / 100; p++) {
      List<PackEntry> entries = new ArrayList<>();
      for (int e = 0; e < 100; e++) {
        entries.add(new PackEntry(id(p * 100 + e), e * 1000L, 1000, 2000 + e));
      }
      assertThat(index.addPack(PackId.of(new byte[] {(byte) p, (byte) (p >> 8)}), entries))
          .isEqualTo(100);
    }
    assertThat(index.size()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      ChunkLocation loc = index.find(id(i)).orElseThrow();
      assertThat(loc.offset()).isEqualTo((i % 100) * 1000L);
      assertThat(loc.rawLength()).isEqualTo(2000 + i % 100);
    }
    assertThat(index.find(id(n + 1))).isEmpty();
    assertThat(index.contains(id(n + 1))).isFalse();
  }

  @Test
  void firstEntryWins() {
    ChunkIndex index = new ChunkIndex();
    PackId a = PackId.of(new byte[] {1});
    PackId b = PackId.of(new byte[] {2});
    index.addPack(a, List.of(new PackEntry(id(1), 0, 10, 10)));
    assertThat(
            index.addPack(
                b, List.of(new PackEntry(id(1), 50, 10, 10), new PackEntry(id(2), 60, 5, 5))))
        .isEqualTo(1);
    assertThat(index.find(id(1)).orElseThrow().pack()).isEqualTo(a);
    assertThat(index.find(id(2)).orElseThrow().pack()).isEqualTo(b);
    Set<PackId> packs = new HashSet<>();
    index.forEachPack(packs::add);
    assertThat(packs).containsExactlyInAnyOrder(a, b);
  }
}
