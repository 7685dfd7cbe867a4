package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkIdHasher;

class PackFormatTest {
  private static final ChunkIdHasher HASHER = new ChunkIdHasher(new byte[32]);

  @ParameterizedTest
  @MethodSource("org.pghardstorage.core.repo.CodecFixtures#codecs")
  void packIsSelfDescribing(BlobCodec codec) {
    PackBuilder builder = new PackBuilder(1024);
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] raw = i % 2 == 0 ? CodecFixtures.pageLike(i, 20_000) : CodecFixtures.random(i, 9000);
      chunks.add(raw);
      ChunkId id = HASHER.idOf(raw);
      builder.add(id, codec.encode(raw, 0, raw.length, Aad.chunk(id)), raw.length);
    }
    PackBuilder.FinishedPack pack = builder.finish(codec.cipher());
    assertThat(pack.id()).isEqualTo(PackId.of(pack.bytes()));
    assertThat(Arrays.copyOfRange(pack.bytes(), pack.bytes().length - 8, pack.bytes().length))
        .asString()
        .isEqualTo("PGHSPACK");

    List<PackEntry> entries = PackFormat.entries(pack.bytes(), codec.cipher());
    assertThat(entries).isEqualTo(pack.entries());
    for (int i = 0; i < 5; i++) {
      PackEntry e = entries.get(i);
      assertThat(e.id()).isEqualTo(HASHER.idOf(chunks.get(i)));
      assertThat(e.rawLength()).isEqualTo(chunks.get(i).length);
      byte[] back = codec.decode(pack.bytes(), (int) e.offset(), e.length(), Aad.chunk(e.id()));
      assertThat(back).isEqualTo(chunks.get(i));
    }
  }

  @Test
  void footerChecks() {
    BlobCodec codec = CodecFixtures.codecs().findFirst().orElseThrow();
    PackBuilder builder = new PackBuilder(16);
    ChunkId id = HASHER.idOf(new byte[] {1});
    builder.add(id, codec.encode(new byte[] {1}, 0, 1, Aad.chunk(id)), 1);
    byte[] pack = builder.finish(codec.cipher()).bytes();
    byte[] badMagic = pack.clone();
    badMagic[pack.length - 1] = 'X';
    assertThatThrownBy(() -> PackFormat.entries(badMagic, codec.cipher()))
        .hasMessageContaining("PGHSPACK");
    byte[] badLength = pack.clone();
    ByteBuffer.wrap(badLength).putInt(pack.length - 16, 1 << 30);
    assertThatThrownBy(() -> PackFormat.entries(badLength, codec.cipher()))
        .hasMessageContaining("does not fit");
    byte[] badCipher = pack.clone();
    badCipher[pack.length - 11] = 1;
    assertThatThrownBy(() -> PackFormat.entries(badCipher, codec.cipher()))
        .hasMessageContaining("cipher id 1");
  }

  @Test
  void indexFileRoundTrip() {
    Map<PackId, List<PackEntry>> packs = new LinkedHashMap<>();
    for (int p = 0; p < 3; p++) {
      List<PackEntry> entries = new ArrayList<>();
      long offset = 0;
      for (int e = 0; e < 4; e++) {
        entries.add(
            new PackEntry(HASHER.idOf(new byte[] {(byte) p, (byte) e}), offset, 100 + e, 90));
        offset += 100 + e;
      }
      packs.put(PackId.of(new byte[] {(byte) p}), entries);
    }
    byte[] plain = IndexFileCodec.encode(packs);
    assertThat(plain).hasSize(8 + 3 * (32 + 4 + 4 * 48));
    assertThat(IndexFileCodec.decode(plain)).isEqualTo(packs);
    assertThatThrownBy(() -> IndexFileCodec.decode(Arrays.copyOf(plain, plain.length - 1)))
        .isInstanceOf(DecodeException.class);
  }
}
