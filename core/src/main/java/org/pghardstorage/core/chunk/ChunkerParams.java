package org.pghardstorage.core.chunk;

/**
 * Size limits of {@code fastcdc-page-v1} (format spec §5). All sizes are multiples of {@link
 * #PAGE_SIZE}; {@code PAGE_SIZE <= min <= avg <= max <= MAX_CHUNK_SIZE}, and {@code avg /
 * PAGE_SIZE} is a power of two.
 *
 * @param minSize smallest chunk, except the last chunk of a file
 * @param avgSize the normalization point: cuts are rarer before it and likelier after it
 * @param maxSize a chunk is cut here if no earlier candidate qualified
 */
public record ChunkerParams(int minSize, int avgSize, int maxSize) {
  /** PostgreSQL's block size; cuts fall only on multiples of it from the start of a file. */
  public static final int PAGE_SIZE = 8192;

  /** Upper bound on {@code maxSize}: keeps every sealed blob within one ≤ 4 MiB AES-GCM call. */
  public static final int MAX_CHUNK_SIZE = 4 * 1024 * 1024;

  /** The defaults: 64 KiB / 256 KiB / 1 MiB. */
  public static final ChunkerParams DEFAULT = new ChunkerParams(64 * 1024, 256 * 1024, 1024 * 1024);

  /** Validates the limits, naming the offending value. */
  public ChunkerParams {
    requirePageMultiple("min_size", minSize);
    requirePageMultiple("avg_size", avgSize);
    requirePageMultiple("max_size", maxSize);
    if (!(minSize <= avgSize && avgSize <= maxSize)) {
      throw new IllegalArgumentException(
          "chunker sizes must satisfy min <= avg <= max, were min="
              + minSize
              + " avg="
              + avgSize
              + " max="
              + maxSize);
    }
    if (maxSize > MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException(
          "chunker max_size " + maxSize + " is larger than the limit " + MAX_CHUNK_SIZE);
    }
    if (Integer.bitCount(avgSize / PAGE_SIZE) != 1) {
      throw new IllegalArgumentException(
          "chunker avg_size "
              + avgSize
              + " must be a power of two times "
              + PAGE_SIZE
              + " (e.g. 131072, 262144, 524288)");
    }
  }

  private static void requirePageMultiple(String name, int value) {
    if (value < PAGE_SIZE || value % PAGE_SIZE != 0) {
      throw new IllegalArgumentException(
          "chunker "
              + name
              + " "
              + value
              + " must be a positive multiple of the page size "
              + PAGE_SIZE);
    }
  }
}
