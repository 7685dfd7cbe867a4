package org.pghardstorage.core.chunk;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * FastCDC restricted to PostgreSQL page boundaries: algorithm {@code fastcdc-page-v1} of the
 * repository format (spec §5). A cut falls only at a multiple of {@link ChunkerParams#PAGE_SIZE}
 * from the start of the file, or at end of file.
 *
 * <p>The gear hash {@code h = (h << 1) + G[byte]} forgets a byte after 64 steps, so the hash at a
 * candidate depends only on the 64 bytes before it: we hash exactly those, 64 table look-ups per
 * page instead of 8192. Normalized chunking uses a stricter mask before {@code avg} and a looser
 * one after it; masks test the top bits of {@code h}, which depend on all 64 bytes (the low bits
 * only on the last few).
 *
 * <p>Immutable and thread-safe.
 */
public final class PageAlignedChunker {
  /** The algorithm name stored in the repository config. */
  public static final String ALGORITHM = "fastcdc-page-v1";

  /** Bytes hashed before each candidate: the gear hash's memory on a 64-bit word. */
  static final int WINDOW = 64;

  private static final long[] GEAR = GearTable.copy();

  private final ChunkerParams params;
  private final long maskSmall;
  private final long maskLarge;

  /** A chunker with the given size limits. */
  public PageAlignedChunker(ChunkerParams params) {
    this.params = Objects.requireNonNull(params, "params");
    int b = Integer.numberOfTrailingZeros(params.avgSize() / ChunkerParams.PAGE_SIZE);
    this.maskSmall = topBits(b + 2);
    this.maskLarge = topBits(Math.max(b - 2, 0));
  }

  /** The size limits. */
  public ChunkerParams params() {
    return params;
  }

  /**
   * Splits a stream of unknown length, reading through a buffer of its own ({@link
   * ChunkStream#bufferSize} bytes); it does not close {@code in}.
   */
  public ChunkStream split(InputStream in) {
    return split(in, new byte[ChunkStream.bufferSize(params)]);
  }

  /**
   * Splits a stream of unknown length into chunks read through {@code buffer}, which must hold
   * {@link ChunkStream#bufferSize} bytes and must not be used by anyone else until the stream has
   * ended: one buffer can serve every file of a backup in turn. Does not close {@code in}.
   */
  public ChunkStream split(InputStream in, byte[] buffer) {
    return new ChunkStream(this, in, buffer);
  }

  /**
   * The end offsets of the chunks of {@code data}, in order; the last is {@code data.length} (none
   * for empty input). For tests and tools; streaming callers use {@link #split}.
   */
  public List<Integer> cutPoints(byte[] data) {
    List<Integer> cuts = new ArrayList<>();
    int start = 0;
    while (start < data.length) {
      int available = Math.min(data.length - start, params.maxSize());
      boolean eof = start + available == data.length;
      start += findCut(data, start, available, eof);
      cuts.add(start);
    }
    return cuts;
  }

  /**
   * The length of the chunk starting at {@code buf[off]}, which must be a page-aligned file offset.
   *
   * @param len bytes available from {@code off}: at least {@code maxSize} unless {@code eof}
   * @param eof whether the file ends at {@code off + len}
   */
  int findCut(byte[] buf, int off, int len, boolean eof) {
    if (!eof && len < params.maxSize()) {
      throw new IllegalArgumentException(
          "need " + params.maxSize() + " bytes or end of file, have " + len);
    }
    int limit = Math.min(len, params.maxSize());
    for (int c = params.minSize(); c < limit; c += ChunkerParams.PAGE_SIZE) {
      long mask = c < params.avgSize() ? maskSmall : maskLarge;
      if ((gearHash(buf, off + c) & mask) == 0) {
        return c;
      }
    }
    return limit;
  }

  /** The gear hash of the {@value #WINDOW} bytes before {@code end}. */
  static long gearHash(byte[] buf, int end) {
    long h = 0;
    for (int i = end - WINDOW; i < end; i++) {
      h = (h << 1) + GEAR[buf[i] & 0xff];
    }
    return h;
  }

  private static long topBits(int n) {
    return n == 0 ? 0L : -1L << (64 - n);
  }
}
