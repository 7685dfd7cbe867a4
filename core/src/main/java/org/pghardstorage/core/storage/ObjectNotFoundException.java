package org.pghardstorage.core.storage;

import org.pghardstorage.core.error.ExitCode;

/** There is no object under the requested key. */
public class ObjectNotFoundException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final transient ObjectKey key;

  public ObjectNotFoundException(String where, ObjectKey key) {
    super(
        "storage.not_found",
        ExitCode.NOT_FOUND,
        "object '" + key + "' does not exist in " + where,
        null,
        null);
    this.key = key;
  }

  /** The missing key. */
  public ObjectKey key() {
    return key;
  }
}
