package org.pghardstorage.core.repo;

import java.util.Objects;

/**
 * A stored object that could not be read as what it should be.
 *
 * @param key its key in the store, e.g. {@code index/<64 hex>} or {@code data/ab/<64 hex>}
 * @param detail what is wrong with it
 */
public record DamagedObject(String key, String detail) {
  /** Validates the fields. */
  public DamagedObject {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(detail, "detail");
  }
}
