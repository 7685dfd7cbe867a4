package org.pghardstorage.core.restore;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.DeploymentHints;
import org.pghardstorage.core.repo.Repository;

/**
 * The error codes of restore, and factories for them. Codes are a public contract: the command
 * line, REST problem+json and scripts match on them ({@code
 * docs/explanation/restore-and-verify.md}).
 */
public final class RestoreErrors {
  /** The selected backup does not exist (exit NOT_FOUND). */
  public static final String BACKUP_NOT_FOUND = "backup.not_found";

  /** A restore target is not empty and {@code force} was not given (exit CONFLICT). */
  public static final String TARGET_NOT_EMPTY = "restore.target_not_empty";

  /**
   * A target is, holds or lies in something a restore must not touch: {@code /}, a home or system
   * directory, the repository (exit USAGE).
   */
  public static final String TARGET_PROTECTED = "restore.target_protected";

  /**
   * A tablespace location recorded in the manifest may not be used as it is; the operator must
   * place the tablespace with {@code --tablespace-map} (exit USAGE).
   */
  public static final String TABLESPACE_LOCATION_REFUSED = "restore.tablespace_location_refused";

  /**
   * The restored cluster could not be recovered: its {@code restore_command} could not read the
   * repository (no key for an encrypted one, a key file or repository PostgreSQL's OS user cannot
   * read), or the target lies past the archived WAL (exit PREFLIGHT_REFUSED).
   */
  public static final String RECOVERY_WOULD_FAIL = "restore.recovery_would_fail";

  /** The backup's last verification failed and {@code force} was not given (exit VERIFY_FAILED). */
  public static final String BACKUP_FAILED_VERIFICATION = "restore.backup_failed_verification";

  /** A target holds {@code postmaster.pid}: a server may be running there (exit CONFLICT). */
  public static final String SERVER_RUNNING = "restore.server_running";

  /** The request contradicts itself or the backup (exit USAGE). */
  public static final String INVALID_REQUEST = "restore.invalid_request";

  /** A restored file's CRC32C differs from the manifest's (exit VERIFY_FAILED). */
  public static final String CHECKSUM_MISMATCH = "restore.checksum_mismatch";

  /** Writing the target failed: permissions, disk full, I/O error (exit ERROR). */
  public static final String WRITE_FAILED = "restore.write_failed";

  /** The restore was interrupted (exit ABORTED). */
  public static final String INTERRUPTED = "restore.interrupted";

  private RestoreErrors() {}

  static HardstorageException backupNotFound(Deployment d, BackupId id, Repository repo) {
    return new HardstorageException(
        BACKUP_NOT_FOUND,
        ExitCode.NOT_FOUND,
        "backup " + id + " of deployment " + d + " does not exist in " + repo.describe(),
        DeploymentHints.noSuchBackup(d, repo));
  }

  static HardstorageException noBackups(Deployment d, Repository repo) {
    return new HardstorageException(
        BACKUP_NOT_FOUND,
        ExitCode.NOT_FOUND,
        "deployment " + d + " has no backups in " + repo.describe(),
        DeploymentHints.noBackups(d, repo));
  }

  static HardstorageException targetNotEmpty(Path target, String entry, boolean interrupted) {
    String what =
        interrupted
            ? "restore target " + target + " holds an interrupted restore (" + entry + " exists)"
            : "restore target " + target + " is not empty (it contains " + entry + ")";
    return new HardstorageException(
        TARGET_NOT_EMPTY,
        ExitCode.CONFLICT,
        what,
        "restore into an empty or new directory, or add --force to delete the contents of "
            + target
            + " first");
  }

  static HardstorageException targetProtected(Path target, String role, String why) {
    return new HardstorageException(
        TARGET_PROTECTED,
        ExitCode.USAGE,
        "refusing to restore the " + role + " into " + target + ": " + why,
        "choose a dedicated, empty directory for it");
  }

  static HardstorageException serverRunning(Path target, Path pidFile, String detail) {
    Path cluster = pidFile.getParent();
    return new HardstorageException(
        SERVER_RUNNING,
        ExitCode.CONFLICT,
        "refusing to restore into "
            + target
            + ": it contains "
            + pidFile
            + " ("
            + detail
            + "), so a PostgreSQL server may be using "
            + cluster,
        "stop the PostgreSQL server using "
            + cluster
            + " (pg_ctl -D "
            + cluster
            + " stop); if no server runs there, delete "
            + pidFile
            + ", or restore elsewhere");
  }

  static HardstorageException tablespaceLocationRefused(
      BackupId backup, long oid, String location, String why) {
    return new HardstorageException(
        TABLESPACE_LOCATION_REFUSED,
        ExitCode.USAGE,
        "backup "
            + backup
            + " records tablespace "
            + oid
            + " at '"
            + location
            + "', which a restore does not use unasked: "
            + why,
        "place the tablespace yourself: --tablespace-map " + oid + "=/new/dir");
  }

  static HardstorageException recoveryWouldFail(Path target, List<String> problems) {
    return new HardstorageException(
        RECOVERY_WOULD_FAIL,
        ExitCode.PREFLIGHT_REFUSED,
        "refusing to restore into "
            + target
            + ": PostgreSQL could not recover it, because "
            + String.join("; and ", problems)
            + "; nothing was written",
        "fix that and run the restore again; --preview lists every problem");
  }

  static HardstorageException backupFailedVerification(
      Deployment d, BackupId backup, String what, Optional<BackupId> alternative) {
    return new HardstorageException(
        BACKUP_FAILED_VERIFICATION,
        ExitCode.VERIFY_FAILED,
        "backup " + d + "/" + backup + " " + what + "; refusing to restore it",
        alternative
                .map(
                    a -> "restore the newest backup that did not fail verification, " + a + ", or ")
                .orElse("")
            + "run pg_hardstorage verify "
            + d
            + " "
            + backup
            + " again; add --force to restore it anyway");
  }

  static HardstorageException invalidRequest(String what, String suggestion) {
    return new HardstorageException(INVALID_REQUEST, ExitCode.USAGE, what, suggestion);
  }

  static HardstorageException checksumMismatch(
      String file, Path path, int expected, int actual, List<String> chunksAndPacks) {
    return new HardstorageException(
        CHECKSUM_MISMATCH,
        ExitCode.VERIFY_FAILED,
        String.format(
            "restored file %s (%s) has CRC32C %08x, the backup manifest records %08x;"
                + " its chunks (chunk@pack): %s",
            file, path, actual, expected, chunksAndPacks),
        "run pg_hardstorage verify on this backup, and restore from another backup");
  }

  static HardstorageException writeFailed(Path path, Exception cause) {
    return new HardstorageException(
        WRITE_FAILED,
        ExitCode.ERROR,
        "could not write " + path + ": " + cause,
        "check free space and permissions on the restore target, then re-run with --force",
        cause);
  }

  static HardstorageException interrupted(Path target, InterruptedException cause) {
    return new HardstorageException(
        INTERRUPTED,
        ExitCode.ABORTED,
        "the restore into " + target + " was interrupted; the directory is incomplete",
        "re-run the restore with --force",
        cause);
  }
}
