package org.pghardstorage.core.chunk;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The identity of a chunk: {@code HMAC-SHA-256(id key, plaintext)}, 32 bytes, written as 64
 * lower-case hex digits. Immutable; ordered byte-wise (the same order as the hex text).
 */
public final class ChunkId implements Comparable<ChunkId> {
  /** Length of an id in bytes. */
  public static final int LENGTH = 32;

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private ChunkId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** An id from its 32 bytes (copied). */
  public static ChunkId of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "a chunk id has " + LENGTH + " bytes, got " + bytes.length);
    }
    return new ChunkId(bytes.clone());
  }

  /** An id from {@code LENGTH} bytes of {@code src} starting at {@code offset} (copied). */
  public static ChunkId of(byte[] src, int offset) {
    return new ChunkId(Arrays.copyOfRange(src, offset, offset + LENGTH));
  }

  /**
   * Parses 64 lower-case hex digits.
   *
   * @throws IllegalArgumentException naming the bad text
   */
  public static ChunkId parse(String hex) {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != 2 * LENGTH || !hex.chars().allMatch(ChunkId::isLowerHex)) {
      throw new IllegalArgumentException(
          "invalid chunk id '" + hex + "': expected " + 2 * LENGTH + " lower-case hex digits");
    }
    return new ChunkId(HEX.parseHex(hex));
  }

  /** A copy of the 32 bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Copies the 32 bytes into {@code dst} at {@code offset}. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, LENGTH);
  }

  /** The 64 hex digits. */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public int compareTo(ChunkId other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChunkId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    // The id is a MAC output: any 4 bytes are uniformly distributed.
    return (bytes[0] & 0xff) << 24
        | (bytes[1] & 0xff) << 16
        | (bytes[2] & 0xff) << 8
        | bytes[3] & 0xff;
  }

  @Override
  public String toString() {
    return hex();
  }

  static boolean isLowerHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }
}
