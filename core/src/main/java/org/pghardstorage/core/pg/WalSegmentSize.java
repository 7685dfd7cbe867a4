package org.pghardstorage.core.pg;

/**
 * The size of one WAL segment file ({@code wal_segment_size}, fixed at {@code initdb}): a power of
 * two from 1 MiB to 1 GiB, 16 MiB by default.
 */
public final class WalSegmentSize {
  /** PostgreSQL's default, 16 MiB. */
  public static final WalSegmentSize DEFAULT = new WalSegmentSize(16L * 1024 * 1024);

  private static final long MIN = 1L << 20;
  private static final long MAX = 1L << 30;

  private final long bytes;

  private WalSegmentSize(long bytes) {
    this.bytes = bytes;
  }

  /**
   * The segment size of {@code bytes} bytes.
   *
   * @throws IllegalArgumentException if it is not a power of two between 1 MiB and 1 GiB
   */
  public static WalSegmentSize ofBytes(long bytes) {
    if (bytes < MIN || bytes > MAX || Long.bitCount(bytes) != 1) {
      throw new IllegalArgumentException(
          "invalid WAL segment size "
              + bytes
              + " bytes: must be a power of two between 1 MiB and 1 GiB");
    }
    return bytes == DEFAULT.bytes ? DEFAULT : new WalSegmentSize(bytes);
  }

  /** The size in bytes. */
  public long bytes() {
    return bytes;
  }

  /**
   * How many segments share one "xlogid" (the middle eight hex digits of a segment name): 2^32
   * bytes of WAL divided by the segment size.
   */
  public long segmentsPerXLogId() {
    return 0x100000000L / bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WalSegmentSize other && other.bytes == bytes;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bytes);
  }

  @Override
  public String toString() {
    return bytes % MIN == 0 ? (bytes / MIN) + "MB" : bytes + "B";
  }
}
