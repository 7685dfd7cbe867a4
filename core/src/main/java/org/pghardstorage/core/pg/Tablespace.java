package org.pghardstorage.core.pg;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * One row of BASE_BACKUP's tablespace list.
 *
 * @param oid the tablespace OID; empty for the main data directory
 * @param location the tablespace directory; empty for the main data directory
 * @param sizeKb the estimated size in kB, sent only with PROGRESS
 */
public record Tablespace(OptionalLong oid, Optional<String> location, OptionalLong sizeKb) {
  /** Whether this is the main data directory. */
  public boolean isDataDirectory() {
    return oid.isEmpty();
  }
}
