package org.pghardstorage.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
  @Test
  void runsOnNamedThreadsAndHandsResultsToTheCaller() throws Exception {
    var workers = ConcurrentHashMap.<String>newKeySet();
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int n = i;
      tasks.add(
          () -> {
            workers.add(Thread.currentThread().getName());
            return n;
          });
    }
    List<String> consumers = new ArrayList<>();
    List<Integer> results = new ArrayList<>();
    try (WorkerPool pool = new WorkerPool("pghs-test", 3)) {
      pool.runAll(
          tasks,
          r -> {
            results.add(r);
            consumers.add(Thread.currentThread().getName());
          });
    }
    assertThat(results).hasSize(20).containsExactlyInAnyOrderElementsOf(range(20));
    assertThat(workers).allMatch(n -> n.matches("pghs-test-[123]"));
    assertThat(consumers).containsOnly(Thread.currentThread().getName());
  }

  @Test
  void theFirstFailureStopsTheRestAndIsRethrownAsItIs() {
    AtomicInteger started = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    List<Callable<Integer>> tasks = new ArrayList<>();
    tasks.add(
        () -> {
          throw new IOException("disk on fire");
        });
    for (int i = 0; i < 100; i++) {
      tasks.add(
          () -> {
            started.incrementAndGet();
            never.await(); // interrupted by the shutdown
            return 1;
          });
    }
    WorkerPool pool = new WorkerPool("pghs-fail", 2);
    assertThatThrownBy(() -> pool.runAll(tasks, r -> {}))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("disk on fire");
    assertThat(started.get()).isLessThan(100);
    assertThatThrownBy(() -> pool.runAll(tasks, r -> {}))
        .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    pool.close();
  }

  private static List<Integer> range(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }
}
