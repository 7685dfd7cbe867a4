package org.pghardstorage.core.storage;

import org.pghardstorage.core.error.ExitCode;

/**
 * The backend could not be reached, refused our credentials, or ran out of space. Retrying later
 * may succeed; the repository is left unchanged by the failed call.
 */
public class StorageUnavailableException extends StorageException {
  private static final long serialVersionUID = 1L;

  public StorageUnavailableException(String message, String suggestion, Throwable cause) {
    super("storage.unreachable", ExitCode.UNREACHABLE, message, suggestion, cause);
  }
}
