package org.pghardstorage.core.task;

import java.util.Objects;

/**
 * How far a task has come: items and bytes done of the totals known at the start. Immutable and
 * plain, so it serialises as it is into the command line's ndjson events and REST job status.
 *
 * @param phase what is being counted, e.g. {@code files} for a restore or {@code packs} for a
 *     verify; each task documents its phases
 * @param itemsDone items finished in this phase
 * @param itemsTotal items in this phase
 * @param bytesDone bytes finished in this phase
 * @param bytesTotal bytes in this phase
 */
public record Progress(
    String phase, long itemsDone, long itemsTotal, long bytesDone, long bytesTotal) {
  /** Validates the fields. */
  public Progress {
    Objects.requireNonNull(phase, "phase");
    if (itemsDone < 0 || itemsTotal < 0 || bytesDone < 0 || bytesTotal < 0) {
      throw new IllegalArgumentException("progress counts must not be negative");
    }
  }

  /** The share done, 0 to 1: by bytes when the phase counts bytes, else by items. */
  public double fraction() {
    if (bytesTotal > 0) {
      return Math.min(1.0, bytesDone / (double) bytesTotal);
    }
    return itemsTotal == 0 ? 1.0 : Math.min(1.0, itemsDone / (double) itemsTotal);
  }
}
