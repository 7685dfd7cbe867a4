package org.pghardstorage.ejb.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.pghardstorage.core.status.DeploymentSummary;
import org.pghardstorage.ejb.status.DeploymentStatusService.RepositoryFacts;

/**
 * What each deployment's repository told, kept for a short while, so that a dashboard view does not
 * open every repository (listings and manifest reads; requests on an object store) each time it is
 * shown. The first reader after an entry expired reads the repository again.
 *
 * <p>Only a successful read is kept: a read that fails is thrown to its caller every time, so an
 * unreadable repository shows as unknown with its reason at once and is never answered from an
 * older success. Ages in the summary (last backup, newest WAL) are advanced by the time the entry
 * has been kept, so a kept entry never makes the RPO or a backup look younger than it is.
 */
final class RepositoryFactsCache {
  /** How long a read is served before the repository is read again. */
  static final Duration TTL = Duration.ofSeconds(30);

  /**
   * Repository facts and when they were read.
   *
   * @param facts the facts, with their ages advanced to the time they are served
   * @param readAt when the repository was read
   */
  record Read(RepositoryFacts facts, Instant readAt) {}

  private record Entry(RepositoryFacts facts, Instant readAt) {}

  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  RepositoryFactsCache(Clock clock, Duration ttl) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
  }

  /**
   * The facts of {@code deployment}: kept ones younger than the TTL, else {@code read}'s, kept if
   * it returns. Concurrent readers of one deployment wait for one read rather than each reading.
   *
   * @throws RuntimeException what {@code read} throws; nothing is kept then
   */
  Read get(String deployment, Supplier<RepositoryFacts> read) {
    Entry fresh = fresh(deployment);
    if (fresh == null) {
      synchronized (locks.computeIfAbsent(deployment, k -> new Object())) {
        fresh = fresh(deployment);
        if (fresh == null) {
          Instant at = clock.instant();
          RepositoryFacts facts = read.get();
          fresh = new Entry(facts, at);
          entries.put(deployment, fresh);
        }
      }
    }
    Duration kept = Duration.between(fresh.readAt(), clock.instant());
    return new Read(aged(fresh.facts(), kept), fresh.readAt());
  }

  /** Forgets {@code deployment}'s facts: the next reader reads its repository. */
  void forget(String deployment) {
    entries.remove(deployment);
  }

  /** Forgets every deployment not in {@code names} (deleted ones). */
  void retain(Collection<String> names) {
    entries.keySet().retainAll(names);
    locks.keySet().retainAll(names);
  }

  private Entry fresh(String deployment) {
    Entry e = entries.get(deployment);
    if (e == null) {
      return null;
    }
    Duration age = Duration.between(e.readAt(), clock.instant());
    // a clock that went back makes the entry of unknown age: read again
    return age.isNegative() || age.compareTo(ttl) >= 0 ? null : e;
  }

  private static RepositoryFacts aged(RepositoryFacts f, Duration kept) {
    if (kept.isZero()) {
      return f;
    }
    long s = kept.toSeconds();
    DeploymentSummary d = f.summary();
    DeploymentSummary older =
        new DeploymentSummary(
            d.deployment(),
            d.backups(),
            d.lastBackupId(),
            d.lastBackupFinishedAt(),
            d.lastBackupAgeSeconds() == null ? null : d.lastBackupAgeSeconds() + s,
            d.lastBackupEndLsn(),
            d.oldestBackupId(),
            d.walTimeline(),
            d.walNewestSegment(),
            d.walNewestPartial(),
            d.walNewestAt(),
            d.walAgeSeconds() == null ? null : d.walAgeSeconds() + s,
            d.walGaps(),
            d.walGapsNewestBackupNeeds());
    return new RepositoryFacts(older, f.lastVerification());
  }
}
