package org.pghardstorage.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.wal.WalFixtures.DB;
import static org.pghardstorage.core.wal.WalFixtures.SIZE;
import static org.pghardstorage.core.wal.WalFixtures.lsn;
import static org.pghardstorage.core.wal.WalFixtures.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.pg.TimelineId;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.repo.DelegatingStore;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.storage.FaultInjectingObjectStore;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.StorageOperation;
import org.pghardstorage.core.storage.StorageUnavailableException;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

/**
 * The background WAL storer: objects are stored and reported strictly in submission order, on its
 * own named thread, the next one sealed while the previous one is written; a full queue stalls the
 * receiver; the first failure stops every later store and reaches the receiver as the store's own
 * exception, after what was stored before it.
 */
class WalStorerTest {
  private static final int SEGMENT = (int) SIZE.bytes();

  private final GatedStore gated = new GatedStore(new MemoryObjectStore("storer"));
  private final FaultInjectingObjectStore store = new FaultInjectingObjectStore(gated);
  private final WalArchive archive = WalFixtures.repository(store).wal(DB);

  private static WalSegmentName name(int segment) {
    return WalSegmentName.of(TimelineId.FIRST, lsn(segment, 0), SIZE);
  }

  private static byte[] whole(int segment) {
    return wal(lsn(segment, 0), SEGMENT);
  }

  private static byte[] part(int segment, int bytes) {
    return wal(lsn(segment, 0), bytes);
  }

  private static List<WalStorer.Stored> absorbed(WalStorer storer) {
    List<WalStorer.Stored> out = new ArrayList<>();
    storer.absorb(out::add);
    return out;
  }

  @Test
  void storesAndReportsInSubmissionOrderOnItsOwnThread() {
    gated.open();
    try (WalStorer storer = WalStorer.background(archive, 2, "pghs-wal-store-test")) {
      storer.submitSegment(name(2), whole(2));
      storer.submitPartial(name(3), part(3, 0x1000));
      storer.submitSegment(name(3), whole(3));
      storer.submitPartial(name(4), part(4, 0x2000));
      storer.awaitAll();

      assertThat(absorbed(storer))
          .containsExactly(
              new WalStorer.Stored(name(2), true, lsn(3, 0)),
              new WalStorer.Stored(name(3), false, lsn(3, 0x1000)),
              new WalStorer.Stored(name(3), true, lsn(4, 0)),
              new WalStorer.Stored(name(4), false, lsn(4, 0x2000)));
    }
    assertThat(gated.writes)
        .containsExactly(
            key(2, false), key(3, true), key(3, false), "delete " + key(3, true), key(4, true));
    assertThat(gated.threads).containsExactly("pghs-wal-store-test");
    assertThat(archive.getSegment(name(3).toString()).orElseThrow().content()).isEqualTo(whole(3));
    assertThat(archive.getSegment(name(4).toString()).orElseThrow().content())
        .isEqualTo(part(4, 0x2000));
  }

  @Test
  void aFullQueueStallsTheSubmitterAndNothingIsReportedBeforeItIsStored() throws Exception {
    try (WalStorer storer = WalStorer.background(archive, 2, "pghs-wal-store-test")) {
      storer.submitSegment(name(2), whole(2)); // taken by the storing thread, held at the gate
      awaitUntil(() -> gated.waiting.get() == 1);
      storer.submitSegment(name(3), whole(3)); // waits: two objects are not yet stored
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread submitter =
          new Thread(
              () -> {
                try {
                  storer.submitSegment(name(4), whole(4));
                } catch (Throwable t) {
                  failed.set(t);
                }
              },
              "test-submitter");
      submitter.start();
      awaitUntil(() -> submitter.getState() == Thread.State.WAITING);

      assertThat(submitter.getState()).isEqualTo(Thread.State.WAITING);
      assertThat(storer.busy()).isTrue();
      assertThat(absorbed(storer)).isEmpty();
      assertThat(archive.listSegments(1)).isEmpty();

      gated.open();
      submitter.join(TimeUnit.SECONDS.toMillis(30));
      storer.awaitAll();
      assertThat(failed.get()).isNull();
      assertThat(absorbed(storer))
          .extracting(WalStorer.Stored::end)
          .containsExactly(lsn(3, 0), lsn(4, 0), lsn(5, 0));
    }
  }

  @Test
  void theNextSegmentIsSealedWhileThePreviousOneIsBeingWritten() throws Exception {
    try (WalStorer storer = WalStorer.background(archive, 3, "pghs-wal-store-test")) {
      storer.submitSegment(name(2), whole(2)); // sealed, then held at the gate by the writer
      storer.submitSegment(name(3), whole(3)); // sealed meanwhile, waiting for the writer
      awaitUntil(() -> gated.waiting.get() == 1 && storer.sealedWaiting() == 1);

      assertThat(gated.waiting.get()).isEqualTo(1);
      assertThat(storer.sealedWaiting()).isEqualTo(1);
      assertThat(absorbed(storer)).isEmpty();

      gated.open();
      storer.awaitAll();
      assertThat(absorbed(storer))
          .extracting(WalStorer.Stored::end)
          .containsExactly(lsn(3, 0), lsn(4, 0));
    }
    assertThat(gated.writes).containsExactly(key(2, false), key(3, false));
    assertThat(gated.threads).containsExactly("pghs-wal-store-test");
  }

  @Test
  void theFirstFailureStopsLaterStoresAndIsRethrownAfterWhatWasStoredBeforeIt() {
    store.failCall(
        StorageOperation.PUT_IF_ABSENT,
        store.calls(StorageOperation.PUT_IF_ABSENT) + 2,
        FaultInjectingObjectStore.unavailable("store down"));
    List<WalStorer.Stored> reported = new ArrayList<>();
    try (WalStorer storer = WalStorer.background(archive, 4, "pghs-wal-store-test")) {
      storer.submitSegment(name(2), whole(2));
      storer.submitSegment(name(3), whole(3)); // fails
      storer.submitPartial(name(4), part(4, 0x100)); // must not be stored over the hole
      // Stores start only now that all three are queued: had segment 3 already failed, the
      // submit of the partial would have rethrown that failure instead of queueing it.
      gated.open();
      storer.awaitAll();

      assertThatThrownBy(() -> storer.absorb(reported::add))
          .isInstanceOf(StorageUnavailableException.class)
          .hasMessageContaining("store down");
      assertThat(reported).extracting(WalStorer.Stored::end).containsExactly(lsn(3, 0));
      assertThatThrownBy(() -> storer.submitPartial(name(4), part(4, 0x200)))
          .isInstanceOf(StorageUnavailableException.class);
    }
    assertThat(archive.listSegments(1))
        .extracting(e -> e.name() + (e.partial() ? ".partial" : ""))
        .containsExactly(name(2).toString());
  }

  @Test
  void inlineStoresOnTheCallingThreadAndThrowsTheStoresException() {
    gated.open();
    store.failCall(
        StorageOperation.PUT,
        store.calls(StorageOperation.PUT) + 1,
        FaultInjectingObjectStore.unavailable("store down"));
    try (WalStorer storer = WalStorer.inline(archive)) {
      storer.submitSegment(name(2), whole(2));
      assertThat(storer.busy()).isFalse();
      assertThatThrownBy(() -> storer.submitPartial(name(3), part(3, 0x100)))
          .isInstanceOf(StorageUnavailableException.class);
      assertThat(absorbed(storer)).extracting(WalStorer.Stored::end).containsExactly(lsn(3, 0));
    }
    assertThat(gated.threads).containsExactly(Thread.currentThread().getName());
  }

  @Test
  void closeStoresWhatIsQueuedAndEndsItsThread() {
    WalStorer storer = WalStorer.background(archive, 4, "pghs-wal-store-closing");
    storer.submitSegment(name(2), whole(2));
    storer.submitSegment(name(3), whole(3));
    gated.open();
    storer.close();

    assertThat(archive.listSegments(1)).hasSize(2);
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("pghs-wal-store-closing"));
    assertThatThrownBy(() -> storer.submitSegment(name(4), whole(4)))
        .isInstanceOf(IllegalStateException.class);
  }

  private static String key(int segment, boolean partial) {
    return "wal/" + DB + "/00000001/" + name(segment) + (partial ? ".partial" : "");
  }

  /** Waits for a condition the test then asserts; the deadline only keeps a bug from hanging. */
  private static void awaitUntil(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  /** Records WAL writes in order and the threads that made them; holds them until opened. */
  private static final class GatedStore extends DelegatingStore {
    final Semaphore gate = new Semaphore(0);
    final AtomicInteger waiting = new AtomicInteger();
    final List<String> writes = new CopyOnWriteArrayList<>();
    final java.util.Set<String> threads = ConcurrentHashMap.newKeySet();

    GatedStore(MemoryObjectStore memory) {
      super(memory);
    }

    void open() {
      gate.release(1_000_000);
    }

    private void pass(ObjectKey key) {
      if (key.value().startsWith("wal/") && !key.value().contains("/coverage/")) {
        threads.add(Thread.currentThread().getName());
        waiting.incrementAndGet();
        gate.acquireUninterruptibly();
        waiting.decrementAndGet();
        gate.release();
      }
    }

    @Override
    public boolean putIfAbsent(ObjectKey key, byte[] data) {
      pass(key);
      boolean created = delegate.putIfAbsent(key, data);
      if (key.value().startsWith("wal/")) {
        writes.add(key.value());
      }
      return created;
    }

    @Override
    public void put(ObjectKey key, byte[] data) {
      pass(key);
      delegate.put(key, data);
      writes.add(key.value());
    }

    @Override
    public void delete(ObjectKey key) {
      if (key.value().startsWith("wal/") && exists(key)) {
        writes.add("delete " + key.value());
      }
      delegate.delete(key);
    }

    private boolean exists(ObjectKey key) {
      return delegate.list(key.value()).stream().anyMatch(i -> i.key().equals(key));
    }
  }
}
