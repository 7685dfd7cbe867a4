package org.pghardstorage.core.pg;

import java.io.InputStream;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An {@link InputStream} over a sequence of CopyData payloads; EOF when the supplier returns empty.
 * Server errors propagate as the unchecked {@link PgServerException}.
 */
final class CopyDataInputStream extends InputStream {
  private final Supplier<Optional<byte[]>> source;
  private byte[] current = new byte[0];
  private int position;
  private boolean eof;

  CopyDataInputStream(Supplier<Optional<byte[]>> source) {
    this.source = source;
  }

  private boolean fill() {
    while (!eof && position >= current.length) {
      Optional<byte[]> next = source.get();
      if (next.isEmpty()) {
        eof = true;
      } else {
        current = next.get();
        position = 0;
      }
    }
    return !eof;
  }

  @Override
  public int read() {
    return fill() ? current[position++] & 0xFF : -1;
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
    int n = Math.min(len, current.length - position);
    System.arraycopy(current, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return eof ? 0 : current.length - position;
  }
}
