package org.pghardstorage.core.task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed pool of named daemon threads ({@code <name>-1}, {@code <name>-2}, …) owned by one task
 * and closed with it (try-with-resources). {@link #runAll} runs a list of tasks and hands their
 * results to the calling thread, so progress listeners and result bookkeeping need no locking.
 *
 * <p>The task list may be long: it holds descriptions of work, and each task loads its data only
 * while it runs, so memory is bounded by the number of threads times one task's working set.
 */
public final class WorkerPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
  private static final long CLOSE_WAIT_SECONDS = 30;

  private final String name;
  private final ExecutorService executor;

  /**
   * Starts a pool.
   *
   * @param name thread name prefix, e.g. {@code pghs-restore-20261130T190600Z-k3x7qa}
   * @param threads at least 1
   */
  public WorkerPool(String name, int threads) {
    this.name = Objects.requireNonNull(name, "name");
    if (threads < 1) {
      throw new IllegalArgumentException("a worker pool needs at least 1 thread, got " + threads);
    }
    this.executor = Executors.newFixedThreadPool(threads, threadFactory(name));
  }

  /**
   * Runs every task and passes each result to {@code onResult} on the calling thread, in completion
   * order. Stops at the first failure, of a task or of {@code onResult}: the pool is shut down,
   * running tasks are interrupted and awaited (so none is still writing when this returns), and the
   * failure is rethrown: unchecked exceptions as they are, an {@link IOException} as {@link
   * UncheckedIOException}. After a failure the pool accepts no more work.
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting; the pool is
   *     shut down as for a failure
   */
  public <T> void runAll(List<? extends Callable<T>> tasks, Consumer<? super T> onResult)
      throws InterruptedException {
    ExecutorCompletionService<T> done = new ExecutorCompletionService<>(executor);
    List<Future<T>> futures = new ArrayList<>(tasks.size());
    boolean finished = false;
    try {
      for (Callable<T> task : tasks) {
        futures.add(done.submit(task));
      }
      for (int i = 0; i < futures.size(); i++) {
        onResult.accept(resultOf(done.take()));
      }
      finished = true;
    } finally {
      if (!finished) {
        stop();
      }
    }
  }

  /**
   * Starts one task on the pool without waiting for it, for callers that hand work over as it
   * arises and track its completion and failures themselves.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the pool is closed
   */
  public void execute(Runnable task) {
    executor.execute(task);
  }

  /** Shuts the pool down, interrupting running tasks, and waits briefly for them to end. */
  @Override
  public void close() {
    stop();
  }

  private void stop() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        // Daemon threads blocked in uninterruptible I/O; they cannot hold the JVM open.
        LOG.warn("threads of {} still running {} s after shutdown", name, CLOSE_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> T resultOf(Future<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (CancellationException e) {
      throw new IllegalStateException("a task was cancelled while its pool was running", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      if (cause instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw new IllegalStateException("a task failed: " + cause, cause);
    }
  }

  private static ThreadFactory threadFactory(String name) {
    AtomicInteger next = new AtomicInteger(1);
    return r -> {
      Thread t = new Thread(r, name + "-" + next.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }
}
