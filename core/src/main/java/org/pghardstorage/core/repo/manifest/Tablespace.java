package org.pghardstorage.core.repo.manifest;

import java.util.Objects;

/**
 * A tablespace of the backed-up cluster.
 *
 * @param oid its oid (> 0)
 * @param location its absolute directory on the server
 */
public record Tablespace(long oid, String location) {
  /** Validates the fields. */
  public Tablespace {
    Objects.requireNonNull(location, "location");
    if (oid <= 0 || oid > 0xffffffffL) {
      throw new IllegalArgumentException("tablespace oid " + oid + " is not 1..4294967295");
    }
    if (!location.startsWith("/")) {
      throw new IllegalArgumentException(
          "tablespace " + oid + " location '" + location + "' is not an absolute path");
    }
  }
}
