package org.pghardstorage.core.retention;

import java.util.List;
import java.util.Objects;
import org.pghardstorage.core.repo.GarbageCollection;

/**
 * What {@link Rotator#apply} deleted.
 *
 * @param plan the plan applied, made under the exclusive lock
 * @param backupsDeleted the backups deleted, oldest first
 * @param walSegmentsDeleted WAL segment names deleted
 * @param walBytesDeleted their stored size
 * @param historyFilesDeleted timelines whose history file was deleted
 * @param garbage what garbage collection deleted afterwards
 */
public record RotationResult(
    RetentionPlan plan,
    List<String> backupsDeleted,
    long walSegmentsDeleted,
    long walBytesDeleted,
    List<Long> historyFilesDeleted,
    GarbageCollection garbage) {
  /** Copies the lists. */
  public RotationResult {
    Objects.requireNonNull(plan, "plan");
    backupsDeleted = List.copyOf(backupsDeleted);
    historyFilesDeleted = List.copyOf(historyFilesDeleted);
    Objects.requireNonNull(garbage, "garbage");
  }
}
