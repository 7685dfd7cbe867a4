package org.pghardstorage.core.storage;

import org.pghardstorage.core.error.ExitCode;

/**
 * {@link ObjectStore#getRange} asked for bytes past the end of the object. To the store that is a
 * caller's mistake; to a reader that took the range from an index or a trailer it means the object
 * is shorter than recorded, which is damage, and it reports it as such.
 */
public final class RangeOutsideObjectException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final long size;

  /**
   * @param key the object
   * @param offset the range's start
   * @param length the range's length
   * @param size the object's size
   * @param where the store, or the file, for the message
   */
  public RangeOutsideObjectException(
      ObjectKey key, long offset, int length, long size, String where) {
    super(
        "storage.range_outside_object",
        ExitCode.ERROR,
        "range ["
            + offset
            + ", "
            + (offset + length)
            + ") is outside object '"
            + key
            + "' of "
            + size
            + " bytes ("
            + where
            + ")",
        "stat the object first and read at most up to its size",
        null);
    this.size = size;
  }

  /** The object's actual size. */
  public long size() {
    return size;
  }
}
