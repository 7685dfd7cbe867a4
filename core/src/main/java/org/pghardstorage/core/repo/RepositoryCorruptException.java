package org.pghardstorage.core.repo;

import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Stored data failed to open, parse or verify: code {@code repo.corrupt}, exit {@link
 * ExitCode#VERIFY_FAILED}. The message names the object (and the chunk, when one is known).
 */
public class RepositoryCorruptException extends HardstorageException {
  private static final long serialVersionUID = 1L;

  private final String object;

  /**
   * @param object the store key of the damaged object
   * @param what what is wrong, naming the chunk when there is one
   */
  public RepositoryCorruptException(String object, String what, Throwable cause) {
    super(
        RepositoryErrors.CORRUPT,
        ExitCode.VERIFY_FAILED,
        "'" + object + "' is damaged: " + what,
        "run pg_hardstorage verify to list every damaged object; restore from another copy",
        cause);
    this.object = object;
  }

  /** The store key of the damaged object. */
  public String object() {
    return object;
  }
}
