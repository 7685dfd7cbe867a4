package org.pghardstorage.core.retention;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.GarbageCollection;
import org.pghardstorage.core.repo.LockKind;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryErrors;
import org.pghardstorage.core.repo.RepositoryLock;
import org.pghardstorage.core.repo.WalArchive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a retention policy to one deployment.
 *
 * <p>{@link #plan} only reads, without a lock. {@link #apply} takes an exclusive repository lock,
 * so it never runs during a backup, restore or verify (which hold shared locks), but it does run
 * while the WAL streamer holds its wal-append lock: it deletes only WAL before the kept backups'
 * earliest start, which the streamer never writes. Under the lock it plans again, then deletes in
 * the order that keeps every kept backup restorable if it stops at any point:
 *
 * <ol>
 *   <li>the manifests of the deleted backups (each backup disappears atomically with its {@code
 *       manifest}; a stop here leaves WAL and packs that the next run deletes);
 *   <li>the WAL no kept backup needs, oldest first (WAL is deleted only after the backups that
 *       needed it, never before, so no listed backup ever lacks its WAL);
 *   <li>garbage: unreferenced packs, index entries and orphaned objects ({@link
 *       Repository#collectGarbage}).
 * </ol>
 */
public final class Rotator {
  private static final Logger LOG = LoggerFactory.getLogger(Rotator.class);

  /** WAL deletions between two checks that the lock is still held. */
  private static final int BATCH = 64;

  private final Repository repository;
  private final RetentionPlanner planner;

  /** A rotator of {@code repository}'s deployments; {@code clock} dates the plans. */
  public Rotator(Repository repository, Clock clock) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.planner = new RetentionPlanner(repository, Objects.requireNonNull(clock, "clock"));
  }

  /**
   * What applying {@code policy} to {@code deployment} would delete now. Reads only, takes no lock;
   * while backups run, their packs count as garbage too, so the pack figures are an upper bound.
   *
   * @throws HardstorageException {@value RetentionErrors#NO_BACKUPS} (NOT_FOUND), {@code
   *     repo.corrupt} for a damaged manifest of a kept backup or history file
   */
  public RetentionPlan plan(Deployment deployment, GfsPolicy policy) {
    return planner.plan(deployment, policy).plan();
  }

  /**
   * Applies {@code policy} to {@code deployment}: plans again under an exclusive lock and deletes.
   *
   * @throws HardstorageException {@code repo.locked} (CONFLICT) naming the holder if a backup,
   *     restore, verify or other rotation holds a lock, before anything is deleted; {@code
   *     repo.gc_unsafe} (VERIFY_FAILED) if a kept backup names a chunk without an index entry, or
   *     an index object is damaged, before anything is deleted; {@code repo.lock_lost} (CONFLICT)
   *     if the lock is lost midway, which stops the deletions safely
   */
  public RotationResult apply(Deployment deployment, GfsPolicy policy) {
    return apply(deployment, policy, Optional.empty());
  }

  /**
   * Applies {@code policy} as {@link #apply(Deployment, GfsPolicy)} does, but only within what a
   * person or an earlier job step reviewed; {@code reviewed} must be a plan of {@code deployment}
   * with {@code policy}. See {@link #apply(Deployment, GfsPolicy, ReviewedRotation)}.
   *
   * @throws IllegalArgumentException if {@code reviewed} is for another deployment or policy
   */
  public RotationResult apply(Deployment deployment, GfsPolicy policy, RetentionPlan reviewed) {
    if (!reviewed.deployment().equals(deployment.name()) || !reviewed.policy().equals(policy)) {
      throw new IllegalArgumentException(
          "the reviewed plan is for "
              + reviewed.deployment()
              + " with "
              + reviewed.policy().describe()
              + ", not "
              + deployment
              + " with "
              + policy.describe());
    }
    return apply(deployment, policy, Optional.of(ReviewedRotation.of(reviewed)));
  }

  /**
   * Applies {@code policy} to {@code deployment} exactly as {@code reviewed} planned it: under the
   * exclusive lock it plans again and deletes only if that plan deletes no backup {@code reviewed}
   * did not delete, keeps no backup {@code reviewed} deleted (a plan that shrank is not the plan
   * that was reviewed either), and cuts no more WAL. A backup {@code reviewed} deleted that is gone
   * meanwhile (deleted by someone else) is neither kept nor deleted, and does not stop it.
   *
   * @throws HardstorageException {@value RetentionErrors#PLAN_CHANGED} (CONFLICT) naming the
   *     backups that differ, before anything is deleted; also when {@code reviewed} was planned
   *     with another policy than {@code policy} (the deployment's policy changed since); {@value
   *     ReviewedRotation#INVALID} (USAGE) when it is another deployment's plan; and every error of
   *     {@link #apply(Deployment, GfsPolicy)}
   */
  public RotationResult apply(Deployment deployment, GfsPolicy policy, ReviewedRotation reviewed) {
    if (!reviewed.deployment().equals(deployment.name())) {
      throw ReviewedRotation.invalid(
          "the plan of deployment " + reviewed.deployment(), "it is not a plan of " + deployment);
    }
    if (!reviewed.policy().equals(policy)) {
      throw RetentionErrors.policyChanged(deployment, reviewed.policy(), policy);
    }
    return apply(deployment, policy, Optional.of(reviewed));
  }

  private RotationResult apply(
      Deployment deployment, GfsPolicy policy, Optional<ReviewedRotation> reviewed) {
    try (RepositoryLock lock = repository.lock(LockKind.EXCLUSIVE, "rotate " + deployment)) {
      RetentionPlanner.Planned planned = planner.plan(deployment, policy);
      reviewed.ifPresent(r -> requireWithin(deployment, planned.plan(), r));
      if (!planned.garbage().safeToCollect()) {
        throw RepositoryErrors.gcUnsafe(planned.garbage());
      }
      List<String> backups = deleteBackups(deployment, planned.selection().deleted(), lock);
      WalArchive wal = repository.wal(deployment);
      deleteSegments(wal, planned.wal().segments(), lock);
      lock.checkHeld();
      for (long tli : planned.wal().histories()) {
        LOG.info("rotate {}: deleting history file of abandoned timeline {}", deployment, tli);
        wal.deleteHistory(tli);
      }
      GarbageCollection garbage = repository.collectGarbage(lock);
      LOG.info(
          "rotate {}: deleted {} backups, {} WAL segments, {} packs ({} bytes)",
          deployment,
          backups.size(),
          planned.wal().segments().size(),
          garbage.packsDeleted(),
          garbage.packBytesDeleted());
      return new RotationResult(
          planned.plan(),
          backups,
          planned.wal().plan().segments(),
          planned.wal().plan().bytes(),
          planned.wal().histories(),
          garbage);
    }
  }

  private static void requireWithin(Deployment d, RetentionPlan now, ReviewedRotation reviewed) {
    List<String> unreviewed =
        now.delete().stream()
            .map(RetentionPlan.DeletedBackup::backupId)
            .filter(id -> !reviewed.deleted().contains(id))
            .toList();
    List<String> nowKept =
        now.keep().stream()
            .map(RetentionPlan.KeptBackup::backupId)
            .filter(reviewed.deleted()::contains)
            .toList();
    Lsn cutNow = Lsn.parse(now.wal().keepFromLsn());
    Lsn cutReviewed = Lsn.parse(reviewed.keepFromLsn());
    if (!unreviewed.isEmpty() || !nowKept.isEmpty() || cutNow.compareTo(cutReviewed) > 0) {
      throw RetentionErrors.planChanged(
          d, unreviewed, nowKept, cutReviewed.toString(), cutNow.toString());
    }
  }

  private List<String> deleteBackups(Deployment d, List<BackupId> ids, RepositoryLock lock) {
    List<String> deleted = new ArrayList<>();
    for (BackupId id : ids) {
      lock.checkHeld();
      LOG.info("rotate {}: deleting backup {}", d, id);
      repository.deleteBackup(d, id);
      deleted.add(id.value());
    }
    return deleted;
  }

  private static void deleteSegments(WalArchive wal, List<String> segments, RepositoryLock lock) {
    for (int i = 0; i < segments.size(); i++) {
      if (i % BATCH == 0) {
        lock.checkHeld();
      }
      wal.deleteSegment(segments.get(i));
    }
  }
}
