package org.pghardstorage.core.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.retry.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes, refreshes, lists and breaks repository locks (format spec §12). Blob stores have no
 * compare-and-swap, so taking a lock is: create our own lock object, list {@code locks/}, and back
 * off if a conflicting live lock exists. Whoever lists second sees the other, so at least one of
 * two racing parties backs off. One daemon thread ({@code pghs-lock-heartbeat-N}) refreshes every
 * held lock. Thread-safe.
 */
final class LockManager implements AutoCloseable {
  static final String PREFIX = "locks/";
  static final String SCHEMA = "pg_hardstorage.lock.v1";

  private static final Logger LOG = LoggerFactory.getLogger(LockManager.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ObjectStore store;
  private final Clock clock;
  private final Duration heartbeat;
  private final Duration staleAfter;
  private final String host;
  private final long pid;
  private final Set<RepositoryLock> held = ConcurrentHashMap.newKeySet();
  private ScheduledThreadPoolExecutor scheduler;

  LockManager(ObjectStore store, OpenOptions options) {
    this.store = store;
    this.clock = options.clock();
    this.heartbeat = options.lockHeartbeat();
    this.staleAfter = options.lockStaleAfter();
    this.host = options.host();
    this.pid = options.pid();
  }

  /**
   * Takes a lock, once.
   *
   * @throws HardstorageException {@code repo.locked}, exit CONFLICT, naming the holders
   */
  RepositoryLock acquire(LockKind kind, String purpose) {
    RepositoryLock lock = create(kind, purpose);
    ObjectKey key = key(lock.id());
    List<LockInfo> conflicts;
    try {
      conflicts =
          list().stream()
              .filter(other -> !other.id().equals(lock.id()) && !other.stale())
              .filter(other -> kind.conflictsWith(other.kind()))
              .toList();
    } catch (RuntimeException e) {
      deleteQuietlyAfter(key, e);
      throw e;
    }
    if (!conflicts.isEmpty()) {
      store.delete(key);
      throw locked(kind, purpose, conflicts);
    }
    held.add(lock);
    long period = heartbeat.toMillis();
    lock.heartbeat(
        scheduler()
            .scheduleWithFixedDelay(() -> refresh(lock), period, period, TimeUnit.MILLISECONDS));
    return lock;
  }

  /**
   * Takes a lock, retrying by {@link RetryPolicy#LOCK_WAIT} for up to {@code wait}.
   *
   * @throws HardstorageException {@code repo.locked} after the wait, or ABORTED if interrupted
   */
  RepositoryLock acquire(LockKind kind, String purpose, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    for (int retry = 1; ; retry = Math.min(retry + 1, 64)) {
      try {
        return acquire(kind, purpose);
      } catch (HardstorageException e) {
        long left = deadline - System.nanoTime();
        if (!e.code().equals(RepositoryErrors.LOCKED) || left <= 0) {
          throw e;
        }
        long sleep =
            Math.min(
                TimeUnit.NANOSECONDS.toMillis(left) + 1,
                RetryPolicy.LOCK_WAIT.backoff(retry).toMillis());
        sleepMillis(sleep);
      }
    }
  }

  /**
   * Creates a lock object with a fresh random id, and checks this host's clock against the store's;
   * on failure the object is deleted again.
   */
  private RepositoryLock create(LockKind kind, String purpose) {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    String id = HexFormat.of().formatHex(random);
    Instant now = clock.instant();
    RepositoryLock lock = new RepositoryLock(this, id, kind, purpose, now);
    ObjectKey key = key(id);
    if (!WriteOnce.create(store, key, json(lock, now))) {
      throw new IllegalStateException("random lock id " + id + " already exists");
    }
    try {
      requireClockAgrees(key, lock, now, clock.instant());
    } catch (RuntimeException e) {
      deleteQuietlyAfter(key, e);
      throw e;
    }
    return lock;
  }

  /**
   * Compares this host's clock with the store's: the last-modified time the store gave the lock
   * object just created must lie between our clock's readings before and after the write (from the
   * start of the second before, as some stores keep whole seconds). Staleness is judged by whoever
   * looks, with their clock, and our heartbeat leaves a margin of one heartbeat interval (format
   * spec §12); a larger skew could let another host break a live lock, or keep a dead one, so the
   * lock is refused rather than trusted.
   *
   * @throws HardstorageException {@code repo.clock_skew} (PREFLIGHT_REFUSED) with both times, the
   *     difference and the margin; {@code repo.lock_lost} if the object is already gone
   */
  private void requireClockAgrees(
      ObjectKey key, RepositoryLock lock, Instant before, Instant after) {
    Instant stored =
        store
            .stat(key)
            .orElseThrow(
                () ->
                    new HardstorageException(
                        RepositoryErrors.LOCK_LOST,
                        ExitCode.CONFLICT,
                        "lock object "
                            + key
                            + " vanished right after it was created; another host may judge"
                            + " locks by a clock far ahead of this one",
                        "check the clocks of every host using " + store.describe() + " (NTP)"))
            .lastModified();
    Instant from = before.truncatedTo(ChronoUnit.SECONDS);
    Duration skew =
        stored.isBefore(from)
            ? Duration.between(stored, from)
            : stored.isAfter(after) ? Duration.between(after, stored) : Duration.ZERO;
    if (skew.compareTo(heartbeat) > 0) {
      throw RepositoryErrors.clockSkew(
          store.describe(), lock.id(), stored, before, after, skew, heartbeat);
    }
  }

  /** Every lock in the repository, with staleness judged now. */
  List<LockInfo> list() {
    Instant now = clock.instant();
    List<LockInfo> out = new ArrayList<>();
    for (ObjectInfo info : store.list(PREFIX)) {
      byte[] bytes;
      try {
        bytes = store.get(info.key());
      } catch (ObjectNotFoundException e) {
        continue; // released between list and get: no longer a lock
      }
      out.add(parse(info, bytes, now));
    }
    return out;
  }

  /**
   * Deletes every stale lock. Staleness is judged by this host's clock, so that clock is first
   * compared with the store's through a short-lived lock object that conflicts with nothing (a
   * wal-append lock): a clock far ahead would otherwise judge live locks stale.
   *
   * @return the locks deleted
   * @throws HardstorageException {@code repo.clock_skew} (PREFLIGHT_REFUSED) before anything is
   *     deleted
   */
  List<LockInfo> removeStale() {
    RepositoryLock probe = create(LockKind.WAL_APPEND, "clock check before removing stale locks");
    store.delete(key(probe.id()));
    List<LockInfo> removed = new ArrayList<>();
    for (LockInfo lock : list()) {
      if (lock.stale()) {
        LOG.info("removing stale {}", lock.describe());
        store.delete(key(lock.id()));
        removed.add(lock);
      }
    }
    return removed;
  }

  /** Deletes the lock object {@code id}, live or not; the caller has decided. */
  void delete(String id) {
    store.delete(key(id));
  }

  /** Refreshes one lock's heartbeat; marks it lost if it was removed or is already expired. */
  void refresh(RepositoryLock lock) {
    if (lock.released()) {
      return;
    }
    if (isExpired(lock.lastRefresh())) {
      lock.markLost("its heartbeat could not be refreshed since " + lock.lastRefresh());
      return;
    }
    Instant now = clock.instant();
    try {
      if (store.stat(key(lock.id())).isEmpty()) {
        lock.markLost("its lock object was removed, probably by a process that judged it stale");
        return;
      }
      store.put(key(lock.id()), json(lock, now));
      lock.refreshed(now);
    } catch (RuntimeException e) {
      // Retried at the next heartbeat; the lock counts as lost once the stale timeout passes.
      LOG.warn("could not refresh lock {} ({}): {}", lock.id(), lock.purpose(), e.toString(), e);
    }
  }

  void release(RepositoryLock lock) {
    held.remove(lock);
    store.delete(key(lock.id()));
  }

  /**
   * Whether a lock we hold must be considered lost. One heartbeat interval earlier than others may
   * judge it stale: that margin absorbs clock skew between hosts, and a refresh that races with its
   * removal.
   */
  boolean isExpired(Instant lastRefresh) {
    return Duration.between(lastRefresh, clock.instant()).compareTo(staleAfter.minus(heartbeat))
        > 0;
  }

  /** Releases every lock still held and stops the heartbeat thread. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (RepositoryLock lock : List.copyOf(held)) {
      try {
        lock.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    synchronized (this) {
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private synchronized ScheduledThreadPoolExecutor scheduler() {
    if (scheduler == null) {
      scheduler = new ScheduledThreadPoolExecutor(1, new NamedThreads("pghs-lock-heartbeat", true));
      scheduler.setRemoveOnCancelPolicy(true);
    }
    return scheduler;
  }

  private LockInfo parse(ObjectInfo info, byte[] bytes, Instant now) {
    String id = info.key().name();
    try {
      JsonNode n = MAPPER.readTree(bytes);
      Instant heartbeatAt = Instant.parse(n.path("heartbeat_at").asText());
      return new LockInfo(
          id,
          LockKind.parse(n.path("kind").asText(), n.path("scope").asText(null)),
          n.path("purpose").asText(),
          n.path("host").asText(),
          n.path("pid").asLong(),
          Instant.parse(n.path("created_at").asText()),
          heartbeatAt,
          info.lastModified(),
          isStale(heartbeatAt, info.lastModified(), now));
    } catch (IOException | RuntimeException e) {
      // An unreadable lock is treated as exclusive until its object itself is stale: refusing
      // to run is recoverable, deleting a running backup's packs is not.
      LOG.warn("lock object {} is unreadable: {}", info.key(), e.toString());
      return new LockInfo(
          id,
          LockKind.EXCLUSIVE,
          "unreadable lock object",
          "unknown",
          0,
          info.lastModified(),
          info.lastModified(),
          info.lastModified(),
          isStale(info.lastModified(), info.lastModified(), now));
    }
  }

  private boolean isStale(Instant heartbeatAt, Instant lastModified, Instant now) {
    Instant latest = heartbeatAt.isAfter(lastModified) ? heartbeatAt : lastModified;
    return Duration.between(latest, now).compareTo(staleAfter) > 0;
  }

  private byte[] json(RepositoryLock lock, Instant heartbeatAt) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("schema", SCHEMA);
    n.put("kind", lock.kind().jsonName());
    if (lock.kind() == LockKind.WAL_APPEND) {
      n.put("scope", LockKind.WAL_APPEND_SCOPE);
    }
    n.put("purpose", lock.purpose());
    n.put("host", host);
    n.put("pid", pid);
    n.put("created_at", lock.createdAt().toString());
    n.put("heartbeat_at", heartbeatAt.toString());
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("a lock tree must serialise", e);
    }
  }

  private void deleteQuietlyAfter(ObjectKey key, RuntimeException failure) {
    try {
      store.delete(key);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static ObjectKey key(String id) {
    return ObjectKey.of(PREFIX + id);
  }

  private static HardstorageException locked(
      LockKind kind, String purpose, List<LockInfo> conflicts) {
    return new HardstorageException(
        RepositoryErrors.LOCKED,
        ExitCode.CONFLICT,
        "cannot take a "
            + kind.label()
            + " lock for '"
            + purpose
            + "': the repository holds "
            + conflicts.stream().map(LockInfo::describe).collect(Collectors.joining("; ")),
        "wait for that operation to finish; if its process is gone, remove the lock once it is "
            + "stale (pg_hardstorage repo unlock)");
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HardstorageException(
          "repo.interrupted",
          ExitCode.ABORTED,
          "interrupted while waiting for a repository lock",
          null,
          e);
    }
  }
}
