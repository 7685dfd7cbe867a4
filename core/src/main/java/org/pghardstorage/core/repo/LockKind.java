package org.pghardstorage.core.repo;

import java.util.Locale;

/**
 * Lock kinds (format spec §12). Shared locks coexist with each other; an exclusive lock conflicts
 * with shared and exclusive locks; a {@link #WAL_APPEND} lock conflicts with nothing.
 */
public enum LockKind {
  /** Backups, their own WAL, restores, verifies: coexist with each other. */
  SHARED,
  /**
   * The always-on WAL streamer: a shared lock whose holder only adds WAL segments and history files
   * at the head of a deployment's archive. It never reads or writes packs, index files or
   * manifests, and never deletes anything but its own {@code .partial} objects; every exclusive
   * operation of format 1 deletes only WAL before the oldest retained backup's start, so the two
   * can run together. Stored as kind {@code shared} with scope {@code wal-append}, so older
   * releases see an ordinary shared lock and keep excluding it.
   */
  WAL_APPEND,
  /** GC, prune, WAL retention: exclude every other live lock except {@link #WAL_APPEND}. */
  EXCLUSIVE;

  /** The {@code scope} written for {@link #WAL_APPEND} locks. */
  static final String WAL_APPEND_SCOPE = "wal-append";

  /** Whether a lock of this kind and one of {@code other} cannot be held at the same time. */
  public boolean conflictsWith(LockKind other) {
    if (this == WAL_APPEND || other == WAL_APPEND) {
      return false;
    }
    return this == EXCLUSIVE || other == EXCLUSIVE;
  }

  /** The {@code kind} field of the lock object: {@code shared} or {@code exclusive}. */
  String jsonName() {
    return this == EXCLUSIVE ? "exclusive" : "shared";
  }

  /** A name for messages: {@code shared}, {@code wal-append} or {@code exclusive}. */
  public String label() {
    return this == WAL_APPEND ? WAL_APPEND_SCOPE : name().toLowerCase(Locale.ROOT);
  }

  /**
   * The kind recorded in a lock object. An unknown scope on a shared lock reads as plain shared,
   * which conflicts with more, never less.
   *
   * @throws IllegalArgumentException for an unknown {@code kind}
   */
  static LockKind parse(String kind, String scope) {
    LockKind k = valueOf(kind.toUpperCase(Locale.ROOT));
    if (k == WAL_APPEND) {
      throw new IllegalArgumentException("'wal_append' is not a lock kind; it is a scope");
    }
    return k == SHARED && WAL_APPEND_SCOPE.equals(scope) ? WAL_APPEND : k;
  }
}
