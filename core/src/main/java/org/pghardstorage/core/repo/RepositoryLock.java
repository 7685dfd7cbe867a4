package org.pghardstorage.core.repo;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * A lock this process holds. A daemon thread refreshes its heartbeat; {@link #close} releases it.
 * Before committing anything, holders call {@link #checkHeld()}: a lock whose object vanished, or
 * that could not be refreshed for longer than the stale timeout, may have been broken by another
 * process. Thread-safe.
 */
public final class RepositoryLock implements AutoCloseable {
  private final LockManager manager;
  private final String id;
  private final LockKind kind;
  private final String purpose;
  private final Instant createdAt;
  private volatile Instant lastRefresh;
  private volatile String lostReason;
  private volatile boolean released;
  private volatile ScheduledFuture<?> heartbeat;

  RepositoryLock(LockManager manager, String id, LockKind kind, String purpose, Instant createdAt) {
    this.manager = manager;
    this.id = id;
    this.kind = kind;
    this.purpose = purpose;
    this.createdAt = createdAt;
    this.lastRefresh = createdAt;
  }

  /** The lock's id; its object is {@code locks/<id>}. */
  public String id() {
    return id;
  }

  /** Shared or exclusive. */
  public LockKind kind() {
    return kind;
  }

  /** What the lock was taken for. */
  public String purpose() {
    return purpose;
  }

  /** Whether the lock is still held: not released, not lost, refreshed recently enough. */
  public boolean isHeld() {
    return lostReason().isEmpty();
  }

  /**
   * Fails unless the lock is still held.
   *
   * @throws HardstorageException {@code repo.lock_lost}, exit CONFLICT
   */
  public void checkHeld() {
    Optional<String> reason = lostReason();
    if (reason.isPresent()) {
      throw new HardstorageException(
          RepositoryErrors.LOCK_LOST,
          ExitCode.CONFLICT,
          kind.label() + " lock " + id + " (" + purpose + ") is no longer held: " + reason.get(),
          "check connectivity to the repository and retry; nothing was committed");
    }
  }

  /** Releases the lock: stops the heartbeat and deletes the lock object. Idempotent. */
  @Override
  public void close() {
    if (released) {
      return;
    }
    released = true;
    ScheduledFuture<?> h = heartbeat;
    if (h != null) {
      h.cancel(false);
    }
    manager.release(this);
  }

  Optional<String> lostReason() {
    if (released) {
      return Optional.of("it was released");
    }
    if (lostReason != null) {
      return Optional.of(lostReason);
    }
    if (manager.isExpired(lastRefresh)) {
      return Optional.of("its heartbeat has not been refreshed since " + lastRefresh);
    }
    return Optional.empty();
  }

  Instant createdAt() {
    return createdAt;
  }

  Instant lastRefresh() {
    return lastRefresh;
  }

  void refreshed(Instant at) {
    lastRefresh = at;
  }

  void markLost(String reason) {
    lostReason = reason;
    ScheduledFuture<?> h = heartbeat;
    if (h != null) {
      h.cancel(false);
    }
  }

  boolean released() {
    return released;
  }

  void heartbeat(ScheduledFuture<?> future) {
    this.heartbeat = future;
  }
}
