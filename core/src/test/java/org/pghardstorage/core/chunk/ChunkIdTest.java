package org.pghardstorage.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkIdTest {
  @Test
  void hexRoundTripAndOrder() {
    ChunkId a = ChunkId.parse("00".repeat(31) + "01");
    ChunkId b = ChunkId.parse("ff" + "00".repeat(31));
    assertThat(ChunkId.parse(a.hex())).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a).isLessThan(b);
    assertThat(b.toString()).startsWith("ff00");
  }

  @Test
  void rejectsBadText() {
    assertThatThrownBy(() -> ChunkId.parse("abc")).hasMessageContaining("'abc'");
    assertThatThrownBy(() -> ChunkId.parse("AB".repeat(32))).hasMessageContaining("lower-case");
    assertThatThrownBy(() -> ChunkId.of(new byte[31])).hasMessageContaining("got 31");
  }

  @Test
  void idsAreKeyed() {
    byte[] data = "the same page".getBytes(StandardCharsets.UTF_8);
    byte[] key1 = new byte[32];
    byte[] key2 = new byte[32];
    key2[0] = 1;
    ChunkIdHasher h1 = new ChunkIdHasher(key1);
    ChunkIdHasher h2 = new ChunkIdHasher(key2);
    assertThat(h1.idOf(data)).isEqualTo(h1.idOf(data.clone()));
    assertThat(h1.idOf(data)).isNotEqualTo(h2.idOf(data));
    assertThat(h1.matches(h1.idOf(data), data)).isTrue();
    assertThat(h2.matches(h1.idOf(data), data)).isFalse();
  }

  @Test
  void hmacMatchesAnIndependentImplementation() {
    // Computed with Python: hmac.new(bytes(32), b"abc", hashlib.sha256).hexdigest()
    ChunkIdHasher hasher = new ChunkIdHasher(new byte[32]);
    assertThat(hasher.idOf("abc".getBytes(StandardCharsets.US_ASCII)).hex())
        .isEqualTo("fd7adb152c05ef80dccf50a1fa4c05d5a3ec6da95575fc312ae7c5d091836351");
  }

  @Test
  void chunkRefValidatesLength() {
    ChunkId id = ChunkId.parse("11".repeat(32));
    assertThatThrownBy(() -> new ChunkRef(id, 0)).hasMessageContaining("raw length 0");
    assertThat(new ChunkRef(id, 8192).rawLength()).isEqualTo(8192);
  }
}
