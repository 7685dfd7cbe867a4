package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cCombineTest {
  @Test
  void combiningPiecesGivesTheCrcOfTheWhole() {
    Random r = new Random(42);
    for (int round = 0; round < 200; round++) {
      byte[] data = new byte[r.nextInt(200_000)];
      r.nextBytes(data);
      int crc = 0;
      int at = 0;
      while (at < data.length) {
        int n = Math.min(data.length - at, 1 + r.nextInt(40_000));
        crc = Crc32cCombine.combine(crc, crc(data, at, n), n);
        at += n;
      }
      assertThat(crc)
          .as("round %d, %d bytes", round, data.length)
          .isEqualTo(crc(data, 0, data.length));
    }
  }

  @Test
  void emptyPiecesChangeNothing() {
    byte[] data = "PostgreSQL".getBytes();
    int whole = crc(data, 0, data.length);
    assertThat(Crc32cCombine.combine(whole, 0, 0)).isEqualTo(whole);
    assertThat(Crc32cCombine.combine(0, whole, data.length)).isEqualTo(whole);
  }

  private static int crc(byte[] data, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(data, off, len);
    return (int) c.getValue();
  }
}
