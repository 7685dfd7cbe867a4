package org.pghardstorage.core.restore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.ChunkLocation;

/**
 * Cuts the chunks of a set of files into batches for {@link FetchBatch}: each distinct chunk is
 * fetched once for all the places it goes (deduplicated data, such as runs of zero pages, is
 * downloaded once), chunks are ordered by pack and offset so one batch reads a contiguous stretch
 * of one pack, and a batch writes at most about {@code batchBytes}, which bounds a worker's memory.
 */
final class FetchPlanner {
  private FetchPlanner() {}

  static List<List<FetchBatch.Fetch>> plan(
      List<FileTask> files, Map<ChunkId, ChunkLocation> locations, long batchBytes) {
    // Keyed by the whole ref: two slices of one chunk are two different pieces of content.
    Map<ChunkRef, List<FetchBatch.Placement>> placements = new LinkedHashMap<>();
    for (FileTask file : files) {
      long offset = 0;
      List<ChunkRef> chunks = file.entry().chunks();
      for (int i = 0; i < chunks.size(); i++) {
        ChunkRef ref = chunks.get(i);
        placements
            .computeIfAbsent(ref, r -> new ArrayList<>())
            .add(new FetchBatch.Placement(file, i, offset));
        offset += ref.length();
      }
    }
    List<FetchBatch.Fetch> fetches = new ArrayList<>();
    for (Map.Entry<ChunkRef, List<FetchBatch.Placement>> e : placements.entrySet()) {
      splitByWrites(e.getKey(), e.getValue(), batchBytes, fetches);
    }
    fetches.sort(
        Comparator.comparing((FetchBatch.Fetch f) -> locations.get(f.ref().id()).pack())
            .thenComparingLong(f -> locations.get(f.ref().id()).offset())
            .thenComparingInt(f -> f.ref().offset()));
    List<List<FetchBatch.Fetch>> batches = new ArrayList<>();
    List<FetchBatch.Fetch> current = new ArrayList<>();
    long written = 0;
    for (FetchBatch.Fetch f : fetches) {
      long bytes = (long) f.ref().length() * f.placements().size();
      if (!current.isEmpty() && written + bytes > batchBytes) {
        batches.add(current);
        current = new ArrayList<>();
        written = 0;
      }
      current.add(f);
      written += bytes;
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /**
   * A chunk used in very many places (zero pages of a large sparse table) would make one batch
   * write gigabytes; its places are spread over several fetches, each re-reading the chunk.
   */
  private static void splitByWrites(
      ChunkRef ref,
      List<FetchBatch.Placement> places,
      long batchBytes,
      List<FetchBatch.Fetch> out) {
    int perFetch = (int) Math.max(1, batchBytes / ref.length());
    for (int from = 0; from < places.size(); from += perFetch) {
      int to = Math.min(places.size(), from + perFetch);
      out.add(new FetchBatch.Fetch(ref, List.copyOf(places.subList(from, to))));
    }
  }
}
