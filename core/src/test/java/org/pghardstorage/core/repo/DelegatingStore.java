package org.pghardstorage.core.repo;

import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;

/** A test decorator that passes every call on; tests override the calls they watch. */
public class DelegatingStore implements ObjectStore {
  /** The wrapped store. */
  protected final ObjectStore delegate;

  /** Passes every call on to {@code delegate}. */
  public DelegatingStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public boolean putIfAbsent(ObjectKey key, byte[] data) {
    return delegate.putIfAbsent(key, data);
  }

  @Override
  public void put(ObjectKey key, byte[] data) {
    delegate.put(key, data);
  }

  @Override
  public byte[] get(ObjectKey key) {
    return delegate.get(key);
  }

  @Override
  public byte[] getRange(ObjectKey key, long offset, int length) {
    return delegate.getRange(key, offset, length);
  }

  @Override
  public Optional<ObjectInfo> stat(ObjectKey key) {
    return delegate.stat(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public void delete(ObjectKey key) {
    delegate.delete(key);
  }

  @Override
  public Optional<java.nio.file.Path> localDirectory() {
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
}
