package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SealedObjectCodecTest {
  private static final String KEY = "wal/db1/00000001/000000010000000000000003";

  @ParameterizedTest
  @MethodSource("org.pghardstorage.core.repo.CodecFixtures#codecs")
  void roundTripsAcrossFrames(BlobCodec blobs) {
    SealedObjectCodec codec = new SealedObjectCodec(blobs);
    for (int n : new int[] {0, 1, SealedObjectCodec.FRAME, 3 * SealedObjectCodec.FRAME + 17}) {
      byte[] raw = CodecFixtures.pageLike(n, n);
      byte[] stored = codec.encode(ObjectType.WAL_SEGMENT, KEY, raw);
      assertThat(Arrays.copyOf(stored, 4)).asString().isEqualTo("PGHO");
      assertThat(ByteBuffer.wrap(stored).getLong(8)).isEqualTo(n);
      assertThat(codec.decode(ObjectType.WAL_SEGMENT, KEY, stored)).isEqualTo(raw);
    }
  }

  @ParameterizedTest
  @MethodSource("org.pghardstorage.core.repo.CodecFixtures#codecs")
  void everyFlippedByteIsDetected(BlobCodec blobs) {
    SealedObjectCodec codec = new SealedObjectCodec(blobs);
    byte[] stored = codec.encode(ObjectType.MANIFEST, "m", CodecFixtures.pageLike(9, 3000));
    for (int i = 0; i < stored.length; i++) {
      byte[] damaged = stored.clone();
      damaged[i] ^= 0x10;
      assertThatThrownBy(() -> codec.decode(ObjectType.MANIFEST, "m", damaged))
          .as("byte %d", i)
          .isInstanceOf(DecodeException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("org.pghardstorage.core.repo.CodecFixtures#codecs")
  void bindingTypeTruncationAndTrailingBytesAreChecked(BlobCodec blobs) {
    SealedObjectCodec codec = new SealedObjectCodec(blobs);
    byte[] raw = CodecFixtures.pageLike(4, 2 * SealedObjectCodec.FRAME + 5);
    byte[] stored = codec.encode(ObjectType.WAL_SEGMENT, KEY, raw);
    assertThatThrownBy(() -> codec.decode(ObjectType.WAL_SEGMENT, KEY + ".partial", stored))
        .isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> codec.decode(ObjectType.WAL_PARTIAL, KEY, stored))
        .hasMessageContaining("object type is 3");
    byte[] truncated = Arrays.copyOf(stored, stored.length - 10);
    assertThatThrownBy(() -> codec.decode(ObjectType.WAL_SEGMENT, KEY, truncated))
        .isInstanceOf(DecodeException.class);
    byte[] longer = Arrays.copyOf(stored, stored.length + 1);
    assertThatThrownBy(() -> codec.decode(ObjectType.WAL_SEGMENT, KEY, longer))
        .hasMessageContaining("unexpected bytes");
  }
}
