package org.pghardstorage.core.repo;

import java.util.Objects;
import org.pghardstorage.core.chunk.ChunkId;

/**
 * One blob of a pack: a 48-byte entry in pack trailers and index files (format spec §8).
 *
 * @param id the chunk id
 * @param offset of the sealed blob in the pack
 * @param length of the sealed blob
 * @param rawLength of the chunk plaintext
 */
record PackEntry(ChunkId id, long offset, int length, int rawLength) {
  PackEntry {
    Objects.requireNonNull(id, "id");
    if (offset < 0 || length <= 0 || rawLength < 0) {
      throw new IllegalArgumentException(
          "invalid pack entry for chunk "
              + id
              + ": offset "
              + offset
              + ", length "
              + length
              + ", raw length "
              + rawLength);
    }
  }
}
