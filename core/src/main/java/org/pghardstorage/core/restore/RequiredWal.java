package org.pghardstorage.core.restore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * The WAL a backup needs to become consistent, and whether the repository has it.
 *
 * @param startLsn the backup's start (redo) LSN
 * @param startTimeline the timeline at the start
 * @param endLsn the LSN at which the backup is consistent
 * @param endTimeline the timeline at the end
 * @param segments every segment from the start to the end, in order
 */
public record RequiredWal(
    String startLsn,
    long startTimeline,
    String endLsn,
    long endTimeline,
    List<WalSegmentStatus> segments) {
  /** Validates the fields. */
  public RequiredWal {
    Objects.requireNonNull(startLsn, "startLsn");
    Objects.requireNonNull(endLsn, "endLsn");
    segments = List.copyOf(segments);
  }

  /** Whether every segment is archived completely. */
  @JsonProperty("complete")
  public boolean complete() {
    return segments.stream().allMatch(s -> s.state() == WalSegmentStatus.State.PRESENT);
  }
}
