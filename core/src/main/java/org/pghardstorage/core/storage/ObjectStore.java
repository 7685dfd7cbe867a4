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
 * <p>Errors: a missing object is {@link ObjectNotFoundException}; a backend that cannot be reached,
 * refuses us, is missing its root (bucket, container, directory), is read-only or is full is {@link
 * StorageUnavailableException}; other failures are {@link StorageException}. Invalid arguments
 * (negative ranges) are {@link IllegalArgumentException}; {@code null} arguments are {@link
 * NullPointerException}. After {@link #close()} every method except {@code describe} and {@code
 * close} throws {@link IllegalStateException}.
 *
 * <p>Blob stores and hierarchical stores: keys look like paths, and hierarchical backends
 * (filesystem, SFTP) map them onto directories. Such a backend cannot hold both {@code a} and
 * {@code a/b}; writing one while the other exists fails with a {@link StorageException} naming both
 * (never silently). The repository format never creates such a pair. Everything else behaves the
 * same on both kinds: a prefix needs no creating, and a prefix with no objects left does not exist.
 *
 * <p>Implementations are thread-safe, and several processes may share one store: atomicity and the
 * single winner of {@link #putIfAbsent} hold across processes and hosts, not only across threads.
 * Byte arrays are copied: callers may reuse an array passed in and own every array returned.
 */
public interface ObjectStore extends AutoCloseable {

  /**
   * Creates {@code key} with {@code data} if and only if no object exists under that key.
   *
   * <p>Atomic: a reader sees either no object or all of {@code data}, never a prefix. When several
   * callers race on one key, exactly one returns {@code true}. Durable on return, whatever the
   * result: after {@code true} or {@code false} the object under {@code key} survives a crash of
   * this process or of the host (fsync on filesystems, a completed PUT on blob stores).
   *
   * <p>A call that throws has made nothing durable, and almost always left nothing visible. Two
   * exceptions: when the last durability step fails after the object became visible (a failed
   * directory fsync), the object may stay visible without the durability promise; and when a remote
   * backend did not answer, the caller cannot know whether the write was applied (see {@link
   * StorageUnavailableException}). In both cases a retry that returns {@code false} restores the
   * promise. A backend that itself sends a request again after a lost answer (an SDK's own retries)
   * must not report its own earlier attempt as somebody else's object: when the retry finds the
   * object, and it holds exactly {@code data}, the call returns {@code true}.
   *
   * @return {@code true} if this call created the object, {@code false} if one already existed (its
   *     content is not compared, except after a retry inside the call as above, and is left
   *     unchanged)
   */
  boolean putIfAbsent(ObjectKey key, byte[] data);

  /**
   * Creates or replaces {@code key} with {@code data}. Atomic and durable like {@link
   * #putIfAbsent}: a concurrent reader sees the old content or the new, never a mix. A failed call
   * normally leaves the old content (or no object) in place; if the failure came after the new
   * content became visible (a failed directory fsync), the new content may stay, not known to be
   * durable, and the caller should retry. Used only for objects that are rewritten by design (the
   * partial WAL segment, lock heartbeats).
   */
  void put(ObjectKey key, byte[] data);

  /**
   * Reads a whole object. The content is one version: a concurrent {@link #put} is either fully
   * visible or not at all.
   *
   * @throws ObjectNotFoundException if there is no object under {@code key}
   * @throws StorageException if the object is too large for one array (over 2 GiB); use {@link
   *     #getRange}
   */
  byte[] get(ObjectKey key);

  /**
   * Reads {@code length} bytes starting at {@code offset}. A zero-length range is valid anywhere
   * from {@code 0} to the object's size inclusive and returns an empty array.
   *
   * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
   * @throws ObjectNotFoundException if there is no object under {@code key}
   * @throws RangeOutsideObjectException if the range extends past the end of the object; the
   *     message names the key, the range and the object's size
   */
  byte[] getRange(ObjectKey key, long offset, int length);

  /**
   * Size and modification time of {@code key}, or empty if it does not exist. A missing object is
   * not an error; a missing or unreachable store is ({@link StorageUnavailableException}).
   */
  Optional<ObjectInfo> stat(ObjectKey key);

  /**
   * Every object whose key starts with {@code prefix} (a plain string prefix, as on blob stores:
   * {@code "wal/db1/0000"} matches {@code "wal/db1/000000010000000000000001"}, and {@code
   * "wal/db1"} matches {@code "wal/db10/x"}), sorted by key. An empty prefix lists everything; a
   * prefix no valid key can start with lists nothing.
   *
   * <p>Objects still being written by {@link #putIfAbsent} or {@link #put} are never listed. On
   * hierarchical backends empty directories and the backend's own temporary files are invisible.
   * The listing is not a snapshot: an object created or deleted during the call may or may not
   * appear, but every object listed existed at some moment during the call, with the size given.
   */
  List<ObjectInfo> list(String prefix);

  /**
   * Deletes {@code key}. Idempotent: deleting a missing object is not an error. Durable on return.
   * On hierarchical backends, directories left empty are removed, without disturbing concurrent
   * writers that are creating objects in them.
   */
  void delete(ObjectKey key);

  /**
   * The local directory that holds this store's objects, for a store on a local file system; empty
   * for a remote store. Only used to keep other writers out of it (a restore never writes into or
   * deletes the repository it reads). Decorators pass it through.
   */
  default Optional<java.nio.file.Path> localDirectory() {
    return Optional.empty();
  }

  /** A description safe for logs and messages: the location without any credential. */
  String describe();

  /**
   * Releases connections and threads. Idempotent. Further calls other than {@code describe} and
   * {@code close} throw {@link IllegalStateException}.
   */
  @Override
  void close();
}
