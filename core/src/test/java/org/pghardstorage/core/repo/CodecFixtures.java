package org.pghardstorage.core.repo;

import java.util.Random;
import java.util.stream.Stream;
import org.pghardstorage.core.crypto.BlobCipher;

/** Codecs for both cipher modes, shared by the codec tests. */
final class CodecFixtures {
  private CodecFixtures() {}

  static Stream<BlobCodec> codecs() {
    byte[] key = new byte[32];
    new Random(5).nextBytes(key);
    return Stream.of(
        new BlobCodec(BlobCipher.none(), new ZstdCodec(3)),
        new BlobCodec(BlobCipher.aes256Gcm(key), new ZstdCodec(3)));
  }

  static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Page-like data: compressible but not trivial. */
  static byte[] pageLike(long seed, int n) {
    byte[] b = new byte[n];
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 97 < 40 ? r.nextInt(8) : i % 13);
    }
    return b;
  }
}
