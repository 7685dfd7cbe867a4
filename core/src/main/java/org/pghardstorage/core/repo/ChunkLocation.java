package org.pghardstorage.core.repo;

import java.util.Objects;

/**
 * Where a chunk's sealed blob is stored.
 *
 * @param pack the pack holding it
 * @param offset of the sealed blob within the pack
 * @param length of the sealed blob
 * @param rawLength of the chunk plaintext
 */
public record ChunkLocation(PackId pack, long offset, int length, int rawLength) {
  /** Validates the fields. */
  public ChunkLocation {
    Objects.requireNonNull(pack, "pack");
    if (offset < 0 || length <= 0 || rawLength < 0) {
      throw new IllegalArgumentException(
          "invalid location in pack " + pack + ": offset " + offset + ", length " + length);
    }
  }
}
