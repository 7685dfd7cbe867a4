package org.pghardstorage.core.storage.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pghardstorage.core.storage.FaultInjectingObjectStore.unavailable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.storage.FaultInjectingObjectStore;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.StorageException;
import org.pghardstorage.core.storage.StorageOperation;
import org.pghardstorage.core.storage.StorageUnavailableException;
import org.pghardstorage.core.storage.memory.MemoryObjectStore;

class RetryingObjectStoreTest {
  private static final RetryPolicy POLICY =
      new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(250));

  private final FaultInjectingObjectStore faulty =
      new FaultInjectingObjectStore(new MemoryObjectStore("behind-retries"));
  private final List<Duration> slept = new ArrayList<>();
  private final RetryCounter counter = new RetryCounter();
  private final RetryingObjectStore store =
      new RetryingObjectStore(faulty, POLICY, counter, slept::add, () -> 0.0);
  private final ObjectKey key = ObjectKey.of("wal/db1/000000010000000000000001");

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void retriesUnavailableUntilItSucceedsWithGrowingBackoff() {
    faulty.putIfAbsent(key, new byte[] {7});
    faulty.failNextCalls(StorageOperation.GET, 3, unavailable("connection reset"));

    assertThat(store.get(key)).containsExactly(7);

    assertThat(faulty.calls(StorageOperation.GET)).isEqualTo(4);
    assertThat(slept)
        .containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(125));
    assertThat(counter.retries(StorageOperation.GET)).isEqualTo(3);
    assertThat(counter.retries()).isEqualTo(3);
    assertThat(counter.gaveUp(StorageOperation.GET)).isZero();
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastFailureAndItsSuggestion() {
    faulty.failNextCalls(StorageOperation.PUT, 10, unavailable("bucket unreachable"));

    assertThatThrownBy(() -> store.put(key, new byte[] {1}))
        .isInstanceOfSatisfying(
            StorageUnavailableException.class,
            e -> {
              assertThat(e.getCause()).hasMessageContaining("bucket unreachable");
              assertThat(e.suggestion()).contains("this is a test");
            })
        .hasMessageContaining("bucket unreachable")
        .hasMessageContaining("failed 4 times")
        .hasMessageContaining(key.value());
    assertThat(faulty.calls(StorageOperation.PUT)).isEqualTo(4);
    assertThat(slept).hasSize(3);
    assertThat(counter.retries(StorageOperation.PUT)).isEqualTo(3);
    assertThat(counter.gaveUp(StorageOperation.PUT)).isEqualTo(1);
  }

  @Test
  void neverRetriesAMissingObject() {
    assertThatThrownBy(() -> store.get(key)).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.getRange(key, 0, 1)).isInstanceOf(ObjectNotFoundException.class);

    assertThat(faulty.calls(StorageOperation.GET)).isEqualTo(1);
    assertThat(faulty.calls(StorageOperation.GET_RANGE)).isEqualTo(1);
    assertThat(slept).isEmpty();
    assertThat(counter.retries()).isZero();
  }

  @Test
  void neverRetriesOtherFailures() {
    faulty.failNextCalls(
        StorageOperation.LIST, 1, () -> new StorageException("listing is corrupt", null));
    faulty.failNextCalls(
        StorageOperation.DELETE, 1, () -> new IllegalStateException("store is closed"));

    assertThatThrownBy(() -> store.list("")).hasMessage("listing is corrupt");
    assertThatThrownBy(() -> store.delete(key)).hasMessage("store is closed");

    assertThat(faulty.calls(StorageOperation.LIST)).isEqualTo(1);
    assertThat(faulty.calls(StorageOperation.DELETE)).isEqualTo(1);
    assertThat(counter.retries()).isZero();
  }

  @Test
  void withoutRetriesTheOriginalFailureIsThrownUnchanged() {
    RetryingObjectStore once =
        new RetryingObjectStore(faulty, RetryPolicy.NO_RETRIES, counter, slept::add, () -> 0.0);
    StorageUnavailableException original = unavailable("down").get();
    faulty.failNextCalls(StorageOperation.STAT, 1, () -> original);

    assertThatThrownBy(() -> once.stat(key)).isSameAs(original);
    assertThat(counter.gaveUp(StorageOperation.STAT)).isEqualTo(1);
  }

  @Test
  void anInterruptDuringTheWaitEndsTheRetriesAndKeepsTheFlag() {
    RetryingObjectStore interrupted =
        new RetryingObjectStore(
            faulty,
            POLICY,
            counter,
            duration -> {
              throw new InterruptedException("shutdown");
            },
            () -> 0.0);
    faulty.failNextCalls(StorageOperation.STAT, 10, unavailable("down"));

    assertThatThrownBy(() -> interrupted.stat(key))
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageContaining("down")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .isInstanceOf(InterruptedException.class));
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(faulty.calls(StorageOperation.STAT)).isEqualTo(1);
  }

  @Test
  void aPutIfAbsentWhoseAnswerWasLostIsACreationNotAConflict() {
    // the first attempt creates the object, then its answer is lost; the retry finds it
    faulty.failCallAfterApplying(StorageOperation.PUT_IF_ABSENT, 1, unavailable("timeout"));

    assertThat(store.putIfAbsent(key, new byte[] {1, 2})).isTrue();

    assertThat(store.get(key)).containsExactly(1, 2);
    assertThat(faulty.calls(StorageOperation.PUT_IF_ABSENT)).isEqualTo(2);
    assertThat(counter.retries(StorageOperation.PUT_IF_ABSENT)).isEqualTo(1);
  }

  @Test
  void afterAFailedAttemptOtherContentIsStillAConflict() {
    faulty.putIfAbsent(key, new byte[] {9});
    faulty.failNextCalls(StorageOperation.PUT_IF_ABSENT, 1, unavailable("connection reset"));

    assertThat(store.putIfAbsent(key, new byte[] {1, 2})).isFalse();

    assertThat(store.get(key)).containsExactly(9);
  }

  @Test
  void withoutAFailedAttemptAnExistingObjectIsNotReadBack() {
    faulty.putIfAbsent(key, new byte[] {1, 2});

    assertThat(store.putIfAbsent(key, new byte[] {1, 2})).isFalse();

    assertThat(faulty.calls(StorageOperation.GET)).isZero();
  }

  @Test
  void aReadBackThatFailsIsAnErrorNotAConflict() {
    faulty.failCallAfterApplying(StorageOperation.PUT_IF_ABSENT, 1, unavailable("timeout"));
    faulty.failNextCalls(StorageOperation.GET, 10, unavailable("still down"));

    assertThatThrownBy(() -> store.putIfAbsent(key, new byte[] {1}))
        .isInstanceOf(StorageUnavailableException.class)
        .hasMessageContaining("still down");
  }

  @Test
  void describeAndCloseGoToTheDelegate() {
    assertThat(store.describe()).isEqualTo(faulty.describe());

    store.close();

    assertThatThrownBy(() -> faulty.list("")).isInstanceOf(IllegalStateException.class);
  }
}
