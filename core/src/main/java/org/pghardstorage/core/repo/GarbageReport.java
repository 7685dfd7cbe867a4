package org.pghardstorage.core.repo;

import java.util.Set;
import org.pghardstorage.core.chunk.ChunkId;

/**
 * What garbage collection could remove (format spec §14), computed under an exclusive lock.
 *
 * @param referencedPacks packs holding (per the index) a chunk named by some manifest
 * @param unreferencedPacks packs in {@code data/} that are not referenced
 * @param unreferencedIndexFiles index file names all of whose packs are unreferenced
 * @param unindexedChunks chunks named by a manifest but by no index entry: while this is not empty,
 *     GC must not delete anything, because those chunks may sit in packs that look unreferenced
 */
public record GarbageReport(
    Set<PackId> referencedPacks,
    Set<PackId> unreferencedPacks,
    Set<String> unreferencedIndexFiles,
    Set<ChunkId> unindexedChunks) {

  /** Copies the sets. */
  public GarbageReport {
    referencedPacks = Set.copyOf(referencedPacks);
    unreferencedPacks = Set.copyOf(unreferencedPacks);
    unreferencedIndexFiles = Set.copyOf(unreferencedIndexFiles);
    unindexedChunks = Set.copyOf(unindexedChunks);
  }

  /** Whether deleting the unreferenced objects is safe as far as the index can tell. */
  public boolean safeToCollect() {
    return unindexedChunks.isEmpty();
  }
}
