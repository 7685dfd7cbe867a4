package org.pghardstorage.core.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * What a backend knows about one stored object.
 *
 * @param key the object's key
 * @param size its length in bytes
 * @param lastModified when it was last written, as the backend reports it (second precision or
 *     better; used for lock staleness and retention of orphans, never for correctness of data)
 */
public record ObjectInfo(ObjectKey key, long size, Instant lastModified) {
  public ObjectInfo {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(lastModified, "lastModified");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
  }
}
