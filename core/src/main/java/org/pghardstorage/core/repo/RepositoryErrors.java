package org.pghardstorage.core.repo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The error codes of the repository layer and factories for them. Codes are a public contract
 * (callers and the REST API match on them); the exit codes follow {@link ExitCode}.
 */
public final class RepositoryErrors {
  /** No {@code config} object: there is no repository at this location. */
  public static final String NOT_FOUND = "repo.not_found";

  /** {@code init} found a {@code config} object. */
  public static final String ALREADY_EXISTS = "repo.already_exists";

  /** {@code init} found repository objects but no {@code config}. */
  public static final String NOT_EMPTY = "repo.not_empty";

  /** The repository, or one object in it, has a format newer than this code supports. */
  public static final String FORMAT_TOO_NEW = "repo.format_too_new";

  /** {@code config} is unreadable or breaks a rule. */
  public static final String CONFIG_INVALID = "repo.config_invalid";

  /** An object failed to open, parse or verify. See {@link RepositoryCorruptException}. */
  public static final String CORRUPT = "repo.corrupt";

  /** A chunk is referenced but no index entry or pack holds it. */
  public static final String CHUNK_MISSING = "repo.chunk_missing";

  /** A backup with this id already has a manifest. */
  public static final String BACKUP_EXISTS = "repo.backup_exists";

  /** A manifest handed to commit references chunks this repository does not hold. */
  public static final String MANIFEST_INCOMPLETE = "repo.manifest_incomplete";

  /** A conflicting live lock exists. */
  public static final String LOCKED = "repo.locked";

  /** Our own lock disappeared or could not be refreshed: do not commit. */
  public static final String LOCK_LOST = "repo.lock_lost";

  /** Referenced chunks have no index entry, so garbage collection must not delete anything. */
  public static final String GC_UNSAFE = "repo.gc_unsafe";

  /** This host's clock and the storage's differ by more than the lock margin. */
  public static final String CLOCK_SKEW = "repo.clock_skew";

  /** A lock id given to {@code repo unlock} is malformed. */
  public static final String INVALID_LOCK_ID = "repo.invalid_lock_id";

  /** No lock with the given id exists. */
  public static final String LOCK_NOT_FOUND = "repo.lock_not_found";

  /** A live lock was to be removed without {@code --force}. */
  public static final String LOCK_LIVE = "repo.lock_live";

  /** A passphrase or key was given for a repository that is not encrypted. */
  public static final String KEY_UNEXPECTED = "crypto.key_unexpected";

  /** A deployment name is malformed. */
  public static final String INVALID_DEPLOYMENT = "repo.invalid_deployment";

  /** A backup id is malformed. */
  public static final String INVALID_BACKUP_ID = "repo.invalid_backup_id";

  /** A WAL segment or history file exists with different content. */
  public static final String WAL_CONFLICT = "wal.segment_conflict";

  /** A WAL segment name or timeline is malformed. */
  public static final String INVALID_WAL_NAME = "wal.invalid_name";

  /** The repository is encrypted and no key material was given. */
  public static final String KEY_REQUIRED = "crypto.key_required";

  private RepositoryErrors() {}

  static HardstorageException notFound(String where) {
    return new HardstorageException(
        NOT_FOUND,
        ExitCode.NOT_FOUND,
        "no pg_hardstorage repository at " + where + " (there is no 'config' object)",
        "pg_hardstorage repo init " + where);
  }

  static HardstorageException alreadyExists(String where) {
    return new HardstorageException(
        ALREADY_EXISTS,
        ExitCode.CONFLICT,
        "a pg_hardstorage repository already exists at " + where,
        "use the existing repository, or choose an empty location");
  }

  static HardstorageException notEmpty(String where, String found) {
    return new HardstorageException(
        NOT_EMPTY,
        ExitCode.CONFLICT,
        "cannot initialise " + where + ": it has no 'config' but holds '" + found + "'",
        "choose an empty location; if this is a damaged repository, restore its 'config' object");
  }

  static HardstorageException formatTooNew(String what, long found, long supported) {
    return new HardstorageException(
        FORMAT_TOO_NEW,
        ExitCode.PREFLIGHT_REFUSED,
        what + " has format version " + found + "; this release supports up to " + supported,
        "upgrade pg_hardstorage to a release that supports repository format " + found);
  }

  static HardstorageException configInvalid(String where, String why, Throwable cause) {
    return new HardstorageException(
        CONFIG_INVALID,
        ExitCode.ERROR,
        "the repository config at " + where + " is invalid: " + why,
        "restore the 'config' object from a copy; without it the repository cannot be read",
        cause);
  }

  static HardstorageException keyRequired(String where) {
    return new HardstorageException(
        KEY_REQUIRED,
        ExitCode.AUTHENTICATION,
        "the repository at " + where + " is encrypted and no passphrase or key was given",
        "provide the repository passphrase");
  }

  static HardstorageException clockSkew(
      String where,
      String lockId,
      Instant stored,
      Instant before,
      Instant after,
      Duration skew,
      Duration margin) {
    return new HardstorageException(
        CLOCK_SKEW,
        ExitCode.PREFLIGHT_REFUSED,
        "this host's clock and the storage's differ by "
            + seconds(skew)
            + ": "
            + where
            + " stamped lock "
            + lockId
            + " at "
            + stored
            + " while this host's clock read "
            + before
            + " to "
            + after
            + "; locks tolerate at most "
            + seconds(margin)
            + " (the margin between the lock heartbeat and the stale timeout), so the lock was"
            + " released and nothing was done",
        "synchronise this host's clock with the storage's (NTP, chrony), then retry");
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.3f s", d.toMillis() / 1000.0);
  }

  static HardstorageException keyUnexpectedAtInit(String where) {
    return new HardstorageException(
        KEY_UNEXPECTED,
        ExitCode.AUTHENTICATION,
        "a passphrase was given, but the repository being created at "
            + where
            + " is not encrypted (encryption none)",
        "create an encrypted repository with that passphrase, or give none");
  }

  static HardstorageException keyUnexpected(String where) {
    return new HardstorageException(
        KEY_UNEXPECTED,
        ExitCode.AUTHENTICATION,
        "a passphrase was given, but the repository at "
            + where
            + " is not encrypted; it was not ignored, because a repository that was supposed to be"
            + " encrypted and is not may have been replaced",
        "if this is the right repository, give no passphrase (unset PGHS_PASSPHRASE and"
            + " PGHS_PASSPHRASE_FILE, drop --passphrase-file and the deployment's kek); otherwise"
            + " find out who replaced it");
  }

  static HardstorageException chunkMissing(String chunk) {
    return new HardstorageException(
        CHUNK_MISSING,
        ExitCode.VERIFY_FAILED,
        "chunk " + chunk + " is referenced but is in no index file and no pack trailer",
        "run pg_hardstorage verify to see what else is missing; the pack that held it is gone or"
            + " damaged, so restore from another copy of the repository");
  }

  /**
   * {@link #GC_UNSAFE}: garbage collection was refused, naming the damaged index objects or one of
   * the unindexed chunks that made it unsafe.
   *
   * @param report a report whose {@link GarbageReport#safeToCollect()} is false
   */
  public static HardstorageException gcUnsafe(GarbageReport report) {
    List<String> why = new ArrayList<>();
    if (!report.damagedIndexFiles().isEmpty()) {
      why.add(
          report.damagedIndexFiles().size()
              + " index object(s) are damaged (e.g. "
              + report.damagedIndexFiles().iterator().next()
              + "), so the packs they list are unknown");
    }
    if (!report.unindexedChunks().isEmpty()) {
      why.add(
          report.unindexedChunks().size()
              + " chunk(s) named by backups have no index entry (e.g. "
              + report.unindexedChunks().iterator().next().hex()
              + ")");
    }
    return new HardstorageException(
        GC_UNSAFE,
        ExitCode.VERIFY_FAILED,
        String.join("; ", why)
            + "; packs that hold data of backups may look unreferenced, so nothing was deleted",
        "run pg_hardstorage repo index rebuild to index every pack from its trailer again, then"
            + " retry; if chunks are still unindexed afterwards, run pg_hardstorage verify to find"
            + " the damage");
  }

  static HardstorageException backupExists(String key) {
    return new HardstorageException(
        BACKUP_EXISTS,
        ExitCode.CONFLICT,
        "backup manifest '" + key + "' already exists",
        "use a new backup id; the existing backup was left unchanged");
  }

  static HardstorageException walConflict(String key) {
    return new HardstorageException(
        WAL_CONFLICT,
        ExitCode.CONFLICT,
        "'" + key + "' is already archived with different content",
        "check that only one PostgreSQL cluster archives into this deployment; "
            + "run pg_hardstorage verify on the archived WAL");
  }
}
