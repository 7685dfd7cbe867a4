package org.pghardstorage.core.repo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.pghardstorage.core.storage.ObjectKey;

/** A pack's id: the SHA-256 of the pack's bytes; stored at {@code data/<2 hex>/<64 hex>}. */
public final class PackId implements Comparable<PackId> {
  /** Length in bytes. */
  public static final int LENGTH = 32;

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private PackId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The id of a pack with these bytes. */
  public static PackId of(byte[] packBytes) {
    return new PackId(sha256(packBytes));
  }

  /** An id from {@code LENGTH} bytes of {@code src} at {@code offset} (copied). */
  static PackId fromBytes(byte[] src, int offset) {
    return new PackId(Arrays.copyOfRange(src, offset, offset + LENGTH));
  }

  /**
   * Parses 64 lower-case hex digits.
   *
   * @throws IllegalArgumentException naming the bad text
   */
  public static PackId parse(String hex) {
    Objects.requireNonNull(hex, "hex");
    if (!isValid(hex)) {
      throw new IllegalArgumentException(
          "invalid pack id '" + hex + "': expected " + 2 * LENGTH + " lower-case hex digits");
    }
    return new PackId(HEX.parseHex(hex));
  }

  static boolean isValid(String hex) {
    return hex.length() == 2 * LENGTH
        && hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }

  /** The pack's key: {@code data/<first 2 hex>/<64 hex>}. */
  public ObjectKey key() {
    String hex = hex();
    return ObjectKey.of("data/" + hex.substring(0, 2) + "/" + hex);
  }

  /** Copies the 32 bytes into {@code dst} at {@code offset}. */
  void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, LENGTH);
  }

  /** The 64 hex digits. */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public int compareTo(PackId other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PackId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
