package org.pghardstorage.core.repo;

import java.util.Objects;

/**
 * A WAL segment read from the archive.
 *
 * @param name the 24-hex-digit segment name
 * @param partial whether this is the partial segment (still being received)
 * @param content the segment's bytes
 */
public record WalSegment(String name, boolean partial, byte[] content) {
  /** Validates the fields. */
  public WalSegment {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
  }
}
