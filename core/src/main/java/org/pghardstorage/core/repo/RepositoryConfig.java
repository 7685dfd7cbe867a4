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
 * @param compressionLevel zstd level used by writers (1–19)
 * @param packTargetSize writers close a pack once it holds this many bytes
 * @param encryption how objects are sealed
 */
public record RepositoryConfig(
    int format,
    String repositoryId,
    Instant createdAt,
    ChunkerParams chunker,
    int compressionLevel,
    int packTargetSize,
    EncryptionMode encryption) {

  /** The newest format this code reads and the one it writes. */
  public static final int FORMAT = 1;

  /** Smallest accepted pack target size. */
  public static final int MIN_PACK_SIZE = 64 * 1024;

  /** Largest accepted pack target size; packs must stay below 2 GiB. */
  public static final int MAX_PACK_SIZE = 1024 * 1024 * 1024;

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
    if (compressionLevel < 1 || compressionLevel > 19) {
      throw new IllegalArgumentException("zstd level " + compressionLevel + " is not 1..19");
    }
    if (packTargetSize < MIN_PACK_SIZE || packTargetSize > MAX_PACK_SIZE) {
      throw new IllegalArgumentException(
          "pack target_size " + packTargetSize + " is not " + MIN_PACK_SIZE + ".." + MAX_PACK_SIZE);
    }
  }
}
