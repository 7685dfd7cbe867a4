package org.pghardstorage.core.repo;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.ObjectStore;

/**
 * Uploads finished packs on a bounded pool of named threads while the caller keeps chunking. At
 * most {@code threads + queue} packs are in flight; {@link #submit} blocks beyond that, which
 * bounds memory. After a pack is durable its entries go to the {@link IndexStore}, and every {@code
 * flushEvery} packs an index file is written. The first failure stops further submissions and is
 * rethrown by {@link #submit} and {@link #awaitAll}.
 */
final class PackUploader implements AutoCloseable {
  private final ObjectStore store;
  private final IndexStore indexes;
  private final int flushEvery;
  private final Consumer<PackBuilder.FinishedPack> onStored;
  private final ThreadPoolExecutor pool;
  private final Semaphore slots;
  private final Object idle = new Object();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong stored = new AtomicLong();
  private int inFlight;

  PackUploader(
      ObjectStore store,
      IndexStore indexes,
      int threads,
      int queue,
      int flushEvery,
      String threadName,
      Consumer<PackBuilder.FinishedPack> onStored) {
    this.store = store;
    this.indexes = indexes;
    this.flushEvery = flushEvery;
    this.onStored = onStored;
    this.slots = new Semaphore(threads + queue);
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            new NamedThreads(threadName, true));
  }

  /** Queues a pack, blocking while the pipeline is full. */
  void submit(PackBuilder.FinishedPack pack) {
    rethrowFailure();
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HardstorageException(
          "repo.interrupted", ExitCode.ABORTED, "interrupted while queueing a pack", null, e);
    }
    synchronized (idle) {
      inFlight++;
    }
    pool.execute(() -> run(pack));
  }

  /** Waits until every submitted pack is stored, then rethrows the first failure, if any. */
  void awaitAll() {
    synchronized (idle) {
      while (inFlight > 0) {
        try {
          idle.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new HardstorageException(
              "repo.interrupted", ExitCode.ABORTED, "interrupted while uploading packs", null, e);
        }
      }
    }
    rethrowFailure();
  }

  /** Packs stored so far. */
  long stored() {
    return stored.get();
  }

  /** Waits for running uploads to end and stops the threads. */
  @Override
  public void close() {
    pool.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
        pool.shutdownNow();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(PackBuilder.FinishedPack pack) {
    try {
      if (failure.get() == null) {
        store.putIfAbsent(pack.id().key(), pack.bytes());
        indexes.addPending(pack.id(), pack.entries());
        stored.incrementAndGet();
        onStored.accept(pack);
        if (indexes.pendingPacks() >= flushEvery) {
          indexes.flush();
        }
      }
    } catch (RuntimeException | Error e) {
      failure.compareAndSet(null, e);
    } finally {
      slots.release();
      synchronized (idle) {
        inFlight--;
        idle.notifyAll();
      }
    }
  }

  private void rethrowFailure() {
    Throwable t = failure.get();
    if (t == null) {
      return;
    }
    if (t instanceof HardstorageException h) {
      throw new HardstorageException(
          h.code(),
          h.exitCode(),
          "pack upload failed: " + h.getMessage(),
          h.suggestion().orElse(null),
          h);
    }
    throw new HardstorageException(
        "repo.upload_failed", ExitCode.ERROR, "pack upload failed: " + t, null, t);
  }
}
