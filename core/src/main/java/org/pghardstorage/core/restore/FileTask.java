package org.pghardstorage.core.restore;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.pghardstorage.core.repo.manifest.FileEntry;

/**
 * One regular file being restored: where it goes and the CRC32C of each chunk as it is written.
 * Chunks arrive on several threads in any order; the thread that writes the last one finishes the
 * file. Thread-safe: each chunk slot is written once, before the counter is decremented, and read
 * only by the thread whose decrement reaches zero.
 */
final class FileTask {
  private final String label;
  private final Path path;
  private final FileEntry entry;
  private final int[] chunkCrcs;
  private final AtomicInteger remaining;

  /**
   * @param label the file's path as PostgreSQL's backup_manifest names it
   * @param path where it is written
   * @param entry its manifest entry (a regular file)
   */
  FileTask(String label, Path path, FileEntry entry) {
    this.label = label;
    this.path = path;
    this.entry = entry;
    this.chunkCrcs = new int[entry.chunks().size()];
    this.remaining = new AtomicInteger(chunkCrcs.length);
  }

  String label() {
    return label;
  }

  Path path() {
    return path;
  }

  FileEntry entry() {
    return entry;
  }

  /** Records that chunk {@code index} is written; returns whether it was the last one. */
  boolean chunkWritten(int index, int crc32c) {
    chunkCrcs[index] = crc32c;
    return remaining.decrementAndGet() == 0;
  }

  /** The CRC32C of the whole file, from its chunks' CRCs in file order. */
  int crc32c() {
    int crc = 0; // the CRC32C of no bytes
    for (int i = 0; i < chunkCrcs.length; i++) {
      crc = Crc32cCombine.combine(crc, chunkCrcs[i], entry.chunks().get(i).length());
    }
    return crc;
  }
}
