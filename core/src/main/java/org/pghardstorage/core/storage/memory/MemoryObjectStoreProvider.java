package org.pghardstorage.core.storage.memory;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    String name = url.getHost() != null ? url.getHost() : url.getSchemeSpecificPart();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("memory:// needs a name, for example memory://test");
    }
    return new SharedView(STORES.computeIfAbsent(name, MemoryObjectStore::new));
  }

  /** Closing one opened view must not close the shared store for the others. */
  private static final class SharedView implements ObjectStore {
    private final MemoryObjectStore store;

    SharedView(MemoryObjectStore store) {
      this.store = store;
    }

    @Override
    public boolean putIfAbsent(org.pghardstorage.core.storage.ObjectKey key, byte[] data) {
      return store.putIfAbsent(key, data);
    }

    @Override
    public void put(org.pghardstorage.core.storage.ObjectKey key, byte[] data) {
      store.put(key, data);
    }

    @Override
    public byte[] get(org.pghardstorage.core.storage.ObjectKey key) {
      return store.get(key);
    }

    @Override
    public byte[] getRange(org.pghardstorage.core.storage.ObjectKey key, long offset, int length) {
      return store.getRange(key, offset, length);
    }

    @Override
    public java.util.Optional<org.pghardstorage.core.storage.ObjectInfo> stat(
        org.pghardstorage.core.storage.ObjectKey key) {
      return store.stat(key);
    }

    @Override
    public java.util.List<org.pghardstorage.core.storage.ObjectInfo> list(String prefix) {
      return store.list(prefix);
    }

    @Override
    public void delete(org.pghardstorage.core.storage.ObjectKey key) {
      store.delete(key);
    }

    @Override
    public String describe() {
      return store.describe();
    }

    @Override
    public void close() {}
  }
}
