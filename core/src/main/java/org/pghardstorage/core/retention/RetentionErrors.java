package org.pghardstorage.core.retention;

import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.DeploymentHints;
import org.pghardstorage.core.repo.Repository;

/** The error codes of retention; a public contract like every error code. */
public final class RetentionErrors {
  /** A policy's counts are negative or all zero. Exit USAGE. */
  public static final String INVALID_POLICY = "retention.invalid_policy";

  /** The deployment has no backups, so there is nothing to keep or delete. Exit NOT_FOUND. */
  public static final String NO_BACKUPS = "retention.no_backups";

  /** A backup chosen to keep vanished while planning. Exit CONFLICT: run again. */
  public static final String BACKUP_VANISHED = "retention.backup_vanished";

  /**
   * Under the lock, the policy would delete more than the reviewed plan said, or keep a backup it
   * deleted, or the policy itself changed. Exit CONFLICT: review the new dry run.
   */
  public static final String PLAN_CHANGED = "retention.plan_changed";

  private RetentionErrors() {}

  static HardstorageException invalidPolicy(String why) {
    return new HardstorageException(
        INVALID_POLICY,
        ExitCode.USAGE,
        "invalid retention policy: " + why,
        "give at least one of --keep-hourly, --keep-daily, --keep-weekly, --keep-monthly,"
            + " --keep-yearly (or of the retention counts in pg_hardstorage.yml) a count of 1 or"
            + " more");
  }

  static HardstorageException noBackups(Deployment d, Repository repo) {
    return new HardstorageException(
        NO_BACKUPS,
        ExitCode.NOT_FOUND,
        "deployment "
            + d
            + " has no backups in "
            + repo.describe()
            + ", so there is nothing to rotate",
        DeploymentHints.noBackups(d, repo));
  }

  static HardstorageException backupVanished(Deployment d, String backupId) {
    return new HardstorageException(
        BACKUP_VANISHED,
        ExitCode.CONFLICT,
        "backup " + d + "/" + backupId + " vanished while the retention plan was being made",
        "another rotation or deletion ran at the same time; run the rotation again");
  }

  static HardstorageException planChanged(
      Deployment d,
      java.util.List<String> unreviewed,
      java.util.List<String> nowKept,
      String cutReviewed,
      String cutNow) {
    StringBuilder what = new StringBuilder();
    if (!unreviewed.isEmpty()) {
      what.append("; now it would also delete backups ").append(unreviewed);
    }
    if (!nowKept.isEmpty()) {
      what.append("; now it would keep backups ")
          .append(nowKept)
          .append(", which the reviewed plan deleted");
    }
    what.append("; now it would delete WAL before ")
        .append(cutNow)
        .append(" (reviewed: before ")
        .append(cutReviewed)
        .append(")");
    return new HardstorageException(
        PLAN_CHANGED,
        ExitCode.CONFLICT,
        "the retention plan of "
            + d
            + " changed since it was reviewed"
            + what
            + "; nothing was deleted",
        "make a new dry run, review it and apply that");
  }

  static HardstorageException policyChanged(Deployment d, GfsPolicy reviewed, GfsPolicy now) {
    return new HardstorageException(
        PLAN_CHANGED,
        ExitCode.CONFLICT,
        "the retention policy of "
            + d
            + " changed since the plan was reviewed: it was "
            + reviewed.describe()
            + ", now it is "
            + now.describe()
            + "; nothing was deleted",
        "make a new dry run, review it and apply that");
  }
}
