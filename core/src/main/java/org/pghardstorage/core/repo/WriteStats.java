package org.pghardstorage.core.repo;

import org.pghardstorage.core.repo.manifest.BackupStats;

/**
 * Counters of a {@link BackupWriter} so far.
 *
 * @param files files written
 * @param bytesRead plaintext bytes read
 * @param chunksTotal chunk references returned
 * @param chunksNew chunks stored because the repository did not hold them
 * @param bytesNew raw bytes of those chunks
 * @param bytesStored sealed bytes of those chunks
 * @param packsStored packs uploaded
 */
public record WriteStats(
    long files,
    long bytesRead,
    long chunksTotal,
    long chunksNew,
    long bytesNew,
    long bytesStored,
    long packsStored) {

  /** The manifest's statistics block. */
  public BackupStats toBackupStats() {
    return BackupStats.of(bytesRead, bytesNew, bytesStored, chunksTotal, chunksNew);
  }
}
