package org.pghardstorage.core.storage.retry;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.StorageOperation;
import org.pghardstorage.core.storage.StorageUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries calls of another {@link ObjectStore} that fail with {@link StorageUnavailableException},
 * following a {@link RetryPolicy}, and reports each retry to a {@link RetryListener}. Every other
 * failure, {@link org.pghardstorage.core.storage.ObjectNotFoundException} in particular, reaches
 * the caller at once. Every operation is retried, which is safe because each is idempotent.
 *
 * <p>A {@link #putIfAbsent} whose answer was lost (a timeout or dropped connection after the
 * backend may have stored the object, see {@link StorageUnavailableException}) is retried too, and
 * the retry may find the object this very call created. So when an attempt failed and a later one
 * answers "already exists", the object is read back: byte-identical content counts as created
 * ({@code true}), because for a write-once object it is the same outcome whoever stored it; other
 * content is a real conflict ({@code false}). A manifest commit or a lock therefore never fails as
 * a conflict with itself.
 *
 * <p>The wait blocks the calling thread. An interrupt during the wait ends the retries: the last
 * failure is thrown, the interrupt flag stays set. Thread-safe if the delegate is.
 */
public final class RetryingObjectStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingObjectStore.class);

  /** Waits; a seam so tests need not sleep. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final ObjectStore delegate;
  private final RetryPolicy policy;
  private final RetryListener listener;
  private final Sleeper sleeper;
  private final DoubleSupplier jitter;

  /**
   * Wraps {@code delegate}; closing this store closes it.
   *
   * @param listener told about every retry, for example a {@link RetryCounter}
   */
  public RetryingObjectStore(ObjectStore delegate, RetryPolicy policy, RetryListener listener) {
    this(
        delegate,
        policy,
        listener,
        duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos()),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  RetryingObjectStore(
      ObjectStore delegate,
      RetryPolicy policy,
      RetryListener listener,
      Sleeper sleeper,
      DoubleSupplier jitter) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.jitter = Objects.requireNonNull(jitter, "jitter");
  }

  @Override
  public boolean putIfAbsent(ObjectKey key, byte[] data) {
    boolean[] failedBefore = new boolean[1];
    boolean created =
        retry(
            StorageOperation.PUT_IF_ABSENT,
            key,
            () -> {
              try {
                return delegate.putIfAbsent(key, data);
              } catch (StorageUnavailableException e) {
                failedBefore[0] = true;
                throw e;
              }
            });
    return created || failedBefore[0] && storedByUs(key, data);
  }

  /**
   * Whether {@code key} holds exactly {@code data}: after a lost answer, the object the retry found
   * is most likely the one the lost attempt stored. A read that fails is thrown, never taken as
   * "not ours": the caller must not conclude a conflict it cannot prove.
   */
  private boolean storedByUs(ObjectKey key, byte[] data) {
    try {
      boolean same = Arrays.equals(get(key), data);
      LOG.info(
          "putIfAbsent '{}' on {} found an object after a failed attempt; it {} what this call"
              + " wrote",
          key,
          delegate.describe(),
          same ? "is byte for byte" : "differs from");
      return same;
    } catch (ObjectNotFoundException e) {
      // deleted again since the retry saw it: whoever deleted it saw it first, so it was there
      return false;
    }
  }

  @Override
  public void put(ObjectKey key, byte[] data) {
    retry(
        StorageOperation.PUT,
        key,
        () -> {
          delegate.put(key, data);
          return null;
        });
  }

  @Override
  public byte[] get(ObjectKey key) {
    return retry(StorageOperation.GET, key, () -> delegate.get(key));
  }

  @Override
  public byte[] getRange(ObjectKey key, long offset, int length) {
    return retry(StorageOperation.GET_RANGE, key, () -> delegate.getRange(key, offset, length));
  }

  @Override
  public Optional<ObjectInfo> stat(ObjectKey key) {
    return retry(StorageOperation.STAT, key, () -> delegate.stat(key));
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return retry(StorageOperation.LIST, prefix, () -> delegate.list(prefix));
  }

  @Override
  public void delete(ObjectKey key) {
    retry(
        StorageOperation.DELETE,
        key,
        () -> {
          delegate.delete(key);
          return null;
        });
  }

  @Override
  public java.util.Optional<java.nio.file.Path> localDirectory() {
    return delegate.localDirectory();
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }

  private <T> T retry(StorageOperation operation, Object subject, Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (StorageUnavailableException e) {
        if (attempt >= policy.maxAttempts()) {
          listener.gaveUp(operation, attempt, e);
          throw attempt == 1 ? e : exhausted(operation, subject, attempt, e);
        }
        Duration backoff = policy.backoff(attempt, jitter.getAsDouble());
        LOG.warn(
            "{} '{}' on {} failed (attempt {} of {}), retrying in {} ms: {}",
            operation,
            subject,
            delegate.describe(),
            attempt,
            policy.maxAttempts(),
            backoff.toMillis(),
            e.getMessage());
        listener.retrying(operation, attempt, backoff, e);
        try {
          sleeper.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          e.addSuppressed(interrupted);
          throw e;
        }
      }
    }
  }

  private StorageUnavailableException exhausted(
      StorageOperation operation, Object subject, int attempts, StorageUnavailableException last) {
    return new StorageUnavailableException(
        last.getMessage()
            + " ("
            + operation
            + " '"
            + subject
            + "' failed "
            + attempts
            + " times in a row)",
        last.suggestion().orElse("check that " + delegate.describe() + " is reachable, then retry"),
        last);
  }
}
