package org.pghardstorage.core.repo;

import java.util.Set;
import org.pghardstorage.core.chunk.ChunkId;
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

  static HardstorageException chunkMissing(String chunk) {
    return new HardstorageException(
        CHUNK_MISSING,
        ExitCode.VERIFY_FAILED,
        "chunk " + chunk + " is referenced but is in no index file",
        "run pg_hardstorage verify; if packs exist that are not indexed, rebuild the index");
  }

  /** {@link #GC_UNSAFE}, naming one of the unindexed chunks. */
  public static HardstorageException gcUnsafe(Set<ChunkId> unindexed) {
    ChunkId example = unindexed.iterator().next();
    return new HardstorageException(
        GC_UNSAFE,
        ExitCode.VERIFY_FAILED,
        unindexed.size()
            + " chunk(s) named by backups have no index entry (e.g. "
            + example.hex()
            + "); they may sit in packs that look unreferenced, so nothing was deleted",
        "run pg_hardstorage verify on the backups to find the damage; garbage can be collected"
            + " once every referenced chunk is indexed again");
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
