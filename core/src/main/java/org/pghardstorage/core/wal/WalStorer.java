package org.pghardstorage.core.wal;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalArchive.Sealed;

/**
 * Stores the receiver's WAL objects, complete segments and partial snapshots, strictly in the order
 * they were submitted, and reports each one once it is durable.
 *
 * <p>{@linkplain #inline Inline}, submitting stores on the calling thread and throws what the store
 * throws. {@linkplain #background In the background}, two threads of its own work while the
 * receiver goes on reading the next WAL: one compresses and seals each object ({@link
 * WalArchive#sealSegment}), the other writes and fsyncs it ({@link WalArchive#store}), so sealing
 * segment N+1 overlaps with writing segment N and both with receiving the segment after. Measured
 * with JFR on a backlog drain, one thread doing both left the CPU idle during every write and
 * fsync, and the receiver waited on it. At most {@code depth} submitted objects are not yet stored
 * (waiting, being sealed or being written), and submitting blocks beyond that, which bounds memory
 * and lets back-pressure reach the server through TCP.
 *
 * <p>Order is what makes this safe: a partial object of segment N+1 is never stored before segment
 * N, so what {@link #absorb} reports durable has no hole before it. After the first failure nothing
 * more is stored (a later object must not become durable over a hole); {@link #absorb} rethrows
 * that failure after reporting what was stored before it, and every later submission rethrows it.
 *
 * <p>Not thread-safe: one receiving thread calls every method.
 */
final class WalStorer implements AutoCloseable {
  /**
   * What one finished store made durable.
   *
   * @param segment the segment
   * @param complete whether the complete segment was stored (else a partial object)
   * @param end the LSN just past the stored bytes
   */
  record Stored(WalSegmentName segment, boolean complete, Lsn end) {}

  private record Task(WalSegmentName segment, boolean complete, byte[] content, Lsn end) {}

  /**
   * A task after sealing: the sealed object, or why sealing failed; both null when sealing was
   * skipped after an earlier failure.
   */
  private record SealedTask(Task task, Sealed sealed, Throwable failure) {}

  /** Tells the threads to end once everything before it is stored. */
  private static final Task STOP = new Task(null, false, null, null);

  private static final SealedTask STOP_SEALED = new SealedTask(STOP, null, null);

  private final WalArchive archive;
  private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();

  /** Sealed objects in submission order; bounded by {@link #room} like {@link #queue}. */
  private final LinkedBlockingQueue<SealedTask> sealedQueue = new LinkedBlockingQueue<>();

  /** One permit per object that may wait, be sealed or be written; STOP needs none. */
  private final Semaphore room;

  private final Thread sealer;
  private final Thread writer;
  private final ConcurrentLinkedQueue<Stored> done = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Object idle = new Object();
  private int pending;
  private boolean closed;

  private WalStorer(WalArchive archive, int depth, String threadName) {
    this.archive = Objects.requireNonNull(archive, "archive");
    this.room = new Semaphore(depth);
    if (depth == 0) {
      this.sealer = null;
      this.writer = null;
    } else {
      this.sealer = new Thread(this::sealLoop, threadName + "-seal");
      this.writer = new Thread(this::writeLoop, threadName);
      sealer.setDaemon(true);
      writer.setDaemon(true);
      sealer.start();
      writer.start();
    }
  }

  /** A storer that stores on the calling thread. */
  static WalStorer inline(WalArchive archive) {
    return new WalStorer(archive, 0, null);
  }

  /**
   * A storer with threads of its own named {@code threadName} (writing) and {@code threadName-seal}
   * (sealing), holding at most {@code depth} submitted objects that are not yet stored (waiting,
   * being sealed or being written).
   */
  static WalStorer background(WalArchive archive, int depth, String threadName) {
    if (depth < 1) {
      throw new IllegalArgumentException("a background WAL storer needs depth >= 1, got " + depth);
    }
    return new WalStorer(archive, depth, Objects.requireNonNull(threadName, "threadName"));
  }

  /** Stores a complete segment; {@code content} is handed over and must not change afterwards. */
  void submitSegment(WalSegmentName segment, byte[] content) {
    submit(new Task(segment, true, content, segment.startLsn().plus(content.length)));
  }

  /** Stores (replaces) the partial object of a segment; {@code content} is handed over. */
  void submitPartial(WalSegmentName segment, byte[] content) {
    submit(new Task(segment, false, content, segment.startLsn().plus(content.length)));
  }

  /** Whether objects are submitted but not yet stored. */
  boolean busy() {
    synchronized (idle) {
      return pending > 0;
    }
  }

  /** How many sealed objects wait for the writing thread: the overlap of sealing and writing. */
  int sealedWaiting() {
    return sealedQueue.size();
  }

  /**
   * Hands {@code stored} every object stored since the last call, in submission order, then
   * rethrows the first failure if there was one.
   */
  void absorb(Consumer<Stored> stored) {
    for (Stored s = done.poll(); s != null; s = done.poll()) {
      stored.accept(s);
    }
    rethrowFailure();
  }

  /**
   * Waits until everything submitted is stored, or skipped after a failure; {@link #absorb} then
   * tells which.
   */
  void awaitAll() {
    synchronized (idle) {
      while (pending > 0) {
        try {
          idle.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw interrupted(e);
        }
      }
    }
  }

  /**
   * Stops the storing threads after they have stored what is queued (valid WAL, worth keeping even
   * when the receiver failed); waits for them. Idempotent.
   */
  @Override
  public void close() {
    if (closed || writer == null) {
      closed = true;
      return;
    }
    closed = true;
    queue.add(STOP);
    boolean interrupted = false;
    for (Thread t : new Thread[] {sealer, writer}) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void submit(Task task) {
    if (closed) {
      throw new IllegalStateException("the WAL storer is closed");
    }
    rethrowFailure();
    if (writer == null) {
      store(task, seal(task));
      return;
    }
    try {
      room.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(e);
    }
    synchronized (idle) {
      pending++;
    }
    queue.add(task);
  }

  /**
   * Seals every task in order and hands it on to the writer, or hands on why sealing failed. After
   * a failure anywhere nothing more is sealed: the writer skips what follows anyway.
   */
  private void sealLoop() {
    boolean sealFailed = false;
    while (true) {
      Task task;
      try {
        task = queue.take();
      } catch (InterruptedException e) {
        // Nobody interrupts this thread but the JVM going down; what is queued is lost with it.
        failure.compareAndSet(null, interrupted(e));
        sealedQueue.add(STOP_SEALED);
        return;
      }
      if (task == STOP) {
        sealedQueue.add(STOP_SEALED);
        return;
      }
      SealedTask next;
      if (sealFailed || failure.get() != null) {
        next = new SealedTask(task, null, null);
      } else {
        try {
          next = new SealedTask(task, seal(task), null);
        } catch (RuntimeException | Error e) {
          sealFailed = true;
          next = new SealedTask(task, null, e);
        }
      }
      sealedQueue.add(next);
    }
  }

  /**
   * Stores every sealed task in order. The first failure, of sealing or of storing, is recorded
   * here, in submission order, so every object before it is stored and none after it.
   */
  private void writeLoop() {
    while (true) {
      SealedTask next;
      try {
        next = sealedQueue.take();
      } catch (InterruptedException e) {
        failure.compareAndSet(null, interrupted(e));
        return;
      }
      if (next == STOP_SEALED) {
        return;
      }
      try {
        if (failure.get() != null) {
          continue;
        }
        if (next.failure() != null) {
          failure.compareAndSet(null, next.failure());
        } else if (next.sealed() == null) {
          // Sealing was skipped after a failure, which the writer records before reaching this.
          throw new IllegalStateException("WAL up to " + next.task().end() + " was not sealed");
        } else {
          store(next.task(), next.sealed());
        }
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, e);
      } finally {
        finished();
      }
    }
  }

  private Sealed seal(Task task) {
    String name = task.segment().toString();
    return task.complete()
        ? archive.sealSegment(name, task.content())
        : archive.sealPartial(name, task.content());
  }

  private void store(Task task, Sealed sealed) {
    archive.store(sealed);
    done.add(new Stored(task.segment(), task.complete(), task.end()));
  }

  private void finished() {
    room.release();
    synchronized (idle) {
      pending--;
      idle.notifyAll();
    }
  }

  private void rethrowFailure() {
    Throwable t = failure.get();
    if (t == null) {
      return;
    }
    // The store's own exception, so callers see the same types as when storing inline.
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException("storing WAL failed", t);
  }

  private static HardstorageException interrupted(InterruptedException e) {
    return new HardstorageException(
        "wal.interrupted", ExitCode.ABORTED, "interrupted while storing WAL", null, e);
  }
}
