package org.pghardstorage.core.chunk;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * The chunks of one stream, produced on demand by {@link PageAlignedChunker#split}. Holds one
 * buffer of {@code maxSize} bytes. Not thread-safe; does not close the underlying stream.
 */
public final class ChunkStream {
  private final PageAlignedChunker chunker;
  private final InputStream in;
  private final byte[] buf;
  private int filled;
  private boolean eof;
  private long position;

  ChunkStream(PageAlignedChunker chunker, InputStream in) {
    this.chunker = chunker;
    this.in = in;
    this.buf = new byte[chunker.params().maxSize()];
  }

  /**
   * The next chunk's bytes (a fresh array the caller owns), or empty at end of stream.
   *
   * @throws IOException from the underlying stream
   */
  public Optional<byte[]> next() throws IOException {
    fill();
    if (filled == 0) {
      return Optional.empty();
    }
    int cut = chunker.findCut(buf, 0, filled, eof);
    byte[] chunk = Arrays.copyOf(buf, cut);
    // Keeping the remainder at the front keeps buf[0] at a page-aligned file offset.
    System.arraycopy(buf, cut, buf, 0, filled - cut);
    filled -= cut;
    position += cut;
    return Optional.of(chunk);
  }

  /** Bytes returned in chunks so far: the file offset of the next chunk. */
  public long position() {
    return position;
  }

  private void fill() throws IOException {
    while (!eof && filled < buf.length) {
      int n = in.read(buf, filled, buf.length - filled);
      if (n < 0) {
        eof = true;
      } else {
        filled += n;
      }
    }
  }
}
