package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.crypto.BlobCipher;

class BlobCodecTest {
  private static final byte[] AAD = Aad.chunk(ChunkId.of(new byte[32]));

  @ParameterizedTest
  @MethodSource("org.pghardstorage.core.repo.CodecFixtures#codecs")
  void compressibleDataIsCompressed(BlobCodec codec) {
    byte[] raw = CodecFixtures.pageLike(1, 256 * 1024);
    byte[] sealed = codec.encode(raw, 0, raw.length, AAD);
    assertThat(sealed.length).isLessThan(raw.length / 2);
    assertThat(plainHeader(codec, sealed).get(1)).isEqualTo((byte) BlobCodec.ZSTD);
    assertThat(codec.decode(sealed, 0, sealed.length, AAD)).isEqualTo(raw);
  }

  @ParameterizedTest
  @MethodSource("org.pghardstorage.core.repo.CodecFixtures#codecs")
  void incompressibleDataIsStoredRawWithOnlyTheHeader(BlobCodec codec) {
    byte[] raw = CodecFixtures.random(2, 256 * 1024);
    byte[] sealed = codec.encode(raw, 0, raw.length, AAD);
    assertThat(sealed).hasSize(raw.length + BlobCodec.HEADER + codec.cipher().overhead());
    ByteBuffer header = plainHeader(codec, sealed);
    assertThat(header.get(0)).isEqualTo((byte) 1);
    assertThat(header.get(1)).isEqualTo((byte) BlobCodec.STORED);
    assertThat(header.getInt(4)).isEqualTo(raw.length);
    assertThat(codec.decode(sealed, 0, sealed.length, AAD)).isEqualTo(raw);
  }

  @ParameterizedTest
  @MethodSource("org.pghardstorage.core.repo.CodecFixtures#codecs")
  void aThreadsSecondBlobCarriesNothingOfItsFirst(BlobCodec codec) {
    // Each thread compresses into one reused buffer: a large blob followed by a small one must
    // give the small one's own header and bytes, not leftovers.
    byte[] large = CodecFixtures.random(3, 1 << 20);
    byte[] small = CodecFixtures.pageLike(4, 16 * 1024);
    byte[] first = codec.encode(large, 0, large.length, AAD);
    byte[] second = codec.encode(small, 0, small.length, AAD);

    ByteBuffer header = plainHeader(codec, second);
    assertThat(header.get(1)).isEqualTo((byte) BlobCodec.ZSTD);
    assertThat(header.getShort(2)).isZero();
    assertThat(header.getInt(4)).isEqualTo(small.length);
    assertThat(codec.decode(second, 0, second.length, AAD)).isEqualTo(small);
    assertThat(codec.decode(first, 0, first.length, AAD)).isEqualTo(large);
  }

  @ParameterizedTest
  @MethodSource("org.pghardstorage.core.repo.CodecFixtures#codecs")
  void emptyAndTinyInputs(BlobCodec codec) {
    for (int n : new int[] {0, 1, 2, 7}) {
      byte[] raw = new byte[n];
      byte[] sealed = codec.encode(raw, 0, n, AAD);
      assertThat(codec.decode(sealed, 0, sealed.length, AAD)).isEqualTo(raw);
    }
  }

  @ParameterizedTest
  @MethodSource("org.pghardstorage.core.repo.CodecFixtures#codecs")
  void damageAndWrongAadAreDetected(BlobCodec codec) {
    byte[] raw = CodecFixtures.pageLike(3, 10_000);
    byte[] sealed = codec.encode(raw, 0, raw.length, AAD);
    byte[] damaged = sealed.clone();
    damaged[damaged.length / 2] ^= 1;
    assertThatThrownBy(() -> codec.decode(damaged, 0, damaged.length, AAD))
        .isInstanceOf(DecodeException.class);
    byte[] other = Aad.chunk(ChunkId.parse("01".repeat(32)));
    assertThatThrownBy(() -> codec.decode(sealed, 0, sealed.length, other))
        .isInstanceOf(DecodeException.class);
  }

  @Test
  void headerLiesAreCaughtEvenWhenTheSealIsValid() {
    BlobCodec codec = new BlobCodec(BlobCipher.none(), new ZstdCodec(3));
    byte[] plain =
        ByteBuffer.allocate(12).put((byte) 1).put((byte) 0).putShort((short) 0).putInt(5).array();
    byte[] sealed = BlobCipher.none().seal(plain, AAD);
    assertThatThrownBy(() -> codec.decode(sealed, 0, sealed.length, AAD))
        .hasMessageContaining("header says 5");
    byte[] badVersion = plain.clone();
    badVersion[0] = 9;
    byte[] sealed2 = BlobCipher.none().seal(badVersion, AAD);
    assertThatThrownBy(() -> codec.decode(sealed2, 0, sealed2.length, AAD))
        .hasMessageContaining("unknown version 9");
  }

  private static ByteBuffer plainHeader(BlobCodec codec, byte[] sealed) {
    return ByteBuffer.wrap(codec.cipher().open(sealed, AAD));
  }
}
