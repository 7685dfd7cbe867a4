package org.pghardstorage.core.backup;

import java.io.IOException;
import java.io.InputStream;
import org.pghardstorage.core.repo.RepositoryCorruptException;

/**
 * A relation file rebuilt as {@code pg_combinebackup} rebuilds it from an incremental file and the
 * previous backup's full version ({@code reconstruct.c}): {@link
 * IncrementalFile#reconstructedBlocks} blocks long; a block the incremental file holds comes from
 * it; any other block below the truncation block length comes from the previous version where that
 * is long enough; every other block is zeros (blocks the server extended the file by without
 * logging them, as PostgreSQL's own reconstruction assumes). Produced block by block, never the
 * whole file in memory.
 */
final class ReconstructedFile extends InputStream {
  private final IncrementalFile header;
  private final InputStream blocks;
  private final InputStream previous;
  private final long previousBlocks;
  private final int blockSize;
  private final String path;
  private final String previousObject;
  private final int length;
  private final byte[] buffer;
  private int nextBlock;
  private int nextListed;
  private long previousPosition;
  private int offset;
  private int filled;

  /**
   * @param blocks the incremental file positioned at its first block
   * @param previous the previous backup's version of the file
   * @param previousSize that version's size in bytes
   * @param previousObject the previous backup, for messages
   */
  ReconstructedFile(
      IncrementalFile header,
      InputStream blocks,
      InputStream previous,
      long previousSize,
      int blockSize,
      String path,
      String previousObject) {
    this.header = header;
    this.blocks = blocks;
    this.previous = previous;
    this.previousBlocks = previousSize / blockSize;
    this.blockSize = blockSize;
    this.path = path;
    this.previousObject = previousObject;
    this.length = header.reconstructedBlocks();
    this.buffer = new byte[blockSize];
  }

  /** The rebuilt file's size in bytes. */
  long size() {
    return (long) length * blockSize;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (offset == filled) {
      if (nextBlock == length) {
        return -1;
      }
      produce(nextBlock++);
    }
    int n = Math.min(len, filled - offset);
    System.arraycopy(buffer, offset, b, off, n);
    offset += n;
    return n;
  }

  private void produce(int block) throws IOException {
    int[] listed = header.blocks();
    if (nextListed < listed.length && listed[nextListed] == block) {
      nextListed++;
      if (blocks.readNBytes(buffer, 0, blockSize) < blockSize) {
        throw IncrementalFile.invalid(path, "it ends inside block " + block);
      }
    } else if (block < header.truncationBlockLength() && block < previousBlocks) {
      InputStream in = previous;
      long at = (long) block * blockSize;
      in.skipNBytes(at - previousPosition);
      if (in.readNBytes(buffer, 0, blockSize) < blockSize) {
        throw new RepositoryCorruptException(
            previousObject, "its file " + path + " is shorter than its manifest states", null);
      }
      previousPosition = at + blockSize;
    } else {
      java.util.Arrays.fill(buffer, (byte) 0);
    }
    offset = 0;
    filled = blockSize;
  }
}
