package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.ChunkLocation;
import org.pghardstorage.core.repo.PackId;
import org.pghardstorage.core.repo.manifest.FileEntry;

class FetchPlannerTest {
  private static final PackId P1 = PackId.parse("11".repeat(32));
  private static final PackId P2 = PackId.parse("22".repeat(32));

  @Test
  void batchesAreBoundedOrderedByPackAndFetchEachChunkOnce() {
    ChunkRef zero = ref(0, 1 << 20);
    List<ChunkRef> big = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      big.add(ref(i, 1 << 20));
    }
    Map<ChunkId, ChunkLocation> locs = new HashMap<>();
    locs.put(zero.id(), new ChunkLocation(P2, 0, 100, 1 << 20));
    for (int i = 0; i < big.size(); i++) {
      // Written in reverse order into pack 1, so file order differs from pack order.
      locs.put(big.get(i).id(), new ChunkLocation(P1, (5 - i) * 1000L, 1000, 1 << 20));
    }
    List<ChunkRef> sparse = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sparse.add(zero);
    }
    List<FileTask> files = List.of(task("a", big), task("zeros", sparse));

    List<List<FetchBatch.Fetch>> batches = FetchPlanner.plan(files, locs, 4L << 20);

    for (List<FetchBatch.Fetch> b : batches) {
      long written =
          b.stream().mapToLong(f -> (long) f.ref().rawLength() * f.placements().size()).sum();
      assertThat(written).isLessThanOrEqualTo(4L << 20);
    }
    List<FetchBatch.Fetch> all = batches.stream().flatMap(List::stream).toList();
    List<Long> order = new ArrayList<>();
    for (FetchBatch.Fetch f : all) {
      ChunkLocation l = locs.get(f.ref().id());
      order.add((l.pack().equals(P1) ? 0 : 1_000_000L) + l.offset());
    }
    assertThat(order).isSorted();
    assertThat(
            all.stream()
                .filter(f -> f.ref().equals(zero))
                .mapToInt(f -> f.placements().size())
                .sum())
        .isEqualTo(10);
    assertThat(all.stream().filter(f -> !f.ref().equals(zero)).count()).isEqualTo(6);
    // The zero chunk's 10 MiB of writes are spread over 3 fetches of at most 4 MiB.
    assertThat(all.stream().filter(f -> f.ref().equals(zero)).count()).isEqualTo(3);
  }

  private static FileTask task(String name, List<ChunkRef> chunks) {
    long size = chunks.stream().mapToLong(ChunkRef::rawLength).sum();
    return new FileTask(
        name, Path.of("/x", name), FileEntry.file(name, 0600, Instant.EPOCH, size, 0, chunks));
  }

  private static ChunkRef ref(int n, int length) {
    byte[] id = new byte[32];
    id[0] = (byte) n;
    return new ChunkRef(ChunkId.of(id), length);
  }
}
