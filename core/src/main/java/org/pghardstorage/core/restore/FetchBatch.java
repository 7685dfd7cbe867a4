package org.pghardstorage.core.restore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.ChunkReader;

/**
 * One unit of restore work: a few MiB of chunks that lie close together in the repository, fetched
 * with {@link ChunkReader#readAll} (a few range requests), checked, and written with positional
 * writes wherever the backup uses them. Runs on a worker thread.
 */
final class FetchBatch implements Callable<FetchBatch.Done> {
  /** A place a chunk goes: chunk {@code index} of {@code file}, at byte {@code offset}. */
  record Placement(FileTask file, int index, long offset) {}

  /** A chunk to fetch once and write to each of its placements. */
  record Fetch(ChunkRef ref, List<Placement> placements) {}

  /** What the batch did: bytes written and files it finished. */
  record Done(long bytes, int filesFinished) {}

  private final List<Fetch> fetches;
  private final ChunkReader reader;
  private final Consumer<FileTask> finisher;

  /**
   * @param finisher called on this worker for every file whose last chunk this batch wrote
   */
  FetchBatch(List<Fetch> fetches, ChunkReader reader, Consumer<FileTask> finisher) {
    this.fetches = List.copyOf(fetches);
    this.reader = reader;
    this.finisher = finisher;
  }

  @Override
  public Done call() {
    List<ChunkRef> refs = new ArrayList<>(fetches.size());
    fetches.forEach(f -> refs.add(f.ref()));
    List<byte[]> data = reader.readAll(refs);
    Map<FileTask, List<Write>> byFile = new LinkedHashMap<>();
    for (int i = 0; i < fetches.size(); i++) {
      CRC32C crc = new CRC32C();
      crc.update(data.get(i));
      int value = (int) crc.getValue();
      for (Placement p : fetches.get(i).placements()) {
        byFile
            .computeIfAbsent(p.file(), f -> new ArrayList<>())
            .add(new Write(p, data.get(i), value));
      }
    }
    long bytes = 0;
    int finished = 0;
    for (Map.Entry<FileTask, List<Write>> e : byFile.entrySet()) {
      bytes += write(e.getKey(), e.getValue());
      for (Write w : e.getValue()) {
        if (e.getKey().chunkWritten(w.placement().index(), w.crc32c())) {
          finisher.accept(e.getKey());
          finished++;
        }
      }
    }
    return new Done(bytes, finished);
  }

  private record Write(Placement placement, byte[] data, int crc32c) {}

  private static long write(FileTask file, List<Write> writes) {
    long bytes = 0;
    try (FileChannel ch =
        FileChannel.open(file.path(), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      for (Write w : writes) {
        ByteBuffer buf = ByteBuffer.wrap(w.data());
        long pos = w.placement().offset();
        while (buf.hasRemaining()) {
          pos += ch.write(buf, pos);
        }
        bytes += w.data().length;
      }
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(file.path(), e);
    }
    return bytes;
  }
}
