package org.pghardstorage.core.storage.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.RangeOutsideObjectException;

/**
 * An {@link ObjectStore} held in this JVM's heap. Nothing is durable beyond the process; it exists
 * for tests and for {@code memory://} repositories in demos. It passes the same contract suite as
 * every other backend. Stored arrays are copied in and out, so callers cannot alias them.
 */
public final class MemoryObjectStore implements ObjectStore {
  private record Entry(byte[] data, Instant written) {}

  private final String name;
  private final Clock clock;
  private final ConcurrentSkipListMap<ObjectKey, Entry> objects = new ConcurrentSkipListMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** An empty store named {@code name}, stamping objects with the system clock. */
  public MemoryObjectStore(String name) {
    this(name, Clock.systemUTC());
  }

  /** An empty store named {@code name}, stamping objects with {@code clock}. */
  public MemoryObjectStore(String name, Clock clock) {
    this.name = Objects.requireNonNull(name, "name");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public boolean putIfAbsent(ObjectKey key, byte[] data) {
    checkOpen();
    return objects.putIfAbsent(key, new Entry(data.clone(), clock.instant())) == null;
  }

  @Override
  public void put(ObjectKey key, byte[] data) {
    checkOpen();
    objects.put(key, new Entry(data.clone(), clock.instant()));
  }

  @Override
  public byte[] get(ObjectKey key) {
    return entry(key).data().clone();
  }

  @Override
  public byte[] getRange(ObjectKey key, long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "range offset and length must be >= 0, were " + offset + " and " + length);
    }
    byte[] data = entry(key).data();
    // compare without adding: offset + length can overflow a long
    if (offset > data.length - (long) length) {
      throw new RangeOutsideObjectException(key, offset, length, data.length, describe());
    }
    return Arrays.copyOfRange(data, (int) offset, (int) offset + length);
  }

  @Override
  public Optional<ObjectInfo> stat(ObjectKey key) {
    checkOpen();
    Entry e = objects.get(key);
    return e == null
        ? Optional.empty()
        : Optional.of(new ObjectInfo(key, e.data().length, e.written()));
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    checkOpen();
    List<ObjectInfo> out = new ArrayList<>();
    for (Map.Entry<ObjectKey, Entry> e : objects.entrySet()) {
      if (e.getKey().value().startsWith(prefix)) {
        out.add(new ObjectInfo(e.getKey(), e.getValue().data().length, e.getValue().written()));
      }
    }
    return out;
  }

  @Override
  public void delete(ObjectKey key) {
    checkOpen();
    objects.remove(key);
  }

  @Override
  public String describe() {
    return "memory://" + name;
  }

  @Override
  public void close() {
    closed.set(true);
  }

  private Entry entry(ObjectKey key) {
    checkOpen();
    Entry e = objects.get(key);
    if (e == null) {
      throw new ObjectNotFoundException(describe(), key);
    }
    return e;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException(describe() + " is closed");
    }
  }
}
