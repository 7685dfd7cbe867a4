package org.pghardstorage.core.chunk;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The fixed gear table of {@code fastcdc-page-v1} (format spec §5): {@code G[i]} is the first 8
 * bytes, big-endian, of {@code SHA-256("pg_hardstorage/fastcdc-page-v1/gear" || u32be(i))}.
 * Deriving it instead of pasting 256 constants makes the table checkable by anyone with a SHA-256
 * tool; the tests pin a few values so it cannot drift.
 */
final class GearTable {
  static final String SEED = "pg_hardstorage/fastcdc-page-v1/gear";

  private static final long[] TABLE = derive();

  private GearTable() {}

  /** The table entry for byte value {@code b} (0–255). */
  static long get(int b) {
    return TABLE[b];
  }

  /** A copy of the table, for callers that index it in a hot loop. */
  static long[] copy() {
    return TABLE.clone();
  }

  private static long[] derive() {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] seed = SEED.getBytes(StandardCharsets.US_ASCII);
      long[] table = new long[256];
      for (int i = 0; i < 256; i++) {
        sha256.update(seed);
        sha256.update(ByteBuffer.allocate(4).putInt(i).array());
        table[i] = ByteBuffer.wrap(sha256.digest()).getLong();
      }
      return table;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
