package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;

/**
 * A test decorator that records creates and deletions, {@code "put <key>"}/{@code "delete <key>"}.
 */
final class RecordingStore extends DelegatingStore {
  private final List<String> ops = Collections.synchronizedList(new ArrayList<>());

  RecordingStore(ObjectStore delegate) {
    super(delegate);
  }

  /** What was done so far, in order. */
  List<String> ops() {
    synchronized (ops) {
      return List.copyOf(ops);
    }
  }

  /** The position of the first operation starting with {@code prefix}, or -1. */
  int firstIndexOf(String prefix) {
    List<String> all = ops();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean putIfAbsent(ObjectKey key, byte[] data) {
    ops.add("put " + key.value());
    return super.putIfAbsent(key, data);
  }

  @Override
  public void delete(ObjectKey key) {
    ops.add("delete " + key.value());
    super.delete(key);
  }
}
