package org.pghardstorage.core.repo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.crypto.BlobCipher;
import org.pghardstorage.core.crypto.IntegrityException;

/**
 * Byte layout of packs (format spec §8): blobs, a sealed trailer listing them, and a 16-byte clear
 * footer {@code u32 trailer_length, u8 version, u8 cipher id, u16 reserved, "PGHSPACK"}. Entries
 * (48 bytes: id, u64 offset, u32 length, u32 raw length) are shared with index files.
 */
final class PackFormat {
  static final int FOOTER = 16;
  static final int VERSION = 1;
  static final int TRAILER_VERSION = 1;
  static final int ENTRY = ChunkId.LENGTH + 16;
  private static final byte[] MAGIC = "PGHSPACK".getBytes(StandardCharsets.US_ASCII);

  private PackFormat() {}

  /** Writes {@code entries} in the 48-byte layout. */
  static void putEntries(ByteBuffer out, List<PackEntry> entries) {
    byte[] id = new byte[ChunkId.LENGTH];
    for (PackEntry e : entries) {
      e.id().copyTo(id, 0);
      out.put(id).putLong(e.offset()).putInt(e.length()).putInt(e.rawLength());
    }
  }

  /**
   * Reads {@code count} entries from {@code in}'s position. The count is checked against the bytes
   * present before anything is allocated for it, and every length against the largest blob a writer
   * makes, so a forged entry cannot make a reader request gigabytes.
   */
  static List<PackEntry> getEntries(ByteBuffer in, int count) {
    if (count < 0 || (long) count * ENTRY > in.remaining()) {
      throw new DecodeException(
          Integer.toUnsignedString(count)
              + " entries do not fit in the remaining "
              + in.remaining()
              + " bytes");
    }
    List<PackEntry> out = new ArrayList<>(count);
    byte[] id = new byte[ChunkId.LENGTH];
    for (int i = 0; i < count; i++) {
      in.get(id);
      long offset = in.getLong();
      int length = in.getInt();
      int rawLength = in.getInt();
      if (offset < 0
          || length <= 0
          || length > BlobCodec.MAX_SEALED
          || rawLength < 0
          || rawLength > BlobCodec.MAX_RAW) {
        throw new DecodeException(
            "entry "
                + i
                + " has offset "
                + offset
                + ", length "
                + Integer.toUnsignedString(length)
                + " and raw length "
                + Integer.toUnsignedString(rawLength)
                + "; a blob is at most "
                + BlobCodec.MAX_SEALED
                + " bytes holding at most "
                + BlobCodec.MAX_RAW);
      }
      out.add(new PackEntry(ChunkId.of(id), offset, length, rawLength));
    }
    return out;
  }

  /** The sealed trailer and footer that close a pack whose blobs are {@code entries}. */
  static byte[] tail(List<PackEntry> entries, BlobCipher cipher) {
    ByteBuffer plain = ByteBuffer.allocate(8 + ENTRY * entries.size());
    plain.put((byte) TRAILER_VERSION).put(new byte[3]).putInt(entries.size());
    putEntries(plain, entries);
    byte[] sealed = cipher.seal(plain.array(), Aad.packTrailer());
    return ByteBuffer.allocate(sealed.length + FOOTER)
        .put(sealed)
        .putInt(sealed.length)
        .put((byte) VERSION)
        .put((byte) cipher.mode().id())
        .putShort((short) 0)
        .put(MAGIC)
        .array();
  }

  /**
   * The sealed trailer's length, from the last 16 bytes of a pack.
   *
   * @param packSize the whole pack's size, to bound the length
   */
  static int trailerLength(byte[] footer, long packSize, BlobCipher cipher) {
    if (footer.length != FOOTER) {
      throw new DecodeException("pack footer has " + footer.length + " bytes, not " + FOOTER);
    }
    ByteBuffer f = ByteBuffer.wrap(footer);
    if (!Arrays.equals(footer, 8, 16, MAGIC, 0, 8)) {
      throw new DecodeException("pack does not end with magic 'PGHSPACK'");
    }
    if (f.get(4) != VERSION || f.getShort(6) != 0) {
      throw new DecodeException("pack footer has unknown version " + f.get(4));
    }
    if (f.get(5) != cipher.mode().id()) {
      throw new DecodeException(
          "pack was sealed with cipher id " + f.get(5) + ", repository uses " + cipher.mode().id());
    }
    int length = f.getInt(0);
    if (length <= 0 || length > packSize - FOOTER) {
      throw new DecodeException(
          "pack trailer length "
              + Integer.toUnsignedString(length)
              + " does not fit a pack of "
              + packSize
              + " bytes");
    }
    return length;
  }

  /**
   * The entries of a sealed trailer that starts at {@code trailerOffset}; checks that the blobs are
   * contiguous from 0 and end where the trailer starts.
   */
  static List<PackEntry> trailerEntries(
      byte[] buf, int off, int len, long trailerOffset, BlobCipher cipher) {
    byte[] plain;
    try {
      plain = cipher.open(buf, off, len, Aad.packTrailer());
    } catch (IntegrityException e) {
      throw new DecodeException("pack trailer: " + e.getMessage(), e);
    }
    ByteBuffer in = ByteBuffer.wrap(plain);
    if (plain.length < 8 || in.get(0) != TRAILER_VERSION) {
      throw new DecodeException("pack trailer has unknown version or is truncated");
    }
    in.position(4);
    int count = in.getInt();
    if (count < 1 || (long) count * ENTRY != plain.length - 8L) {
      throw new DecodeException(
          "pack trailer declares "
              + Integer.toUnsignedString(count)
              + " entries in "
              + (plain.length - 8)
              + " bytes");
    }
    List<PackEntry> entries = getEntries(in, count);
    long expected = 0;
    for (PackEntry e : entries) {
      if (e.offset() != expected) {
        throw new DecodeException(
            "blob of chunk " + e.id() + " is at offset " + e.offset() + ", expected " + expected);
      }
      expected += e.length();
    }
    if (expected != trailerOffset) {
      throw new DecodeException(
          "blobs end at " + expected + " but the trailer starts at " + trailerOffset);
    }
    return entries;
  }

  /** Parses the entries of a whole pack held in memory. */
  static List<PackEntry> entries(byte[] pack, BlobCipher cipher) {
    if (pack.length < FOOTER) {
      throw new DecodeException("pack of " + pack.length + " bytes is shorter than its footer");
    }
    int length =
        trailerLength(
            Arrays.copyOfRange(pack, pack.length - FOOTER, pack.length), pack.length, cipher);
    int trailerOffset = pack.length - FOOTER - length;
    return trailerEntries(pack, trailerOffset, length, trailerOffset, cipher);
  }
}
