package org.pghardstorage.core.storage;

import org.pghardstorage.core.error.ExitCode;

/**
 * The backend could not be reached, is missing its root (bucket, container, directory), is
 * read-only, or ran out of space. Retrying later may succeed, which is why {@code
 * RetryingObjectStore} retries exactly this type. Refused or missing credentials are {@link
 * StorageAuthenticationException} instead.
 *
 * <p>A failed write is never partially applied. When the backend answered with the error (a local
 * filesystem always does), the write was not applied at all. When a remote backend did not answer
 * (a timeout, a dropped connection), the write may or may not have been applied: a retried {@link
 * ObjectStore#putIfAbsent} can then return {@code false} for an object this caller created.
 */
public class StorageUnavailableException extends StorageException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, naming the location or path
   * @param suggestion what the operator should do, for example "free space on /srv"
   * @param cause the backend's exception, or {@code null}
   */
  public StorageUnavailableException(String message, String suggestion, Throwable cause) {
    super("storage.unreachable", ExitCode.UNREACHABLE, message, suggestion, cause);
  }
}
