package org.pghardstorage.core.restore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.pghardstorage.core.task.WorkerPool;

/**
 * Finishes restored files on threads of their own, so that the workers fetching and decoding chunks
 * do not wait for the disk: a worker hands over a file it has completely written and checked, and
 * goes on. Each file gets the manifest's mode and modification time and is then fsynced, so its
 * content and attributes become durable together ({@link Fs#finishFile}).
 *
 * <p>Several fsyncs in flight let the file system write many files' data at once and commit their
 * metadata in one journal transaction. One fsync at a time on the worker that wrote the file's last
 * chunk made a restore of a cluster's ~1,300 files wait for the disk ~1,300 times in a row: the
 * profile in docs/explanation/performance.md ("Restore").
 *
 * <p>Fail closed: {@link #awaitAll} returns only when every file handed over is finished, and
 * throws the first failure; after a failure, {@link #submit} throws it too, so the restore stops
 * early. Thread-safe.
 */
final class FileSyncer implements AutoCloseable {
  /**
   * Files being synced at once. fsync waits on the disk, not the CPU, so this is independent of the
   * number of cores: enough for the file system to batch, few enough not to drown a slow disk.
   */
  static final int THREADS = 16;

  private final Fs fs;
  private final String name;
  private final WorkerPool pool;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Object lock = new Object();
  private int pending;

  /**
   * @param name thread name prefix
   * @param threads files synced at once, at least 1; no thread is started when {@code fs} does not
   *     sync (the attributes are then set on the submitting thread)
   */
  FileSyncer(Fs fs, String name, int threads) {
    this.fs = fs;
    this.name = name;
    this.pool = fs.syncEnabled() ? new WorkerPool(name, threads) : null;
  }

  /**
   * Hands over a file whose content is completely written and checked, to get {@code mode} and
   * {@code mtime} and be synced.
   *
   * @throws RuntimeException the failure of a file handed over earlier, if one failed
   */
  void submit(Path file, int mode, Instant mtime) {
    throwIfFailed();
    if (pool == null) {
      fs.finishFile(file, mode, mtime);
      return;
    }
    synchronized (lock) {
      pending++;
    }
    try {
      pool.execute(() -> finish(file, mode, mtime));
    } catch (RejectedExecutionException e) {
      done();
      throw new IllegalStateException("the file syncer " + name + " is closed", e);
    }
  }

  private void finish(Path file, int mode, Instant mtime) {
    try {
      fs.finishFile(file, mode, mtime);
    } catch (RuntimeException | Error e) {
      failure.compareAndSet(null, e);
    } finally {
      done();
    }
  }

  private void done() {
    synchronized (lock) {
      pending--;
      lock.notifyAll();
    }
  }

  /**
   * Waits until every file handed over is finished.
   *
   * @throws RuntimeException the first failure of any file handed over
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  void awaitAll() throws InterruptedException {
    synchronized (lock) {
      while (pending > 0) {
        lock.wait();
      }
    }
    throwIfFailed();
  }

  private void throwIfFailed() {
    Throwable t = failure.get();
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
  }

  /** Stops the threads (interrupting syncs still running) and waits briefly for them to end. */
  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }
}
