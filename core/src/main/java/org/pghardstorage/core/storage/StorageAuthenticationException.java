package org.pghardstorage.core.storage;

import org.pghardstorage.core.error.ExitCode;

/**
 * The backend refused our credentials, or we have none to offer: a key or permission problem
 * ({@code storage.auth_failed}, exit AUTHENTICATION), not an outage. Retrying cannot help until
 * someone fixes the credentials or the permissions, so the retry decorator does not retry it.
 */
public class StorageAuthenticationException extends StorageException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was refused, naming the location (never a secret)
   * @param suggestion what to check: which credentials, which permissions
   * @param cause the backend's exception, or {@code null}
   */
  public StorageAuthenticationException(String message, String suggestion, Throwable cause) {
    super("storage.auth_failed", ExitCode.AUTHENTICATION, message, suggestion, cause);
  }
}
