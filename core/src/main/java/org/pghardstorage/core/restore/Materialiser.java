package org.pghardstorage.core.restore;

import java.util.ArrayList;
import java.util.List;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.ChunkLocation;
import org.pghardstorage.core.repo.ChunkReader;
import org.pghardstorage.core.task.Progress;
import org.pghardstorage.core.task.ProgressListener;
import org.pghardstorage.core.task.WorkerPool;

/**
 * Fills the files laid out by {@link TreeWriter}: fetches and decodes chunks in parallel on a
 * bounded pool of named threads, writes them with positional writes, checks every file's CRC32C
 * against the manifest when its last chunk is written, and hands it to a {@link FileSyncer}, which
 * gives it the manifest's mode and time and fsyncs it while the workers go on. Reports progress
 * (phase {@value #PHASE}: files and bytes) on the calling thread.
 *
 * <p>{@code global/pg_control} is written after every other file is durable, as PostgreSQL sends it
 * last in a base backup: a data directory whose restore was interrupted has no control file, and
 * PostgreSQL refuses to start without one. {@link #run} returns only when every file, the control
 * file included, is durable.
 */
final class Materialiser {
  /** The progress phase of a restore. */
  static final String PHASE = "files";

  static final String PG_CONTROL = "global/pg_control";

  /**
   * Bytes one batch writes. A worker holds one batch's distinct chunks plus the range it read them
   * from (a little more than the batch, at most {@code ChunkReader}'s 32 MiB span when unused
   * chunks lie between), so memory stays at a few tens of MiB per thread whatever the file sizes.
   */
  static final long BATCH_BYTES = 4L << 20;

  private final RestorePlan plan;
  private final Fs fs;
  private final ChunkReader reader;
  private final int parallelism;
  private final ProgressListener listener;
  private volatile FileSyncer syncer;
  private long filesTotal;
  private long bytesTotal;
  private long filesDone;
  private long bytesDone;

  Materialiser(
      RestorePlan plan, Fs fs, ChunkReader reader, int parallelism, ProgressListener listener) {
    this.plan = plan;
    this.fs = fs;
    this.reader = reader;
    this.parallelism = parallelism;
    this.listener = listener;
  }

  /**
   * Writes the content of {@code files}.
   *
   * @return the bytes written
   * @throws InterruptedException if the calling thread is interrupted
   */
  long run(List<FileTask> files) throws InterruptedException {
    List<FileTask> first = new ArrayList<>();
    List<FileTask> last = new ArrayList<>();
    for (FileTask f : files) {
      filesTotal++;
      bytesTotal += f.entry().size();
      (isWrittenLast(f) ? last : first).add(f);
    }
    String id = plan.manifest().backupId().toString();
    try (WorkerPool pool = new WorkerPool("pghs-restore-" + id, parallelism);
        FileSyncer syncer = new FileSyncer(fs, "pghs-fsync-" + id, FileSyncer.THREADS)) {
      this.syncer = syncer;
      fill(pool, first);
      syncer.awaitAll();
      last.forEach(f -> fs.createFile(f.path()));
      fill(pool, last);
      syncer.awaitAll();
    } finally {
      this.syncer = null;
    }
    return bytesDone;
  }

  /** Whether {@code f} is created and written after all other files. */
  static boolean isWrittenLast(FileTask f) {
    return f.label().equals(PG_CONTROL);
  }

  private void fill(WorkerPool pool, List<FileTask> files) throws InterruptedException {
    for (FileTask f : files) {
      if (f.entry().chunks().isEmpty()) {
        finish(f);
        filesDone++;
      }
    }
    report();
    List<FetchBatch> tasks = new ArrayList<>();
    for (List<FetchBatch.Fetch> batch : FetchPlanner.plan(files, plan.locations(), BATCH_BYTES)) {
      tasks.add(new FetchBatch(batch, reader, this::finish));
    }
    pool.runAll(
        tasks,
        done -> {
          bytesDone += done.bytes();
          filesDone += done.filesFinished();
          report();
        });
  }

  /** Runs on the worker that wrote a file's last chunk (or the calling thread, for empty files). */
  private void finish(FileTask f) {
    int expected = f.entry().checksum().orElseThrow();
    int actual = f.crc32c();
    if (actual != expected) {
      throw RestoreErrors.checksumMismatch(f.label(), f.path(), expected, actual, sources(f));
    }
    syncer.submit(f.path(), f.entry().mode(), f.entry().mtime());
  }

  /** The file's chunks and the packs they came from, for the error message. */
  private List<String> sources(FileTask f) {
    List<String> out = new ArrayList<>();
    List<ChunkRef> chunks = f.entry().chunks();
    for (int i = 0; i < chunks.size() && i < 8; i++) {
      ChunkLocation loc = plan.locations().get(chunks.get(i).id());
      out.add(chunks.get(i).id() + "@" + loc.pack().key());
    }
    if (chunks.size() > 8) {
      out.add("and " + (chunks.size() - 8) + " more");
    }
    return out;
  }

  private void report() {
    listener.onProgress(new Progress(PHASE, filesDone, filesTotal, bytesDone, bytesTotal));
  }
}
