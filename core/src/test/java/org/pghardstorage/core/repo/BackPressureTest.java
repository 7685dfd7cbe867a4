package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.core.repo.RepoFixtures.DB1;
import static org.pghardstorage.core.repo.RepoFixtures.id;
import static org.pghardstorage.core.repo.RepoFixtures.pages;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.chunk.ChunkStream;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/** Slow storage must stall chunking instead of letting finished packs pile up in memory. */
class BackPressureTest {
  private static final int THREADS = 2;
  private static final int QUEUE = 1;

  @Test
  void chunkingWaitsForUploadsOnNamedThreads() throws Exception {
    GatedStore store = new GatedStore(new MemoryObjectStore("slow"));
    Repository.init(store.memory, RepoFixtures.small(), RepoFixtures.open()).close();
    byte[] data = pages(1, 1600); // 12.5 MiB: about 200 packs of 64 KiB, several times the bound
    AtomicLong consumed = new AtomicLong();
    try (Repository repo = Repository.open(store, RepoFixtures.open().withUploads(THREADS, QUEUE));
        BackupWriter w = repo.newBackup(DB1, id(1))) {
      Thread writer =
          new Thread(
              () -> {
                try {
                  w.writeFile(new CountingStream(new ByteArrayInputStream(data), consumed));
                } catch (IOException e) {
                  throw new AssertionError(e);
                }
              },
              "test-writer");
      writer.start();
      try {
        // Wait until the whole pipeline has stalled: both upload threads stuck in the store, and
        // the writer and every encoder thread parked (a pack submit blocked on a full uploader,
        // or the window of chunks in flight full), with nothing read meanwhile. One glance is
        // not enough: the writer also parks for a moment whenever it waits for a chunk being
        // hashed, and reads on once it is.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long seen = -1;
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() < deadline) {
          Thread.sleep(20);
          long now = consumed.get();
          boolean stalled =
              store.waiting.get() == THREADS
                  && writer.getState() == Thread.State.WAITING
                  && encodersParked(id(1).toString());
          quiet = stalled && now == seen ? quiet + 1 : 0;
          seen = now;
        }
        assertThat(quiet).as("the pipeline stalled behind the slow store").isEqualTo(3);
        assertThat(store.waiting.get()).isEqualTo(THREADS);
        assertThat(pipelineStuckInSubmit()).as("a finished pack waits for the uploader").isTrue();
        long packBytes = 65536 + 131072; // a pack closes at the target, plus at most one chunk
        int window =
            BackupWriter.CHUNKS_IN_FLIGHT_PER_ENCODER * Runtime.getRuntime().availableProcessors();
        // packs uploading and queued, one blocked in submit, one being filled; the chunks in the
        // cutter's window; what the chunker's buffer holds
        long bound =
            (THREADS + QUEUE + 2) * packBytes
                + window * 131072L
                + ChunkStream.bufferSize(RepoFixtures.small().chunker());
        assertThat(consumed.get()).isLessThan(bound).isLessThan(data.length);

      } finally {
        // Opened whatever happened above: a failed check must fail the test, not leave the
        // uploads (and so the writer's close) blocked for ever.
        store.gate.release(1_000_000);
      }
      writer.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(consumed.get()).isEqualTo(data.length);
      assertThat(store.threadNames).allMatch(n -> n.startsWith("pghs-upload-" + id(1) + "-"));
    }
  }

  /** Whether every encoder thread of the backup is parked or blocked, none running. */
  private static boolean encodersParked(String backupId) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("pghs-encode-" + backupId))
        .allMatch(
            t ->
                t.getState() == Thread.State.WAITING
                    || t.getState() == Thread.State.BLOCKED
                    || t.getState() == Thread.State.TIMED_WAITING);
  }

  /** Whether some thread is parked queueing a finished pack on the full uploader. */
  private static boolean pipelineStuckInSubmit() {
    return Thread.getAllStackTraces().entrySet().stream()
        .anyMatch(
            e ->
                e.getKey().getState() == Thread.State.WAITING
                    && java.util.Arrays.stream(e.getValue())
                        .anyMatch(
                            f ->
                                f.getClassName().endsWith(".PackUploader")
                                    && f.getMethodName().equals("submit")));
  }

  /** Blocks every pack upload until the gate opens. */
  private static final class GatedStore extends DelegatingStore {
    final MemoryObjectStore memory;
    final Semaphore gate = new Semaphore(0);
    final AtomicInteger waiting = new AtomicInteger();
    final Set<String> threadNames = ConcurrentHashMap.newKeySet();

    GatedStore(MemoryObjectStore memory) {
      super(memory);
      this.memory = memory;
    }

    @Override
    public boolean putIfAbsent(ObjectKey key, byte[] data) {
      if (key.value().startsWith("data/")) {
        threadNames.add(Thread.currentThread().getName());
        waiting.incrementAndGet();
        gate.acquireUninterruptibly();
        waiting.decrementAndGet();
      }
      return delegate.putIfAbsent(key, data);
    }
  }

  private static final class CountingStream extends FilterInputStream {
    private final AtomicLong count;

    CountingStream(InputStream in, AtomicLong count) {
      super(in);
      this.count = count;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count.addAndGet(n);
      }
      return n;
    }
  }
}
