package org.pghardstorage.core.backup;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.ChunkReader;

/**
 * A file of an earlier backup read back from the repository, in order, through the {@link
 * ChunkReader} (which checks every chunk against its keyed id). Reads a few MiB of refs at a time
 * so that chunks of one pack come in few range requests, and skips whole refs without reading them.
 */
final class PreviousContent extends InputStream {
  /** Refs fetched in one {@link ChunkReader#readAll} call, by their bytes. */
  private static final int BATCH_BYTES = 8 << 20;

  private final ChunkReader reader;
  private final List<ChunkRef> refs;
  private int nextRef;
  private final List<byte[]> batch = new ArrayList<>();
  private int batchIndex;
  private int offset;

  PreviousContent(ChunkReader reader, List<ChunkRef> refs) {
    this.reader = reader;
    this.refs = refs;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    byte[] current = batch.get(batchIndex);
    int n = Math.min(len, current.length - offset);
    System.arraycopy(current, offset, b, off, n);
    offset += n;
    return n;
  }

  /** Skips whole refs that lie entirely inside the skipped range without fetching them. */
  @Override
  public long skip(long n) {
    long left = n;
    while (left > 0) {
      if (batchIndex < batch.size()) {
        byte[] current = batch.get(batchIndex);
        int step = (int) Math.min(left, current.length - offset);
        offset += step;
        left -= step;
        if (offset == current.length) {
          batchIndex++;
          offset = 0;
        }
      } else if (nextRef < refs.size() && refs.get(nextRef).length() <= left) {
        left -= refs.get(nextRef++).length();
      } else if (!fill()) {
        break;
      }
    }
    return n - left;
  }

  /** Makes the current position readable; false at the end. */
  private boolean fill() {
    while (batchIndex < batch.size() && offset == batch.get(batchIndex).length) {
      batchIndex++;
      offset = 0;
    }
    if (batchIndex < batch.size()) {
      return true;
    }
    if (nextRef == refs.size()) {
      return false;
    }
    List<ChunkRef> next = new ArrayList<>();
    long bytes = 0;
    while (nextRef < refs.size() && (next.isEmpty() || bytes < BATCH_BYTES)) {
      ChunkRef r = refs.get(nextRef++);
      next.add(r);
      bytes += r.length();
    }
    batch.clear();
    batch.addAll(reader.readAll(next));
    batchIndex = 0;
    offset = 0;
    return true;
  }
}
