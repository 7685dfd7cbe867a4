package org.pghardstorage.core.chunk;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * The chunks of one stream, produced on demand by {@link PageAlignedChunker#split}. Reads into one
 * buffer of at least {@link #MIN_BUFFER_CHUNKS} × {@code maxSize} bytes (given by the caller, so
 * that one buffer serves every file of a backup) and reads ahead at most what that buffer holds.
 * Not thread-safe; does not close the underlying stream.
 *
 * <p>Chunks are cut where they lie in the buffer; the unread tail moves to the front only when less
 * than {@code maxSize} bytes of room are left behind it, so each byte is moved at most once per
 * {@code MIN_BUFFER_CHUNKS - 1} chunks' worth of input. Moving the tail after every chunk, as this
 * class once did, copied about three times the input through memory for 256 KiB chunks in a 1 MiB
 * buffer, and allocating (and zeroing) a fresh 1 MiB buffer for every file of a data directory that
 * is mostly small files cost as much again: together a sixth of a base backup's client CPU.
 */
public final class ChunkStream {
  /** The buffer holds at least this many maximum-size chunks. */
  public static final int MIN_BUFFER_CHUNKS = 4;

  private final PageAlignedChunker chunker;
  private final InputStream in;
  private final byte[] buf;
  private final int maxSize;

  /**
   * The unread bytes are {@code buf[start, end)}; {@code buf[start]} is page-aligned in the file.
   */
  private int start;

  private int end;
  private boolean eof;
  private long position;

  ChunkStream(PageAlignedChunker chunker, InputStream in, byte[] buffer) {
    this.chunker = chunker;
    this.in = in;
    this.maxSize = chunker.params().maxSize();
    if (buffer.length < bufferSize(chunker.params())) {
      throw new IllegalArgumentException(
          "a chunk buffer needs "
              + bufferSize(chunker.params())
              + " bytes for max_size "
              + maxSize
              + ", got "
              + buffer.length);
    }
    this.buf = buffer;
  }

  /** The size of a buffer for {@link PageAlignedChunker#split(InputStream, byte[])}. */
  public static int bufferSize(ChunkerParams params) {
    return MIN_BUFFER_CHUNKS * params.maxSize();
  }

  /**
   * The next chunk's bytes (a fresh array the caller owns), or empty at end of stream.
   *
   * @throws IOException from the underlying stream
   */
  public Optional<byte[]> next() throws IOException {
    fill();
    if (end == start) {
      return Optional.empty();
    }
    int cut = chunker.findCut(buf, start, end - start, eof);
    byte[] chunk = Arrays.copyOfRange(buf, start, start + cut);
    start += cut;
    position += cut;
    return Optional.of(chunk);
  }

  /** Bytes returned in chunks so far: the file offset of the next chunk. */
  public long position() {
    return position;
  }

  /** Reads until {@code maxSize} bytes are unread or the stream ends. */
  private void fill() throws IOException {
    if (eof || end - start >= maxSize) {
      return;
    }
    if (buf.length - start < maxSize) {
      // Fewer than maxSize bytes are unread here, so the move is short and rare.
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    while (!eof && end - start < maxSize) {
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        eof = true;
      } else {
        end += n;
      }
    }
  }
}
