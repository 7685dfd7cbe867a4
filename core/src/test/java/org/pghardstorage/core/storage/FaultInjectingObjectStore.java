package org.pghardstorage.core.storage;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Wraps an {@link ObjectStore} and makes chosen calls fail, reads return corrupted bytes, or writes
 * run out of space, for tests of retry, verify and error handling. Without any fault configured it
 * is transparent (it passes the contract suite). Published in core's test-jar; thread-safe.
 *
 * <p>Calls are counted per {@link StorageOperation} from construction, 1-based, including calls
 * that fail.
 */
public final class FaultInjectingObjectStore implements ObjectStore {
  /** Before: the delegate is never called. After: it is, and then the answer is "lost". */
  private enum Timing {
    BEFORE,
    AFTER
  }

  private record Fault(
      StorageOperation operation,
      int fromCall,
      int toCall,
      Timing timing,
      Supplier<? extends RuntimeException> exception) {
    boolean matches(StorageOperation op, int call) {
      return op == operation && call >= fromCall && call <= toCall;
    }
  }

  private final ObjectStore delegate;
  private final Map<StorageOperation, AtomicInteger> calls = new EnumMap<>(StorageOperation.class);
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final AtomicLong spaceLeft = new AtomicLong(Long.MAX_VALUE);
  private volatile Predicate<ObjectKey> corrupted = key -> false;

  /** A transparent wrapper around {@code delegate} until faults are added. */
  public FaultInjectingObjectStore(ObjectStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    for (StorageOperation operation : StorageOperation.values()) {
      calls.put(operation, new AtomicInteger());
    }
  }

  /** A {@link StorageUnavailableException} as a backend would throw it, for the fault methods. */
  public static Supplier<StorageUnavailableException> unavailable(String why) {
    return () -> new StorageUnavailableException("injected fault: " + why, "this is a test", null);
  }

  /** Call number {@code nth} (counted from construction) of {@code operation} throws. */
  public FaultInjectingObjectStore failCall(
      StorageOperation operation, int nth, Supplier<? extends RuntimeException> exception) {
    return add(operation, nth, nth, Timing.BEFORE, exception);
  }

  /** The next {@code count} calls of {@code operation} throw without reaching the delegate. */
  public FaultInjectingObjectStore failNextCalls(
      StorageOperation operation, int count, Supplier<? extends RuntimeException> exception) {
    int next = calls(operation) + 1;
    return add(operation, next, next + count - 1, Timing.BEFORE, exception);
  }

  /**
   * Call number {@code nth} of {@code operation} reaches the delegate and takes effect, then throws
   * as if the answer were lost on the network.
   */
  public FaultInjectingObjectStore failCallAfterApplying(
      StorageOperation operation, int nth, Supplier<? extends RuntimeException> exception) {
    return add(operation, nth, nth, Timing.AFTER, exception);
  }

  /**
   * Flips one bit in the middle of every non-empty result of {@link #get} and {@link #getRange} for
   * keys matching {@code keys}. The stored object stays intact.
   */
  public FaultInjectingObjectStore corruptReads(Predicate<ObjectKey> keys) {
    this.corrupted = Objects.requireNonNull(keys, "keys");
    return this;
  }

  /**
   * From now on, writes may store only {@code bytes} more in total; a write that does not fit
   * throws {@link StorageUnavailableException} "no space left" and stores nothing, as a full disk
   * does. Like the filesystem backend, which writes a temporary file before it knows whether the
   * key exists, a {@code putIfAbsent} needs the space even when it then returns {@code false}, and
   * keeps none of it. Replacing an object does not free the old one's space.
   */
  public FaultInjectingObjectStore diskFullAfter(long bytes) {
    spaceLeft.set(bytes);
    return this;
  }

  /** Calls of {@code operation} so far, failed ones included. */
  public int calls(StorageOperation operation) {
    return calls.get(operation).get();
  }

  @Override
  public boolean putIfAbsent(ObjectKey key, byte[] data) {
    return call(
        StorageOperation.PUT_IF_ABSENT,
        () -> {
          reserve(key, data);
          boolean created = false;
          try {
            created = delegate.putIfAbsent(key, data);
            return created;
          } finally {
            if (!created) {
              spaceLeft.addAndGet(data.length);
            }
          }
        });
  }

  @Override
  public void put(ObjectKey key, byte[] data) {
    call(
        StorageOperation.PUT,
        () -> {
          reserve(key, data);
          boolean stored = false;
          try {
            delegate.put(key, data);
            stored = true;
            return null;
          } finally {
            if (!stored) {
              spaceLeft.addAndGet(data.length);
            }
          }
        });
  }

  @Override
  public byte[] get(ObjectKey key) {
    return call(StorageOperation.GET, () -> corrupt(key, delegate.get(key)));
  }

  @Override
  public byte[] getRange(ObjectKey key, long offset, int length) {
    return call(
        StorageOperation.GET_RANGE, () -> corrupt(key, delegate.getRange(key, offset, length)));
  }

  @Override
  public Optional<ObjectInfo> stat(ObjectKey key) {
    return call(StorageOperation.STAT, () -> delegate.stat(key));
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return call(StorageOperation.LIST, () -> delegate.list(prefix));
  }

  @Override
  public void delete(ObjectKey key) {
    call(
        StorageOperation.DELETE,
        () -> {
          delegate.delete(key);
          return null;
        });
  }

  @Override
  public Optional<java.nio.file.Path> localDirectory() {
    return delegate.localDirectory();
  }

  @Override
  public String describe() {
    return "faulty " + delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }

  private FaultInjectingObjectStore add(
      StorageOperation operation,
      int from,
      int to,
      Timing timing,
      Supplier<? extends RuntimeException> exception) {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(exception, "exception");
    if (from < 1 || to < from) {
      throw new IllegalArgumentException(
          "calls are numbered from 1 and the range must not be empty, was " + from + ".." + to);
    }
    faults.add(new Fault(operation, from, to, timing, exception));
    return this;
  }

  private <T> T call(StorageOperation operation, Supplier<T> body) {
    int n = calls.get(operation).incrementAndGet();
    Optional<Fault> fault = faults.stream().filter(f -> f.matches(operation, n)).findFirst();
    if (fault.isPresent() && fault.get().timing() == Timing.BEFORE) {
      throw fault.get().exception().get();
    }
    T result = body.get();
    if (fault.isPresent()) {
      throw fault.get().exception().get();
    }
    return result;
  }

  private void reserve(ObjectKey key, byte[] data) {
    long left = spaceLeft.addAndGet(-data.length);
    if (left < 0) {
      spaceLeft.addAndGet(data.length);
      throw new StorageUnavailableException(
          "injected fault: no space left writing object '"
              + key
              + "' of "
              + data.length
              + " bytes to "
              + delegate.describe()
              + " ("
              + (left + data.length)
              + " bytes left)",
          "free space, then retry",
          null);
    }
  }

  private byte[] corrupt(ObjectKey key, byte[] data) {
    if (data.length > 0 && corrupted.test(key)) {
      data[data.length / 2] ^= 1;
    }
    return data;
  }
}
