package org.pghardstorage.core.restore;

import java.util.Objects;

/**
 * Whether one WAL segment a backup needs is in the repository.
 *
 * @param name the 24-hex-digit segment name
 * @param state present, only the partial (still being received) object, or missing
 */
public record WalSegmentStatus(String name, State state) {
  /** Validates the fields. */
  public WalSegmentStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
  }

  /** Where the segment stands. */
  public enum State {
    /** The complete segment is archived. */
    PRESENT,
    /** Only the partial segment exists: the streamer is still receiving it. */
    PARTIAL_ONLY,
    /** Neither object exists. */
    MISSING
  }
}
