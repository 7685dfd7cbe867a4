package org.pghardstorage.core.crypto;

import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Sealed bytes failed their check: they were damaged, tampered with, opened with the wrong key, or
 * opened under the wrong associated data. Callers that know which object they were opening rethrow
 * it with that context (for example as {@code repo.corrupt}).
 */
public class IntegrityException extends HardstorageException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public IntegrityException(String message, Throwable cause) {
    super(
        "crypto.integrity_failed",
        ExitCode.VERIFY_FAILED,
        message,
        "run pg_hardstorage verify to find every damaged object",
        cause);
  }
}
