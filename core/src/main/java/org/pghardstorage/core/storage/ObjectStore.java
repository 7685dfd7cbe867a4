package org.pghardstorage.core.storage;

import java.util.List;
import java.util.Optional;

/**
 * The storage SPI: a flat namespace of immutable-by-convention byte objects. Every backend
 * (filesystem, in-memory, S3, GCS, Azure Blob, SFTP, SCP) implements exactly this and passes the
 * shared contract test suite {@code ObjectStoreContractTest}. Take care when adding to this API:
 * every method must be implementable on a plain blob store.
 *
 * <p>Backends store bytes and know nothing of compression, encryption or the repository format.
 * Retry, metrics and fault injection are decorators implementing this same interface.
 *
 * <p>Errors: a missing object is {@link ObjectNotFoundException}; a backend that cannot be reached
 * or refuses us is {@link StorageUnavailableException}; other failures are {@link
 * StorageException}. Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

  /**
   * Creates {@code key} with {@code data} if and only if no object exists under that key.
   *
   * <p>Atomic: a reader sees either no object or all of {@code data}, never a prefix. When several
   * callers race on one key, exactly one returns {@code true}. Durable on return: after {@code
   * true}, the object survives a crash of this process or of the host (fsync on filesystems, a
   * completed PUT on blob stores).
   *
   * @return {@code true} if this call created the object, {@code false} if one already existed (its
   *     content is not compared and is left unchanged)
   */
  boolean putIfAbsent(ObjectKey key, byte[] data);

  /**
   * Creates or replaces {@code key} with {@code data}. Atomic and durable like {@link
   * #putIfAbsent}: a concurrent reader sees the old content or the new, never a mix. Used only for
   * objects that are rewritten by design (the partial WAL segment, lock heartbeats).
   */
  void put(ObjectKey key, byte[] data);

  /**
   * Reads a whole object.
   *
   * @throws ObjectNotFoundException if there is no object under {@code key}
   */
  byte[] get(ObjectKey key);

  /**
   * Reads {@code length} bytes starting at {@code offset}.
   *
   * @throws ObjectNotFoundException if there is no object under {@code key}
   * @throws StorageException if the range extends past the end of the object
   */
  byte[] getRange(ObjectKey key, long offset, int length);

  /** Size and modification time of {@code key}, or empty if it does not exist. */
  Optional<ObjectInfo> stat(ObjectKey key);

  /**
   * Every object whose key starts with {@code prefix} (a plain string prefix, as on blob stores:
   * {@code "wal/db1/0000"} matches {@code "wal/db1/000000010000000000000001"}), sorted by key.
   * Objects still being written by {@link #putIfAbsent} or {@link #put} are never listed. On
   * hierarchical backends empty directories are invisible. An empty prefix lists everything.
   */
  List<ObjectInfo> list(String prefix);

  /**
   * Deletes {@code key}. Idempotent: deleting a missing object is not an error. On hierarchical
   * backends, directories left empty may be removed.
   */
  void delete(ObjectKey key);

  /** A description safe for logs and messages: the location without any credential. */
  String describe();

  /** Releases connections and threads. Further calls fail. */
  @Override
  void close();
}
