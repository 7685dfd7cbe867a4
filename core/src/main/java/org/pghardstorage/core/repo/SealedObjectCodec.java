package org.pghardstorage.core.repo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.pghardstorage.core.crypto.EncryptionMode;

/**
 * The sealed-object framing (format spec §7.3) for manifests, index files, WAL and history files: a
 * 16-byte clear header ({@code "PGHO"}, version, object type, cipher id, raw length) and frames of
 * at most 1 MiB plaintext, each a blob sealed with the header, its index and the object's binding
 * as associated data. Thread-safe.
 */
final class SealedObjectCodec {
  static final int HEADER = 16;
  static final int VERSION = 1;
  static final int FRAME = 1024 * 1024;

  /** The largest plaintext one array holds: the largest length a header may declare. */
  static final long MAX_RAW_LENGTH = Integer.MAX_VALUE - 16;

  private static final byte[] MAGIC = "PGHO".getBytes(StandardCharsets.US_ASCII);

  private final BlobCodec blobs;

  SealedObjectCodec(BlobCodec blobs) {
    this.blobs = blobs;
  }

  /**
   * The stored bytes of {@code raw} as an object of {@code type} bound to {@code binding}. Frames
   * are independent, so an object of several frames (a WAL segment is 16) is sealed on the calling
   * thread and the common fork-join pool together; the bytes are the same as sealed one by one.
   */
  byte[] encode(ObjectType type, String binding, byte[] raw) {
    byte[] header = header(type, raw.length);
    int frames = Math.max(1, (raw.length + FRAME - 1) / FRAME);
    IntStream indexes = IntStream.range(0, frames);
    if (frames > 1) {
      indexes = indexes.parallel();
    }
    byte[][] sealed =
        indexes
            .mapToObj(
                i -> {
                  int pos = i * FRAME;
                  int n = Math.min(FRAME, raw.length - pos);
                  return blobs.encode(raw, pos, n, Aad.frame(header, i, binding));
                })
            .toArray(byte[][]::new);
    int size = HEADER;
    for (byte[] f : sealed) {
      size += 4 + f.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size).put(header);
    for (byte[] f : sealed) {
      out.putInt(f.length).put(f);
    }
    return out.array();
  }

  /**
   * The plaintext of a stored object. Nothing is allocated from the clear header's {@code
   * raw_length} before a frame has opened: every frame's associated data holds the header, so once
   * the first frame opens under an authenticating cipher the header is proven; under {@code none}
   * (CRC32C, which anybody can recompute) the output grows only with frames that opened, so a
   * forged length of 2 GiB over a few bytes of frames fails as corrupt instead of running out of
   * memory.
   *
   * @throws DecodeException if anything about it is wrong: header, type, cipher, a frame's seal or
   *     length, the total length, trailing bytes
   */
  byte[] decode(ObjectType type, String binding, byte[] stored) {
    if (stored.length < HEADER) {
      throw new DecodeException("object of " + stored.length + " bytes has no complete header");
    }
    byte[] header = Arrays.copyOf(stored, HEADER);
    ByteBuffer h = ByteBuffer.wrap(header);
    if (!Arrays.equals(header, 0, 4, MAGIC, 0, 4)) {
      throw new DecodeException("object does not start with magic 'PGHO'");
    }
    if (h.get(4) != VERSION || h.get(7) != 0) {
      throw new DecodeException("object header has unknown version " + h.get(4));
    }
    if (h.get(5) != type.code()) {
      throw new DecodeException("object type is " + h.get(5) + ", expected " + type.code());
    }
    EncryptionMode mode = blobs.cipher().mode();
    if (h.get(6) != mode.id()) {
      throw new DecodeException(
          "object was sealed with cipher id " + h.get(6) + ", repository uses " + mode.id());
    }
    long rawLength = h.getLong(8);
    if (rawLength < 0 || rawLength > MAX_RAW_LENGTH) {
      throw new DecodeException("object raw length " + rawLength + " is out of range");
    }
    boolean headerProven = mode != EncryptionMode.NONE;
    byte[] raw = new byte[0];
    ByteBuffer in = ByteBuffer.wrap(stored);
    int pos = HEADER;
    long filled = 0;
    int index = 0;
    do {
      if (stored.length - pos < 4) {
        throw new DecodeException("object is truncated after " + index + " frames");
      }
      int len = in.getInt(pos);
      pos += 4;
      if (len < 0 || len > stored.length - pos || len > BlobCodec.MAX_SEALED) {
        throw new DecodeException(
            "frame "
                + index
                + " length "
                + Integer.toUnsignedString(len)
                + " does not fit: "
                + (stored.length - pos)
                + " bytes are left, and a frame has at most "
                + BlobCodec.MAX_SEALED);
      }
      byte[] frame;
      try {
        frame = blobs.decode(stored, pos, len, Aad.frame(header, index, binding));
      } catch (DecodeException e) {
        throw new DecodeException("frame " + index + ": " + e.getMessage(), e);
      }
      if (frame.length > rawLength - filled) {
        throw new DecodeException(
            "frames hold more than the header's " + rawLength + " bytes (frame " + index + ")");
      }
      if (raw.length - filled < frame.length) {
        raw =
            Arrays.copyOf(
                raw, capacity(raw.length, filled + frame.length, rawLength, headerProven));
      }
      if (frame.length == 0 && filled < rawLength) {
        throw new DecodeException(
            "frame " + index + " is empty before the header's " + rawLength + " bytes");
      }
      System.arraycopy(frame, 0, raw, (int) filled, frame.length);
      filled += frame.length;
      pos += len;
      index++;
    } while (filled < rawLength);
    if (pos != stored.length) {
      throw new DecodeException((stored.length - pos) + " unexpected bytes after the last frame");
    }
    return raw;
  }

  /**
   * The next size of the output: all of {@code rawLength} once the header is proven, else double
   * what is held, at least what is {@code needed}, never more than {@code rawLength}.
   */
  private static int capacity(int held, long needed, long rawLength, boolean headerProven) {
    if (headerProven) {
      return (int) rawLength;
    }
    return (int) Math.min(rawLength, Math.max(needed, 2L * held));
  }

  private byte[] header(ObjectType type, long rawLength) {
    return ByteBuffer.allocate(HEADER)
        .put(MAGIC)
        .put((byte) VERSION)
        .put((byte) type.code())
        .put((byte) blobs.cipher().mode().id())
        .put((byte) 0)
        .putLong(rawLength)
        .array();
  }
}
