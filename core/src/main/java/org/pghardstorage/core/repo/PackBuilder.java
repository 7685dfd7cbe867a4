package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.crypto.BlobCipher;

/** Accumulates sealed blobs into one pack. Not thread-safe: the backup writer guards it. */
final class PackBuilder {
  private byte[] buf;
  private int size;
  private final List<PackEntry> entries = new ArrayList<>();

  PackBuilder(int initialCapacity) {
    this.buf = new byte[initialCapacity];
  }

  void add(ChunkId id, byte[] sealedBlob, int rawLength) {
    if (size + sealedBlob.length > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + sealedBlob.length));
    }
    System.arraycopy(sealedBlob, 0, buf, size, sealedBlob.length);
    entries.add(new PackEntry(id, size, sealedBlob.length, rawLength));
    size += sealedBlob.length;
  }

  /** Bytes of blobs so far. */
  int size() {
    return size;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The finished pack: blobs, sealed trailer and footer, named by their SHA-256. */
  FinishedPack finish(BlobCipher cipher) {
    if (entries.isEmpty()) {
      throw new IllegalStateException("a pack needs at least one blob");
    }
    byte[] tail = PackFormat.tail(entries, cipher);
    byte[] bytes = Arrays.copyOf(buf, size + tail.length);
    System.arraycopy(tail, 0, bytes, size, tail.length);
    return new FinishedPack(PackId.of(bytes), bytes, List.copyOf(entries));
  }

  /** A pack ready to upload. */
  record FinishedPack(PackId id, byte[] bytes, List<PackEntry> entries) {}
}
