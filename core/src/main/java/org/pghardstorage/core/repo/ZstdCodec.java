package org.pghardstorage.core.repo;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * zstd with pooled native contexts: creating a context per 256 KiB chunk would cost a noticeable
 * share of the compression time. Thread-safe; {@link #close} frees the pooled contexts.
 */
final class ZstdCodec implements AutoCloseable {
  private final int level;
  private final ConcurrentLinkedQueue<ZstdCompressCtx> compressors = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<ZstdDecompressCtx> decompressors =
      new ConcurrentLinkedQueue<>();

  ZstdCodec(int level) {
    if (level == 0
        || level < RepositoryConfig.MIN_COMPRESSION_LEVEL
        || level > RepositoryConfig.MAX_COMPRESSION_LEVEL) {
      throw new IllegalArgumentException(
          "zstd level "
              + level
              + " is not "
              + RepositoryConfig.MIN_COMPRESSION_LEVEL
              + "..-1 or 1.."
              + RepositoryConfig.MAX_COMPRESSION_LEVEL);
    }
    this.level = level;
  }

  int level() {
    return level;
  }

  /**
   * Compresses {@code src[off, off+len)} into {@code dst} at {@code dstOff}, if that makes it
   * smaller.
   *
   * @return the compressed size, or -1 if zstd would not shrink the input (store it raw)
   */
  int compressIfSmaller(byte[] src, int off, int len, byte[] dst, int dstOff) {
    ZstdCompressCtx ctx = compressors.poll();
    if (ctx == null) {
      ctx = new ZstdCompressCtx();
      ctx.setLevel(level);
    }
    try {
      int room = Math.min(dst.length - dstOff, len - 1);
      if (room <= 0) {
        return -1;
      }
      return ctx.compressByteArray(dst, dstOff, room, src, off, len);
    } catch (ZstdException e) {
      if (e.getErrorCode() == Zstd.errDstSizeTooSmall()) {
        // The room is one byte less than the input: zstd could not make it smaller.
        return -1;
      }
      throw new IllegalStateException("zstd compression failed: " + e.getMessage(), e);
    } finally {
      compressors.add(ctx);
    }
  }

  /**
   * Decompresses exactly {@code rawLength} bytes.
   *
   * @throws DecodeException if the input is not a zstd frame of that length
   */
  byte[] decompress(byte[] src, int off, int len, int rawLength) {
    ZstdDecompressCtx ctx = decompressors.poll();
    if (ctx == null) {
      ctx = new ZstdDecompressCtx();
    }
    try {
      byte[] out = new byte[rawLength];
      int n = ctx.decompressByteArray(out, 0, rawLength, src, off, len);
      if (n != rawLength) {
        throw new DecodeException(
            "zstd payload decoded to " + n + " bytes, header says " + rawLength);
      }
      return out;
    } catch (ZstdException e) {
      throw new DecodeException("zstd payload does not decode: " + e.getMessage(), e);
    } finally {
      decompressors.add(ctx);
    }
  }

  @Override
  public void close() {
    for (ZstdCompressCtx c = compressors.poll(); c != null; c = compressors.poll()) {
      c.close();
    }
    for (ZstdDecompressCtx d = decompressors.poll(); d != null; d = decompressors.poll()) {
      d.close();
    }
  }
}
