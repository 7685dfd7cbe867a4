package org.pghardstorage.core.pg;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An {@link InputStream} over a sequence of CopyData payloads; EOF when the supplier returns empty.
 * Server errors propagate as the unchecked {@link PgServerException}.
 */
final class CopyDataInputStream extends InputStream {
  private final Supplier<Optional<ByteBuffer>> source;
  private ByteBuffer current = ByteBuffer.allocate(0);
  private boolean eof;

  private CopyDataInputStream(Supplier<Optional<ByteBuffer>> source) {
    this.source = source;
  }

  /** A stream over whole CopyData payloads. */
  static CopyDataInputStream ofArrays(Supplier<Optional<byte[]>> source) {
    return new CopyDataInputStream(() -> source.get().map(ByteBuffer::wrap));
  }

  private boolean fill() {
    while (!eof && !current.hasRemaining()) {
      Optional<ByteBuffer> next = source.get();
      if (next.isEmpty()) {
        eof = true;
      } else {
        current = next.get();
      }
    }
    return !eof;
  }

  /** Whether the end of the data has been reached. */
  boolean isAtEnd() {
    return eof;
  }

  @Override
  public int read() {
    return fill() ? current.get() & 0xFF : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }

  @Override
  public int available() {
    return eof ? 0 : current.remaining();
  }
}
