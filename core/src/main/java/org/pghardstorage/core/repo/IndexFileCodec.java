package org.pghardstorage.core.repo;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plaintext of an index file (format spec §9): {@code u8 version = 1, 3 reserved, u32
 * pack_count}, then per pack its id, {@code u32 entry_count} and 48-byte entries.
 */
final class IndexFileCodec {
  static final int VERSION = 1;

  private IndexFileCodec() {}

  static byte[] encode(Map<PackId, List<PackEntry>> packs) {
    long size = 8;
    for (List<PackEntry> entries : packs.values()) {
      size += PackId.LENGTH + 4 + (long) PackFormat.ENTRY * entries.size();
    }
    if (size > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("index file of " + size + " bytes is too large");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size);
    out.put((byte) VERSION).put(new byte[3]).putInt(packs.size());
    byte[] id = new byte[PackId.LENGTH];
    for (Map.Entry<PackId, List<PackEntry>> pack : packs.entrySet()) {
      pack.getKey().copyTo(id, 0);
      out.put(id).putInt(pack.getValue().size());
      PackFormat.putEntries(out, pack.getValue());
    }
    return out.array();
  }

  /**
   * Decodes an index file's plaintext.
   *
   * @throws DecodeException if it is malformed
   */
  static Map<PackId, List<PackEntry>> decode(byte[] plain) {
    ByteBuffer in = ByteBuffer.wrap(plain);
    if (plain.length < 8 || in.get() != VERSION) {
      throw new DecodeException("index body has unknown version or is truncated");
    }
    in.position(4);
    int packCount = in.getInt();
    Map<PackId, List<PackEntry>> out = new LinkedHashMap<>();
    for (int p = 0; p < packCount; p++) {
      if (in.remaining() < PackId.LENGTH + 4) {
        throw new DecodeException("index is truncated in pack " + p + " of " + packCount);
      }
      PackId pack = PackId.fromBytes(plain, in.position());
      in.position(in.position() + PackId.LENGTH);
      int count = in.getInt();
      if (count < 1) {
        throw new DecodeException("index lists pack " + pack + " with " + count + " entries");
      }
      out.put(pack, PackFormat.getEntries(in, count));
    }
    if (in.hasRemaining()) {
      throw new DecodeException(in.remaining() + " unexpected bytes after the last pack");
    }
    return out;
  }
}
