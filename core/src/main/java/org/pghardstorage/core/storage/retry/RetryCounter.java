package org.pghardstorage.core.storage.retry;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.pghardstorage.core.storage.StorageOperation;
import org.pghardstorage.core.storage.StorageUnavailableException;

/** A {@link RetryListener} that counts retries and give-ups per operation. Thread-safe. */
public final class RetryCounter implements RetryListener {
  private final Map<StorageOperation, LongAdder> retries = new EnumMap<>(StorageOperation.class);
  private final Map<StorageOperation, LongAdder> gaveUp = new EnumMap<>(StorageOperation.class);

  /** Counters at zero for every operation. */
  public RetryCounter() {
    for (StorageOperation operation : StorageOperation.values()) {
      retries.put(operation, new LongAdder());
      gaveUp.put(operation, new LongAdder());
    }
  }

  @Override
  public void retrying(
      StorageOperation operation,
      int failedAttempt,
      Duration backoff,
      StorageUnavailableException cause) {
    retries.get(operation).increment();
  }

  @Override
  public void gaveUp(StorageOperation operation, int attempts, StorageUnavailableException cause) {
    gaveUp.get(operation).increment();
  }

  /** Retries of {@code operation} so far. */
  public long retries(StorageOperation operation) {
    return retries.get(operation).sum();
  }

  /** Retries of every operation so far. */
  public long retries() {
    return retries.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Calls of {@code operation} that failed even after retrying. */
  public long gaveUp(StorageOperation operation) {
    return gaveUp.get(operation).sum();
  }
}
