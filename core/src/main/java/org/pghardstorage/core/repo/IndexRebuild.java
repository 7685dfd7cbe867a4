package org.pghardstorage.core.repo;

import java.util.List;

/**
 * What one index rebuild did ({@link Repository#rebuildIndex}, format spec §14.1).
 *
 * @param packsScanned packs whose footer and trailer were read
 * @param packsIndexed packs no intact index file listed, now listed by a new one
 * @param indexFilesWritten keys of the index files written
 * @param damagedIndexFilesRemoved keys of the damaged index objects deleted
 * @param damagedIndexFilesReplaced keys of the damaged index objects overwritten with their rebuilt
 *     content: an index file is named by its content's hash, so a rebuild that lists the same packs
 *     the same way writes the very object that was damaged
 * @param damagedPacks packs whose footer or trailer is damaged: they could not be indexed, and
 *     chunks only they hold cannot be read; {@code pg_hardstorage verify} names the backups hit
 */
public record IndexRebuild(
    int packsScanned,
    int packsIndexed,
    List<String> indexFilesWritten,
    List<String> damagedIndexFilesRemoved,
    List<String> damagedIndexFilesReplaced,
    List<DamagedObject> damagedPacks) {

  /** Copies the lists. */
  public IndexRebuild {
    indexFilesWritten = List.copyOf(indexFilesWritten);
    damagedIndexFilesRemoved = List.copyOf(damagedIndexFilesRemoved);
    damagedIndexFilesReplaced = List.copyOf(damagedIndexFilesReplaced);
    damagedPacks = List.copyOf(damagedPacks);
  }

  /** Whether the index is whole now: every pack was read and is listed by an intact index file. */
  public boolean complete() {
    return damagedPacks.isEmpty();
  }
}
