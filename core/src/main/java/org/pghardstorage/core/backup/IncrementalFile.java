package org.pghardstorage.core.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The header of an {@code INCREMENTAL.<relation file>} member of an {@code INCREMENTAL} {@code
 * BASE_BACKUP} (PostgreSQL 17+, {@code basebackup_incremental.c}; read as {@code
 * pg_combinebackup}'s {@code reconstruct.c} reads it), parsed as untrusted input:
 *
 * <pre>
 * uint32 magic 0xd3ae1f0d
 * uint32 n                        blocks in the file, at most RELSEG_SIZE
 * uint32 truncation_block_length  at most RELSEG_SIZE
 * uint32 block[n]                 relative block numbers, strictly ascending, each below RELSEG_SIZE
 * zero padding                    to a multiple of BLCKSZ, only when n > 0
 * n × BLCKSZ                      the blocks, in the order of block[]
 * </pre>
 *
 * The integers are in the server's byte order (told by the magic). The member's size must be
 * exactly the header plus n blocks.
 *
 * @param truncationBlockLength blocks below which a block not in the file comes from the previous
 *     backup's version of the file
 * @param blocks the relative block numbers whose content follows, ascending
 * @param headerLength bytes before the first block
 */
record IncrementalFile(int truncationBlockLength, int[] blocks, int headerLength) {
  /** {@code INCREMENTAL_MAGIC} of {@code basebackup_incremental.h}. */
  static final int MAGIC = 0xd3ae1f0d;

  /** The prefix PostgreSQL gives a relation file it sends incrementally. */
  static final String PREFIX = "INCREMENTAL.";

  /**
   * Reads the header (with its padding) from {@code in}, leaving it at the first block.
   *
   * @param memberSize the member's size as the tar header states it
   * @param blockSize BLCKSZ of the server
   * @param relsegSize RELSEG_SIZE of the server, in blocks
   * @param path the member's path, for messages
   * @throws HardstorageException {@code backup.incremental_invalid} naming the path and the value
   */
  static IncrementalFile readHeader(
      InputStream in, long memberSize, int blockSize, int relsegSize, String path)
      throws IOException {
    byte[] fixed = readFully(in, 12, path, "its 12-byte header");
    ByteOrder order = order(fixed, path);
    ByteBuffer b = ByteBuffer.wrap(fixed).order(order);
    b.getInt();
    long n = Integer.toUnsignedLong(b.getInt());
    long truncation = Integer.toUnsignedLong(b.getInt());
    if (n > relsegSize) {
      throw invalid(path, "block count " + n + " exceeds the segment size of " + relsegSize);
    }
    if (truncation > relsegSize) {
      throw invalid(
          path,
          "truncation block length " + truncation + " exceeds the segment size of " + relsegSize);
    }
    int count = (int) n;
    long headerLength = 12L + 4L * count;
    if (count > 0 && headerLength % blockSize != 0) {
      headerLength += blockSize - headerLength % blockSize;
    }
    long expected = headerLength + (long) count * blockSize;
    if (memberSize != expected) {
      throw invalid(
          path,
          "it is "
              + memberSize
              + " bytes but a header of "
              + count
              + " blocks makes it "
              + expected);
    }
    ByteBuffer numbers =
        ByteBuffer.wrap(readFully(in, 4 * count, path, "its block numbers")).order(order);
    int[] blocks = new int[count];
    long previous = -1;
    for (int i = 0; i < count; i++) {
      long block = Integer.toUnsignedLong(numbers.getInt());
      if (block >= relsegSize) {
        throw invalid(
            path, "block number " + block + " is not below the segment size of " + relsegSize);
      }
      if (block <= previous) {
        throw invalid(
            path,
            "block number "
                + block
                + " follows "
                + previous
                + ": block numbers must be strictly ascending");
      }
      blocks[i] = (int) block;
      previous = block;
    }
    int padding = (int) (headerLength - 12 - 4L * count);
    byte[] pad = readFully(in, padding, path, "the padding of its header");
    for (int i = 0; i < pad.length; i++) {
      if (pad[i] != 0) {
        throw invalid(path, "byte " + (12 + 4 * count + i) + " of the header padding is not zero");
      }
    }
    return new IncrementalFile((int) truncation, blocks, (int) headerLength);
  }

  /**
   * The reconstructed file's length in blocks, as {@code pg_combinebackup} computes it: the
   * truncation block length, extended to cover every block the file holds.
   */
  int reconstructedBlocks() {
    int length = truncationBlockLength;
    for (int block : blocks) {
      length = Math.max(length, block + 1);
    }
    return length;
  }

  /** Whether some block below the truncation length is not in the file: it needs the old file. */
  boolean needsPreviousBlocks() {
    int inRange = 0;
    for (int block : blocks) {
      if (block < truncationBlockLength) {
        inRange++;
      }
    }
    return inRange < truncationBlockLength;
  }

  private static ByteOrder order(byte[] fixed, String path) {
    int le = ByteBuffer.wrap(fixed, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (le == MAGIC) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    int be = ByteBuffer.wrap(fixed, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
    if (be == MAGIC) {
      return ByteOrder.BIG_ENDIAN;
    }
    throw invalid(path, String.format("bad magic number 0x%08x, expected 0x%08x", le, MAGIC));
  }

  private static byte[] readFully(InputStream in, int length, String path, String what)
      throws IOException {
    byte[] data = in.readNBytes(length);
    if (data.length < length) {
      throw invalid(path, "it ends inside " + what);
    }
    return data;
  }

  static HardstorageException invalid(String path, String what) {
    return new HardstorageException(
        "backup.incremental_invalid",
        ExitCode.ERROR,
        "PostgreSQL sent an invalid incremental file " + path + ": " + what,
        "run the backup again; if it recurs, report it with the server's version");
  }
}
