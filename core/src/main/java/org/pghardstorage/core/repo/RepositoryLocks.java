package org.pghardstorage.core.repo;

import java.util.List;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.ObjectStore;

/**
 * A repository's locks as an operator handles them (format spec §12): listed and removed without
 * key material, because lock objects are clear JSON and the key may not be at hand when a crashed
 * process left a lock behind (§7.5). Thread-safe; holds no resources of its own.
 */
public final class RepositoryLocks {
  private final LockManager locks;

  private RepositoryLocks(LockManager locks) {
    this.locks = locks;
  }

  /**
   * The locks of the repository on {@code store}, which must have a readable {@code config}.
   *
   * @param options the clock, host name and pid used to judge staleness and to take the short
   *     clock-check lock of {@link #removeStale}
   * @throws HardstorageException {@code repo.not_found}, {@code repo.format_too_new}, {@code
   *     repo.config_invalid}
   */
  public static RepositoryLocks open(ObjectStore store, OpenOptions options) {
    Repository.readConfig(store);
    return new RepositoryLocks(new LockManager(store, options));
  }

  /** Every lock object, with staleness judged now by this host's clock. */
  public List<LockInfo> list() {
    return locks.list();
  }

  /**
   * Deletes every stale lock. Staleness is judged by this host's clock, so that is first compared
   * with the store's own time through a short-lived lock object that conflicts with nothing.
   *
   * @return the locks deleted
   * @throws HardstorageException {@code repo.clock_skew} (PREFLIGHT_REFUSED) before anything is
   *     deleted if the clocks differ by more than the lock margin
   */
  public List<LockInfo> removeStale() {
    return locks.removeStale();
  }

  /**
   * Deletes lock {@code id}: a stale one always, a live one only with {@code force}.
   *
   * @return the lock as it was just before it was deleted, naming its holder
   * @throws HardstorageException {@code repo.invalid_lock_id} (USAGE), {@code repo.lock_not_found}
   *     (NOT_FOUND), {@code repo.lock_live} (CONFLICT) for a live lock without {@code force}
   */
  public LockInfo remove(String id, boolean force) {
    return locks.remove(id, force);
  }
}
