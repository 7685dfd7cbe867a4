package org.pghardstorage.core.error;

/**
 * Process exit codes of every pg_hardstorage command. The numbers are a public contract, documented
 * in {@code docs/reference/exit-codes.md}; never renumber an existing entry.
 */
public enum ExitCode {
  OK(0),
  /** An error without a more specific code. */
  ERROR(1),
  /** Bad flags or arguments. */
  USAGE(2),
  /** PostgreSQL, the repository or a KMS refused our credentials or role. */
  AUTHENTICATION(3),
  /** A preflight check refused to start the operation. */
  PREFLIGHT_REFUSED(4),
  /** The operation was cancelled or interrupted before it finished. */
  ABORTED(5),
  /** A deployment, backup, object or WAL segment does not exist. */
  NOT_FOUND(6),
  /** A conflicting state: a lock is held, a target is not empty, a target is inside a WAL gap. */
  CONFLICT(7),
  /** Storage, PostgreSQL or a KMS could not be reached. */
  UNREACHABLE(8),
  /** Verification found damaged or missing data. */
  VERIFY_FAILED(9),
  /** {@code doctor} found issues. */
  DOCTOR_ISSUES(10);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  /** The numeric process exit status. */
  public int code() {
    return code;
  }
}
