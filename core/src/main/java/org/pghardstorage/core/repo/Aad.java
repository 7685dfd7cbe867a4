package org.pghardstorage.core.repo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.pghardstorage.core.chunk.ChunkId;

/**
 * Associated data for sealing (format spec §7.2). Each starts with a domain byte so that no sealed
 * thing of one kind can be opened as another.
 */
final class Aad {
  static final byte CHUNK = 0x01;
  static final byte PACK_TRAILER = 0x02;
  static final byte OBJECT_FRAME = 0x03;

  private Aad() {}

  static byte[] chunk(ChunkId id) {
    byte[] aad = new byte[1 + ChunkId.LENGTH];
    aad[0] = CHUNK;
    id.copyTo(aad, 1);
    return aad;
  }

  static byte[] packTrailer() {
    return new byte[] {PACK_TRAILER};
  }

  static byte[] frame(byte[] header, int frameIndex, String binding) {
    byte[] b = binding.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + header.length + 4 + b.length)
        .put(OBJECT_FRAME)
        .put(header)
        .putInt(frameIndex)
        .put(b)
        .array();
  }
}
