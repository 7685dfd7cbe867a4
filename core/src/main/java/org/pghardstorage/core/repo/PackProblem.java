package org.pghardstorage.core.repo;

import java.util.Objects;
import java.util.Optional;
import org.pghardstorage.core.chunk.ChunkId;

/**
 * One thing wrong with a pack, found by {@link Repository#verifyPack}.
 *
 * @param kind what is wrong
 * @param pack the pack
 * @param chunk the chunk concerned, when one is known
 * @param detail a human-readable explanation
 */
public record PackProblem(Kind kind, PackId pack, Optional<ChunkId> chunk, String detail) {
  /** Validates the fields. */
  public PackProblem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(pack, "pack");
    Objects.requireNonNull(chunk, "chunk");
    Objects.requireNonNull(detail, "detail");
  }

  /** Kinds of problems. All but {@link #UNINDEXED} mean damaged or missing data. */
  public enum Kind {
    /** The pack object does not exist. */
    MISSING,
    /** The pack's SHA-256 is not its name. */
    HASH_MISMATCH,
    /** The footer or sealed trailer cannot be read; blobs were checked from the index instead. */
    TRAILER_UNREADABLE,
    /** A blob does not open or decompress. */
    BLOB_UNREADABLE,
    /** A blob decodes to content whose keyed id is not the chunk's id. */
    ID_MISMATCH,
    /** A blob decodes to a length other than its recorded raw length. */
    LENGTH_MISMATCH,
    /** The index places a chunk in this pack, but the trailer does not list it there. */
    NOT_IN_PACK,
    /** The trailer and the index disagree on a chunk's offset or lengths. */
    INDEX_MISMATCH,
    /** The trailer lists a chunk no index file names: not damage, but not usable until indexed. */
    UNINDEXED
  }

  /** A one-line description naming the pack and chunk. */
  public String describe() {
    return kind + " in pack " + pack + chunk.map(c -> ", chunk " + c).orElse("") + ": " + detail;
  }
}
