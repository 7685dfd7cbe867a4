package org.pghardstorage.core.repo;

import java.util.List;
import java.util.regex.Pattern;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A repository's locks as an operator handles them (format spec §12): listed and removed without
 * key material, because lock objects are clear JSON and the key may not be at hand when a crashed
 * process left a lock behind (§7.5). Thread-safe; holds no resources of its own.
 */
public final class RepositoryLocks {
  private static final Logger LOG = LoggerFactory.getLogger(RepositoryLocks.class);
  private static final Pattern LOCK_ID = Pattern.compile("[0-9a-f]{32}");

  private final LockManager locks;
  private final String where;

  private RepositoryLocks(LockManager locks, String where) {
    this.locks = locks;
    this.where = where;
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
    return new RepositoryLocks(new LockManager(store, options), store.describe());
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
    if (!LOCK_ID.matcher(id).matches()) {
      throw new HardstorageException(
          RepositoryErrors.INVALID_LOCK_ID,
          ExitCode.USAGE,
          "'" + id + "' is not a lock id (32 lower-case hex digits, as 'repo locks' lists them)",
          "pg_hardstorage repo locks");
    }
    LockInfo lock =
        locks.list().stream()
            .filter(l -> l.id().equals(id))
            .findFirst()
            .orElseThrow(
                () ->
                    new HardstorageException(
                        RepositoryErrors.LOCK_NOT_FOUND,
                        ExitCode.NOT_FOUND,
                        "there is no lock " + id + " in " + where,
                        "pg_hardstorage repo locks lists the locks there are"));
    if (!lock.stale() && !force) {
      throw new HardstorageException(
          RepositoryErrors.LOCK_LIVE,
          ExitCode.CONFLICT,
          "lock " + id + " is live: " + lock.describe(),
          "wait for that operation to finish; only if its process is certainly gone, remove the"
              + " lock with --lock "
              + id
              + " --force");
    }
    // Breaking a live lock lets a GC delete a running backup's packs: the operator's explicit
    // decision, logged loudly.
    LOG.warn("removing {}{}", lock.stale() ? "" : "LIVE ", lock.describe());
    locks.delete(id);
    return lock;
  }
}
