package org.pghardstorage.core.storage.memory;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStoreProvider;

/**
 * Opens {@code memory://name} stores. Stores with the same name share content for the life of the
 * JVM, so a test can open a repository twice.
 */
public final class MemoryObjectStoreProvider implements ObjectStoreProvider {
  private static final ConcurrentHashMap<String, MemoryObjectStore> STORES =
      new ConcurrentHashMap<>();

  @Override
  public Set<String> schemes() {
    return Set.of("memory");
  }

  @Override
  public ObjectStore open(URI url) {
    // getAuthority, not getHost: a name such as my_repo is not a valid host name
    String name = url.getAuthority();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "memory URL '" + url + "' has no name; use memory://name, for example memory://test");
    }
    return new SharedView(STORES.computeIfAbsent(name, MemoryObjectStore::new));
  }

  /** Closing one opened view must not close the shared store for the others, only this view. */
  private static final class SharedView implements ObjectStore {
    private final MemoryObjectStore store;
    private final AtomicBoolean closed = new AtomicBoolean();

    SharedView(MemoryObjectStore store) {
      this.store = store;
    }

    @Override
    public boolean putIfAbsent(ObjectKey key, byte[] data) {
      return open().putIfAbsent(key, data);
    }

    @Override
    public void put(ObjectKey key, byte[] data) {
      open().put(key, data);
    }

    @Override
    public byte[] get(ObjectKey key) {
      return open().get(key);
    }

    @Override
    public byte[] getRange(ObjectKey key, long offset, int length) {
      return open().getRange(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> stat(ObjectKey key) {
      return open().stat(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
      return open().list(prefix);
    }

    @Override
    public void delete(ObjectKey key) {
      open().delete(key);
    }

    @Override
    public String describe() {
      return store.describe();
    }

    @Override
    public void close() {
      closed.set(true);
    }

    private MemoryObjectStore open() {
      if (closed.get()) {
        throw new IllegalStateException(describe() + " is closed");
      }
      return store;
    }
  }
}
