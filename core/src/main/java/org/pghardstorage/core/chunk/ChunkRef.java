package org.pghardstorage.core.chunk;

import java.util.Objects;
import java.util.Optional;

/**
 * A reference to one chunk, or to a slice of one, in a file: a file is the concatenation of the
 * bytes its refs contribute ({@link #length()}), in order, so offsets follow from the lengths.
 *
 * <p>A whole ref contributes the chunk's plaintext. A sliced ref contributes {@code [offset, offset
 * + length)} of it and records the keyed id of those bytes, so a reader checks the slice as
 * strictly as a chunk (format spec §10: a writer that cuts a file at the previous backup's
 * boundaries refers to the unchanged pages of a changed chunk by slice).
 *
 * @param id the chunk's keyed id
 * @param rawLength the chunk's plaintext length in bytes, 1 to {@link ChunkerParams#MAX_CHUNK_SIZE}
 * @param slice the part of the chunk this ref contributes; {@code null} for the whole chunk
 */
public record ChunkRef(ChunkId id, int rawLength, Slice slice) {
  /**
   * A part of a chunk's plaintext, never the whole of it.
   *
   * @param offset first byte, {@code >= 0}
   * @param length bytes, {@code >= 1}
   * @param id the keyed id of exactly those bytes
   */
  public record Slice(int offset, int length, ChunkId id) {
    /** Validates the fields. */
    public Slice {
      Objects.requireNonNull(id, "id");
      if (offset < 0 || length < 1) {
        throw new IllegalArgumentException(
            "slice [" + offset + ", +" + length + ") needs offset >= 0 and length >= 1");
      }
    }
  }

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
    if (slice != null
        && ((long) slice.offset() + slice.length() > rawLength || slice.length() == rawLength)) {
      throw new IllegalArgumentException(
          "slice ["
              + slice.offset()
              + ", +"
              + slice.length()
              + ") of chunk "
              + id
              + " is not a proper part of its "
              + rawLength
              + " bytes");
    }
  }

  /** A reference to the whole chunk. */
  public ChunkRef(ChunkId id, int rawLength) {
    this(id, rawLength, null);
  }

  /** A reference to {@code length} bytes of chunk {@code id} from {@code offset}. */
  public static ChunkRef slice(ChunkId id, int rawLength, int offset, int length, ChunkId sliceId) {
    return new ChunkRef(id, rawLength, new Slice(offset, length, sliceId));
  }

  /** The slice, if this ref contributes only part of the chunk. */
  public Optional<Slice> part() {
    return Optional.ofNullable(slice);
  }

  /** Bytes this ref contributes to its file. */
  public int length() {
    return slice == null ? rawLength : slice.length();
  }

  /** Where in the chunk those bytes start. */
  public int offset() {
    return slice == null ? 0 : slice.offset();
  }

  /** The keyed id of the bytes this ref contributes: the chunk's, or the slice's. */
  public ChunkId contentId() {
    return slice == null ? id : slice.id();
  }
}
