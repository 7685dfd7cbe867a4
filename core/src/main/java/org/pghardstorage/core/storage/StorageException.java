package org.pghardstorage.core.storage;

import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/** A storage operation failed. Subclasses name the common, actionable cases. */
public class StorageException extends HardstorageException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super("storage.error", ExitCode.ERROR, message, null, cause);
  }

  protected StorageException(
      String code, ExitCode exitCode, String message, String suggestion, Throwable cause) {
    super(code, exitCode, message, suggestion, cause);
  }
}
