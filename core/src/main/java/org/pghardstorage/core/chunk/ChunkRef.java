package org.pghardstorage.core.chunk;

import java.util.Objects;

/**
 * A reference to one chunk of a file: its id and plaintext length. A file is the concatenation of
 * its chunk refs in order, so offsets follow from the lengths.
 *
 * @param id the chunk's keyed id
 * @param rawLength plaintext length in bytes, 1 to {@link ChunkerParams#MAX_CHUNK_SIZE}
 */
public record ChunkRef(ChunkId id, int rawLength) {
  /** Validates the fields. */
  public ChunkRef {
    Objects.requireNonNull(id, "id");
    if (rawLength < 1 || rawLength > ChunkerParams.MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException(
          "chunk "
              + id
              + " has raw length "
              + rawLength
              + ", outside 1.."
              + ChunkerParams.MAX_CHUNK_SIZE);
    }
  }
}
