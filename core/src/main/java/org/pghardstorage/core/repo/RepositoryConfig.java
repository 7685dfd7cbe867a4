package org.pghardstorage.core.repo;

import java.time.Instant;
import java.util.Objects;
import org.pghardstorage.core.chunk.ChunkerParams;
import org.pghardstorage.core.crypto.EncryptionMode;

/**
 * The public, secret-free part of a repository's {@code config} (format spec §4).
 *
 * @param format the repository format version
 * @param repositoryId 32 hex digits, random at init
 * @param createdAt when the repository was initialised
 * @param chunker the chunker's size limits
 * @param compressionLevel zstd level of data chunks and of sealed objects other than WAL ({@value
 *     #MIN_COMPRESSION_LEVEL}..{@value #MAX_COMPRESSION_LEVEL}, not 0)
 * @param walCompressionLevel zstd level of WAL segments, partial segments and timeline history
 *     files (same range); a {@code config} without {@code wal_level} means {@code compressionLevel}
 * @param packTargetSize writers close a pack once it holds this many bytes
 * @param encryption how objects are sealed
 */
public record RepositoryConfig(
    int format,
    String repositoryId,
    Instant createdAt,
    ChunkerParams chunker,
    int compressionLevel,
    int walCompressionLevel,
    int packTargetSize,
    EncryptionMode encryption) {

  /** The newest format this code reads and the one it writes. */
  public static final int FORMAT = 1;

  /** Smallest accepted pack target size. */
  public static final int MIN_PACK_SIZE = 64 * 1024;

  /** Largest accepted pack target size; packs must stay below 2 GiB. */
  public static final int MAX_PACK_SIZE = 1024 * 1024 * 1024;

  /** Fastest accepted zstd level: zstd's "fast" levels are negative ({@code zstd --fast=100}). */
  public static final int MIN_COMPRESSION_LEVEL = -100;

  /**
   * Strongest accepted zstd level: 20–22 are zstd's "ultra" levels, whose windows only help inputs
   * far larger than one 4 MiB blob.
   */
  public static final int MAX_COMPRESSION_LEVEL = 19;

  /** Validates the fields. */
  public RepositoryConfig {
    Objects.requireNonNull(repositoryId, "repositoryId");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(chunker, "chunker");
    Objects.requireNonNull(encryption, "encryption");
    if (format < 1 || format > FORMAT) {
      throw new IllegalArgumentException("format " + format + " is not 1.." + FORMAT);
    }
    if (!repositoryId.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException(
          "repository_id '" + repositoryId + "' is not 32 lower-case hex digits");
    }
    checkLevel("level", compressionLevel);
    checkLevel("wal_level", walCompressionLevel);
    if (packTargetSize < MIN_PACK_SIZE || packTargetSize > MAX_PACK_SIZE) {
      throw new IllegalArgumentException(
          "pack target_size " + packTargetSize + " is not " + MIN_PACK_SIZE + ".." + MAX_PACK_SIZE);
    }
  }

  /**
   * Refuses a level zstd would not apply as written: 0 means "zstd's default" to the library, which
   * is not a level a repository should record.
   */
  private static void checkLevel(String field, int level) {
    if (level == 0 || level < MIN_COMPRESSION_LEVEL || level > MAX_COMPRESSION_LEVEL) {
      throw new IllegalArgumentException(
          "compression "
              + field
              + " "
              + level
              + " is not a zstd level: use 1.."
              + MAX_COMPRESSION_LEVEL
              + ", or a fast level "
              + MIN_COMPRESSION_LEVEL
              + "..-1");
    }
  }
}
