package org.pghardstorage.core.restore;

import java.util.Objects;

/**
 * Where a restore puts one tablespace.
 *
 * @param oid the tablespace's oid
 * @param recordedLocation its location on the backed-up server
 * @param location where it is (or would be) restored; {@code pg_tblspc/<oid>} points here
 * @param remapped whether {@code location} comes from a remap rather than the recorded location
 */
public record TablespaceTarget(
    long oid, String recordedLocation, String location, boolean remapped) {
  /** Validates the fields. */
  public TablespaceTarget {
    Objects.requireNonNull(recordedLocation, "recordedLocation");
    Objects.requireNonNull(location, "location");
  }
}
