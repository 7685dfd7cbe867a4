package org.pghardstorage.core.repo;

import java.util.Arrays;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.ObjectStore;

/**
 * Creates write-once objects whose "already exists" means a conflict (a manifest, a lock, {@code
 * config}) so that a lost answer is never mistaken for one. A backend may retry a create whose
 * answer it lost on its own (the S3 SDK does), and a retry then finds the object this very call
 * stored; {@code RetryingObjectStore} handles its own retries the same way. Byte-identical content
 * is therefore success: for a write-once object it is the same outcome whoever stored it.
 */
final class WriteOnce {
  private WriteOnce() {}

  /**
   * Creates {@code key} with {@code data}.
   *
   * @return {@code true} if the object now holds exactly {@code data}; {@code false} if another
   *     object is there
   */
  static boolean create(ObjectStore store, ObjectKey key, byte[] data) {
    if (store.putIfAbsent(key, data)) {
      return true;
    }
    try {
      return Arrays.equals(store.get(key), data);
    } catch (ObjectNotFoundException e) {
      return false; // it existed a moment ago, so it was not ours to create
    }
  }
}
