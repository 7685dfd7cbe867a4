package org.pghardstorage.core.storage;

import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/** A storage operation failed. Subclasses name the common, actionable cases. */
public class StorageException extends HardstorageException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, naming the key or path
   * @param cause the backend's exception, or {@code null}
   */
  public StorageException(String message, Throwable cause) {
    super("storage.error", ExitCode.ERROR, message, null, cause);
  }

  /**
   * @param message what failed, naming the key or path
   * @param suggestion what the operator should do about it
   * @param cause the backend's exception, or {@code null}
   */
  public StorageException(String message, String suggestion, Throwable cause) {
    super("storage.error", ExitCode.ERROR, message, suggestion, cause);
  }

  protected StorageException(
      String code, ExitCode exitCode, String message, String suggestion, Throwable cause) {
    super(code, exitCode, message, suggestion, cause);
  }
}
