package org.pghardstorage.core.repo;

import java.util.Set;
import org.pghardstorage.core.chunk.ChunkId;

/**
 * What garbage collection could remove (format spec §14). Computed under an exclusive lock it is
 * exact; computed without one ({@link Repository#previewGarbage}) it is a preview, in which the
 * packs of backups still running also look unreferenced.
 *
 * @param referencedPacks packs holding (per the index) a chunk named by some manifest
 * @param unreferencedPacks packs in {@code data/} that are not referenced
 * @param unreferencedPackBytes the stored size of the unreferenced packs
 * @param unreferencedIndexFiles index file names all of whose packs are unreferenced
 * @param unindexedChunks chunks named by a manifest but by no index entry: while this is not empty,
 *     GC must not delete anything, because those chunks may sit in packs that look unreferenced
 * @param damagedIndexFiles keys of index objects that could not be read: while this is not empty,
 *     GC must not delete anything either, because nobody knows which packs they list
 * @param orphanPostgresManifests keys of {@code backup_manifest} objects without a sibling {@code
 *     manifest}: left by a backup that failed before its commit, or a deletion that stopped halfway
 */
public record GarbageReport(
    Set<PackId> referencedPacks,
    Set<PackId> unreferencedPacks,
    long unreferencedPackBytes,
    Set<String> unreferencedIndexFiles,
    Set<ChunkId> unindexedChunks,
    Set<String> damagedIndexFiles,
    Set<String> orphanPostgresManifests) {

  /** Copies the sets. */
  public GarbageReport {
    referencedPacks = Set.copyOf(referencedPacks);
    unreferencedPacks = Set.copyOf(unreferencedPacks);
    unreferencedIndexFiles = Set.copyOf(unreferencedIndexFiles);
    unindexedChunks = Set.copyOf(unindexedChunks);
    damagedIndexFiles = Set.copyOf(damagedIndexFiles);
    orphanPostgresManifests = Set.copyOf(orphanPostgresManifests);
  }

  /**
   * Whether deleting the unreferenced objects is safe as far as the index can tell: every chunk a
   * backup names is indexed, and every index object could be read.
   */
  public boolean safeToCollect() {
    return unindexedChunks.isEmpty() && damagedIndexFiles.isEmpty();
  }
}
