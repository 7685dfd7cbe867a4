package org.pghardstorage.core.repo;

/** Lock kinds (format spec §12). */
public enum LockKind {
  /** Backups, WAL archiving, restores: coexist with each other. */
  SHARED,
  /** GC, prune, WAL retention: exclude every other live lock. */
  EXCLUSIVE;

  String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
