package org.pghardstorage.core.storage.retry;

import java.time.Duration;
import org.pghardstorage.core.storage.StorageOperation;
import org.pghardstorage.core.storage.StorageUnavailableException;

/**
 * Told about every retry of a {@link RetryingObjectStore}, for metrics ({@code storage retries})
 * and progress reporting. Called on the calling thread, before the wait; implementations must be
 * fast and thread-safe, and must not throw.
 */
public interface RetryListener {
  /** Ignores everything. */
  RetryListener NONE = (operation, failedAttempt, backoff, cause) -> {};

  /**
   * Attempt {@code failedAttempt} (1-based) of {@code operation} failed with {@code cause}; the
   * store waits {@code backoff} and tries again.
   */
  void retrying(
      StorageOperation operation,
      int failedAttempt,
      Duration backoff,
      StorageUnavailableException cause);

  /** The last of {@code attempts} attempts failed; {@code cause} goes to the caller. */
  default void gaveUp(
      StorageOperation operation, int attempts, StorageUnavailableException cause) {}
}
