package org.pghardstorage.core.repo;

import java.util.Objects;

/**
 * A WAL segment object in a listing.
 *
 * @param name the 24-hex-digit segment name
 * @param partial whether it is the {@code .partial} object
 * @param storedSize the sealed object's size in the store
 * @param storedAt when the store last wrote it (for a partial: the last flush)
 */
public record WalEntry(String name, boolean partial, long storedSize, java.time.Instant storedAt) {
  /** Validates the fields. */
  public WalEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(storedAt, "storedAt");
  }
}
