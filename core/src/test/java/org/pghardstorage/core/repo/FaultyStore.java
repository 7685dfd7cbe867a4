package org.pghardstorage.core.repo;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.StorageUnavailableException;

/**
 * A test decorator: counts calls and fails the N-th write ({@code put} or {@code putIfAbsent})
 * whose key matches a filter, as a crash or outage at that point would. The failed write stores
 * nothing.
 */
final class FaultyStore extends DelegatingStore {
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger ranges = new AtomicInteger();
  private volatile int failAt = -1;
  private volatile Predicate<ObjectKey> filter = k -> true;

  FaultyStore(ObjectStore delegate) {
    super(delegate);
  }

  /** Fails the n-th matching write from now on (1-based); later writes succeed. */
  void failWrite(int n, Predicate<ObjectKey> which) {
    writes.set(0);
    filter = which;
    failAt = n;
  }

  /** Counts matching writes without failing. */
  void countWrites(Predicate<ObjectKey> which) {
    failWrite(Integer.MAX_VALUE, which);
  }

  int writes() {
    return writes.get();
  }

  int rangeReads() {
    return ranges.get();
  }

  void resetRangeReads() {
    ranges.set(0);
  }

  private void maybeFail(ObjectKey key) {
    if (filter.test(key) && writes.incrementAndGet() == failAt) {
      throw new StorageUnavailableException("injected failure writing " + key, null, null);
    }
  }

  @Override
  public boolean putIfAbsent(ObjectKey key, byte[] data) {
    maybeFail(key);
    return delegate.putIfAbsent(key, data);
  }

  @Override
  public void put(ObjectKey key, byte[] data) {
    maybeFail(key);
    delegate.put(key, data);
  }

  @Override
  public byte[] getRange(ObjectKey key, long offset, int length) {
    ranges.incrementAndGet();
    return delegate.getRange(key, offset, length);
  }
}
