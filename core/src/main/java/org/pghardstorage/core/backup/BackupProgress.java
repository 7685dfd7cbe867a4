package org.pghardstorage.core.backup;

/** Progress of a running backup; called from the backup's threads, must be quick. */
public interface BackupProgress {
  /**
   * A new phase began: {@code connect}, {@code checkpoint}, {@code copy}, {@code wal}, {@code
   * commit}.
   */
  default void phase(String phase, String detail) {}

  /**
   * Bytes of the data directory received so far, of an estimated total (0 if unknown). Called at
   * most a few times a second.
   */
  default void copied(long bytes, long estimatedTotal) {}

  /** Nothing. */
  BackupProgress NONE = new BackupProgress() {};
}
