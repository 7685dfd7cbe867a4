package org.pghardstorage.core.restore;

/**
 * Combines CRC32C values of consecutive pieces: {@code combine(crc(A), crc(B), |B|) == crc(A‖B)}.
 * Restore writes a file's chunks in parallel and out of order, so it checks each chunk's CRC32C as
 * it writes and joins them in file order at the end, without reading the file back.
 *
 * <p>The method is zlib's {@code crc32_combine} with the Castagnoli polynomial: appending {@code n}
 * bytes to A multiplies A's register by {@code x^(8n)} modulo the polynomial (in the reflected bit
 * order of CRC32C), and B's CRC is then xor-ed in; the pre- and post-inversions cancel out. Powers
 * {@code x^(2^k)} are precomputed, so one combination costs O(log n) 32-step multiplications.
 */
final class Crc32cCombine {
  /** CRC32C (Castagnoli) polynomial, reflected. */
  private static final int POLY = 0x82F63B78;

  /** X2N[k] = x^(2^k) mod POLY, reflected (bit 31 is x^0), for every k a long length can need. */
  private static final int[] X2N = new int[67];

  static {
    int p = 1 << 30; // x^1
    X2N[0] = p;
    for (int k = 1; k < X2N.length; k++) {
      p = multiply(p, p);
      X2N[k] = p;
    }
  }

  private Crc32cCombine() {}

  /** The CRC32C of A followed by B, from A's CRC, B's CRC and B's length in bytes. */
  static int combine(int crcA, int crcB, long lengthB) {
    if (lengthB < 0) {
      throw new IllegalArgumentException("negative length " + lengthB);
    }
    return multiply(powerOfX(lengthB, 3), crcA) ^ crcB;
  }

  /** a(x) · b(x) mod POLY, both reflected. */
  private static int multiply(int a, int b) {
    int m = 1 << 31;
    int product = 0;
    while (m != 0) {
      if ((a & m) != 0) {
        product ^= b;
        if ((a & (m - 1)) == 0) {
          break;
        }
      }
      m >>>= 1;
      b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
    }
    return product;
  }

  /** x^(n · 2^k) mod POLY: with k = 3, the operator that appends n zero bytes. */
  private static int powerOfX(long n, int k) {
    int p = 1 << 31; // x^0
    while (n != 0) {
      if ((n & 1) != 0) {
        p = multiply(X2N[k], p);
      }
      n >>>= 1;
      k++;
    }
    return p;
  }
}
