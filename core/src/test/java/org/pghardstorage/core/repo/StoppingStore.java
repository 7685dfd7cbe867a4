package org.pghardstorage.core.repo;

import java.util.function.Predicate;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.StorageUnavailableException;

/**
 * A test decorator that applies the n-th matching create or deletion (described as {@code "put
 * <key>"} or {@code "delete <key>"}) and then fails, as a crash right after it would: the answer is
 * lost, so nothing retries it.
 */
final class StoppingStore extends DelegatingStore {
  private final int failAt;
  private final Predicate<String> counted;
  private int operations;

  StoppingStore(ObjectStore delegate, int failAt, Predicate<String> counted) {
    super(delegate);
    this.failAt = failAt;
    this.counted = counted;
  }

  /** The message of the injected failure for operation {@code n}. */
  static String message(int n) {
    return "injected: stop after operation " + n;
  }

  /**
   * Runs {@code work} against a repository on a stopping store.
   *
   * @return whether it stopped at operation {@code n}; {@code false} if it finished first
   * @throws AssertionError if it failed in any other way
   */
  static boolean stops(int n, Runnable work) {
    try {
      work.run();
      return false;
    } catch (HardstorageException e) {
      if (!String.valueOf(e.getMessage()).contains(message(n))) {
        throw new AssertionError("expected the injected stop at operation " + n, e);
      }
      return true;
    }
  }

  @Override
  public synchronized boolean putIfAbsent(ObjectKey key, byte[] data) {
    boolean created = super.putIfAbsent(key, data);
    stop("put " + key.value());
    return created;
  }

  @Override
  public synchronized void delete(ObjectKey key) {
    super.delete(key);
    stop("delete " + key.value());
  }

  private void stop(String operation) {
    if (counted.test(operation) && ++operations == failAt) {
      throw new StorageUnavailableException(message(failAt), null, null);
    }
  }
}
