package org.pghardstorage.core.repo;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.manifest.FileEntry;

/**
 * What {@link BackupWriter#writeFile} stored for one file.
 *
 * @param size plaintext bytes
 * @param chunks the chunks in order
 * @param crc32c CRC32C of the whole plaintext (PostgreSQL's backup_manifest default checksum)
 */
public record FileRef(long size, List<ChunkRef> chunks, int crc32c) {
  /** Validates the fields. */
  public FileRef {
    chunks = List.copyOf(Objects.requireNonNull(chunks, "chunks"));
  }

  /** The manifest entry of this file. */
  public FileEntry toEntry(String path, int mode, Instant mtime) {
    return FileEntry.file(path, mode, mtime, size, crc32c, chunks);
  }
}
