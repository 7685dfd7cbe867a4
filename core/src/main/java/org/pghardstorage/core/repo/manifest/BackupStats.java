package org.pghardstorage.core.repo.manifest;

/**
 * What a backup read and stored (format spec §10).
 *
 * @param bytesRead plaintext bytes of all files
 * @param bytesNew raw bytes of chunks stored for the first time
 * @param bytesStored sealed bytes of those chunks in packs
 * @param chunksTotal chunk references in the manifest
 * @param chunksNew chunks stored for the first time
 * @param dedupRatio {@code (bytesRead − bytesNew) / bytesRead}, 0 when nothing was read
 */
public record BackupStats(
    long bytesRead,
    long bytesNew,
    long bytesStored,
    long chunksTotal,
    long chunksNew,
    double dedupRatio) {

  /** Validates the fields. */
  public BackupStats {
    if (bytesRead < 0 || bytesNew < 0 || bytesStored < 0 || chunksTotal < 0 || chunksNew < 0) {
      throw new IllegalArgumentException("backup statistics must not be negative");
    }
    if (!(dedupRatio >= 0 && dedupRatio <= 1)) {
      throw new IllegalArgumentException("dedup_ratio " + dedupRatio + " is not in [0, 1]");
    }
  }

  /** Statistics with the ratio computed from the counts. */
  public static BackupStats of(
      long bytesRead, long bytesNew, long bytesStored, long chunksTotal, long chunksNew) {
    double ratio =
        bytesRead == 0 ? 0 : Math.max(0, Math.min(1, (bytesRead - bytesNew) / (double) bytesRead));
    return new BackupStats(bytesRead, bytesNew, bytesStored, chunksTotal, chunksNew, ratio);
  }
}
