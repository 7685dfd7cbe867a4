package org.pghardstorage.core.wal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.WalSegmentName;

/**
 * The segment being received: bytes from the segment's start up to {@link #end()}, contiguous. WAL
 * arrives in order; anything else is a gap we must never paper over.
 */
final class SegmentBuffer {
  private final WalSegmentName name;
  private final byte[] data;
  private int filled;

  SegmentBuffer(WalSegmentName name) {
    this.name = name;
    this.data = new byte[Math.toIntExact(name.segmentSize().bytes())];
  }

  /** A buffer pre-filled with the first {@code bytes.length} bytes already stored. */
  static SegmentBuffer resume(WalSegmentName name, byte[] bytes) {
    SegmentBuffer b = new SegmentBuffer(name);
    if (bytes.length > b.data.length) {
      throw new IllegalArgumentException(
          "partial segment " + name + " has " + bytes.length + " bytes, more than a segment");
    }
    System.arraycopy(bytes, 0, b.data, 0, bytes.length);
    b.filled = bytes.length;
    return b;
  }

  WalSegmentName name() {
    return name;
  }

  /** The LSN just past the last byte held. */
  Lsn end() {
    return name.startLsn().plus(filled);
  }

  int filled() {
    return filled;
  }

  boolean isComplete() {
    return filled == data.length;
  }

  /**
   * Appends WAL starting at {@code at} (which must be exactly {@link #end()}, or inside what we
   * already hold when the server resends) and returns how many payload bytes were consumed; the
   * rest belongs to the next segment.
   */
  int append(Lsn at, ByteBuffer payload) {
    long offset = at.minus(name.startLsn());
    if (offset < 0 || offset > filled) {
      throw new HardstorageException(
          "wal.gap",
          ExitCode.ERROR,
          "WAL received at "
              + at
              + " does not continue segment "
              + name
              + " which ends at "
              + end()
              + ": refusing to store a gap",
          "restart the stream; if it repeats, report it with --debug output");
    }
    int room = data.length - (int) offset;
    int n = Math.min(room, payload.remaining());
    payload.get(data, (int) offset, n);
    filled = Math.max(filled, (int) offset + n);
    return n;
  }

  /**
   * The complete segment's bytes, without a copy: the buffer is used up and must not be touched
   * afterwards.
   *
   * @throws IllegalStateException if the segment is not complete
   */
  byte[] takeComplete() {
    if (!isComplete()) {
      throw new IllegalStateException(
          "segment " + name + " holds " + filled + " of " + data.length + " bytes");
    }
    return data;
  }

  /** The bytes held (a copy). */
  byte[] content() {
    return Arrays.copyOf(data, filled);
  }
}
