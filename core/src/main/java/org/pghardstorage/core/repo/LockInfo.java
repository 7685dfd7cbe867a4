package org.pghardstorage.core.repo;

import java.time.Instant;
import java.util.Objects;

/**
 * A lock as read from {@code locks/} (format spec §12).
 *
 * @param id the lock's id (its key is {@code locks/<id>})
 * @param kind shared or exclusive
 * @param purpose what the holder is doing, e.g. {@code backup db1 20261130T190600Z-k3x7qa}
 * @param host the holder's host name
 * @param pid the holder's process id
 * @param createdAt when the lock was taken
 * @param heartbeatAt the holder's last refresh, by its clock
 * @param lastModified the store's modification time of the lock object
 * @param stale whether it was stale when read: no refresh for longer than the stale timeout
 */
public record LockInfo(
    String id,
    LockKind kind,
    String purpose,
    String host,
    long pid,
    Instant createdAt,
    Instant heartbeatAt,
    Instant lastModified,
    boolean stale) {

  /** Validates the fields. */
  public LockInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(heartbeatAt, "heartbeatAt");
    Objects.requireNonNull(lastModified, "lastModified");
  }

  /** A one-line description for messages. */
  public String describe() {
    return kind.label()
        + " lock "
        + id
        + " ("
        + purpose
        + ") held by "
        + host
        + " pid "
        + pid
        + ", last heartbeat "
        + heartbeatAt
        + (stale ? ", stale" : "");
  }
}
