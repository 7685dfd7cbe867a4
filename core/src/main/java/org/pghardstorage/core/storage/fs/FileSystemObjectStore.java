package org.pghardstorage.core.storage.fs;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.StorageException;
import org.pghardstorage.core.storage.StorageUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectStore} on a local or network filesystem: key {@code data/ab/abcd} is the file
 * {@code <root>/data/ab/abcd}. The root must exist; directories below it are created by writes and
 * removed by {@link #delete} once empty.
 *
 * <p>Every write goes to a hidden temporary file {@code .tmp-<random>} in the target directory,
 * which is written, fsynced and closed, then published: by a hard link for {@link #putIfAbsent}
 * (the link fails if the target exists, so exactly one of any number of racing writers wins, across
 * processes too) and by an atomic rename for {@link #put}. The directory is then fsynced. A crash
 * can leave temporary files behind; they are never listed or read, and {@link
 * #deleteAbandonedTempFiles} removes them. The filesystem must support hard links (ext4, xfs,
 * btrfs, zfs, NFS do; FAT and some SMB mounts do not).
 *
 * <p>Symbolic links inside the root are followed, so a subdirectory may live on another disk; empty
 * directory removal stops at a symbolic link and never removes it. Thread-safe.
 */
public final class FileSystemObjectStore implements ObjectStore {
  /** Name prefix of temporary files; no key segment can start with a dot. */
  static final String TEMP_PREFIX = ".tmp-";

  /** How often a write recreates its directory when concurrent deletes keep removing it. */
  private static final int MAX_DIRECTORY_RACES = 32;

  /** Largest array the JVM reliably allocates. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private static final Logger LOG = LoggerFactory.getLogger(FileSystemObjectStore.class);

  private final Path root;
  private final FileIo io;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A store rooted at {@code root}. Touches nothing on disk: a missing root is reported by the
   * first operation.
   *
   * @throws IllegalArgumentException if {@code root} is relative
   */
  public FileSystemObjectStore(Path root) {
    this(root, FileIo.DEFAULT);
  }

  FileSystemObjectStore(Path root, FileIo io) {
    Objects.requireNonNull(root, "root");
    if (!root.isAbsolute()) {
      throw new IllegalArgumentException(
          "the repository root '"
              + root
              + "' is a relative path; use an absolute one such as "
              + root.toAbsolutePath());
    }
    this.root = root.normalize();
    this.io = Objects.requireNonNull(io, "io");
  }

  /** The root directory. */
  public Path root() {
    return root;
  }

  @Override
  public boolean putIfAbsent(ObjectKey key, byte[] data) {
    Path target = pathOf(key);
    Path temp = writeTemp(key, target, data);
    boolean created;
    try {
      Files.createLink(target, temp);
      created = true;
    } catch (FileAlreadyExistsException e) {
      if (Files.isDirectory(target)) {
        throw deleteTempAfter(temp, directoryInTheWay(key, target, e));
      }
      created = false;
    } catch (AccessDeniedException e) {
      // we could create the temporary file here, so EPERM on link(2) means no hard links
      throw deleteTempAfter(
          temp,
          new StorageException(
              "creating object '"
                  + key
                  + "' failed: "
                  + target.getParent()
                  + " refused a hard link ("
                  + e.getMessage()
                  + "); objects are published with hard links so exactly one writer wins",
              "keep the repository on a file system with hard links (ext4, xfs, btrfs, zfs, NFS)",
              e));
    } catch (IOException | UnsupportedOperationException e) {
      throw deleteTempAfter(temp, failure("publishing object '" + key + "'", target, 0, e));
    }
    deleteTemp(temp);
    // also after losing: the winner may not have synced the directory yet, and we promise
    // durability of the object under key on either result
    syncParentOf(key, target);
    return created;
  }

  @Override
  public void put(ObjectKey key, byte[] data) {
    Path target = pathOf(key);
    Path temp = writeTemp(key, target, data);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      StorageException failure =
          Files.isDirectory(target)
              ? directoryInTheWay(key, target, e)
              : failure("replacing object '" + key + "'", target, 0, e);
      throw deleteTempAfter(temp, failure);
    }
    syncParentOf(key, target);
  }

  @Override
  public byte[] get(ObjectKey key) {
    Path path = pathOf(key);
    requireObject(key, path);
    try (FileChannel channel = FileChannel.open(path, READ)) {
      long size = channel.size();
      if (size > MAX_ARRAY) {
        throw new StorageException(
            "object '" + key + "' is " + size + " bytes, too large to read at once (" + path + ")",
            "read it in parts with getRange",
            null);
      }
      return readFully(key, channel, 0, (int) size);
    } catch (IOException e) {
      throw readFailure(key, path, e);
    }
  }

  @Override
  public byte[] getRange(ObjectKey key, long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "range offset and length must be >= 0, were " + offset + " and " + length);
    }
    Path path = pathOf(key);
    requireObject(key, path);
    try (FileChannel channel = FileChannel.open(path, READ)) {
      long size = channel.size();
      // compare without adding: offset + length can overflow a long
      if (offset > size - length) {
        throw new StorageException(
            "range ["
                + offset
                + ", "
                + (offset + length)
                + ") is outside object '"
                + key
                + "' of "
                + size
                + " bytes ("
                + path
                + ")",
            "stat the object first and read at most up to its size",
            null);
      }
      return readFully(key, channel, offset, length);
    } catch (IOException e) {
      throw readFailure(key, path, e);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(ObjectKey key) {
    Path path = pathOf(key);
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      return attributes.isRegularFile()
          ? Optional.of(
              new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant()))
          : Optional.empty();
    } catch (IOException e) {
      if (isMissing(path, e)) {
        requireRoot();
        return Optional.empty();
      }
      throw failure("reading the attributes of object '" + key + "'", path, 0, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    checkOpen();
    requireRoot();
    try {
      return new FsLister(root).list(prefix);
    } catch (IOException e) {
      throw failure("listing prefix '" + prefix + "'", root, 0, e);
    }
  }

  @Override
  public void delete(ObjectKey key) {
    Path path = pathOf(key);
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isDirectory()) {
        return; // a prefix of other keys, not an object
      }
      Files.delete(path);
    } catch (IOException e) {
      if (isMissing(path, e)) {
        requireRoot();
        return;
      }
      throw failure("deleting object '" + key + "'", path, 0, e);
    }
    syncParentOf(key, path);
    removeEmptyDirectories(path.getParent());
  }

  /**
   * Deletes temporary files left by writes that never finished (a crash between writing and
   * publishing) and that are older than {@code minAge}. Listing and reading never see them, so this
   * only reclaims space. Choose {@code minAge} well above the longest write, for example one hour:
   * a younger temporary file may belong to a write in progress in another process.
   *
   * @return how many files were deleted
   */
  public int deleteAbandonedTempFiles(Duration minAge) {
    Objects.requireNonNull(minAge, "minAge");
    checkOpen();
    requireRoot();
    try {
      return FsLister.deleteTempFiles(root, TEMP_PREFIX, minAge);
    } catch (IOException e) {
      throw failure("deleting abandoned temporary files", root, 0, e);
    }
  }

  @Override
  public String describe() {
    return "file://" + root;
  }

  @Override
  public void close() {
    closed.set(true);
  }

  @Override
  public String toString() {
    return describe();
  }

  // ---- writing ------------------------------------------------------------------------------

  /** Writes {@code data} to a new, fsynced temporary file beside {@code target}. */
  private Path writeTemp(ObjectKey key, Path target, byte[] data) {
    Objects.requireNonNull(data, "data");
    Path dir = target.getParent();
    for (int attempt = 1; attempt <= MAX_DIRECTORY_RACES; attempt++) {
      Path temp =
          dir.resolve(TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
      FileChannel channel;
      try {
        channel = FileChannel.open(temp, CREATE_NEW, WRITE);
      } catch (NoSuchFileException e) {
        // first object under this prefix, or a concurrent delete just removed the emptied
        // directory: (re)create it and try again
        createDirectories(key, dir);
        continue;
      } catch (FileAlreadyExistsException e) {
        continue; // a random name collided; draw another
      } catch (IOException e) {
        Optional<Path> file = fileAmongAncestors(dir);
        throw file.isPresent()
            ? objectInTheWay(key, file.get(), e)
            : failure("writing object '" + key + "'", temp, data.length, e);
      }
      try (channel) {
        io.write(channel, ByteBuffer.wrap(data), temp);
        io.force(channel, temp);
      } catch (IOException e) {
        throw deleteTempAfter(temp, failure("writing object '" + key + "'", temp, data.length, e));
      }
      return temp;
    }
    throw new StorageException(
        "writing object '"
            + key
            + "' failed: directory "
            + dir
            + " disappeared "
            + MAX_DIRECTORY_RACES
            + " times while creating it",
        "another process keeps deleting under the same prefix; stop it and retry",
        null);
  }

  /**
   * Creates the directories from the root down to {@code dir}, fsyncing each parent that gains an
   * entry. Returns quietly if a concurrent delete removes a parent meanwhile; the caller retries.
   */
  private void createDirectories(ObjectKey key, Path dir) {
    requireRoot();
    Path current = root;
    for (Path name : root.relativize(dir)) {
      Path parent = current;
      current = current.resolve(name);
      try {
        Files.createDirectory(current);
        syncDirectory(parent);
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(current)) {
          throw objectInTheWay(key, current, e);
        }
      } catch (NoSuchFileException e) {
        return;
      } catch (IOException e) {
        throw failure("creating directory for object '" + key + "'", current, 1, e);
      }
    }
  }

  private void syncParentOf(ObjectKey key, Path file) {
    try {
      syncDirectory(file.getParent());
    } catch (NoSuchFileException e) {
      // a concurrent delete of this very key removed the file and its directory: nothing is left
      // whose durability we owe
      LOG.debug("directory of {} vanished before fsync: {}", key, e.getMessage());
    } catch (IOException e) {
      throw failure("syncing the directory of object '" + key + "'", file.getParent(), 0, e);
    }
  }

  private void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, READ)) {
      io.force(channel, dir);
    }
  }

  private void deleteTemp(Path temp) {
    try {
      Files.delete(temp);
    } catch (IOException e) {
      // the object is published; a leftover hidden temp file costs space, not correctness
      LOG.warn(
          "could not delete temporary file {} ({}); deleteAbandonedTempFiles will remove it",
          temp,
          e.toString());
    }
  }

  /** Removes the temporary file after {@code failure}, recording a second failure on it. */
  private static StorageException deleteTempAfter(Path temp, StorageException failure) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    return failure;
  }

  // ---- reading ------------------------------------------------------------------------------

  private static byte[] readFully(ObjectKey key, FileChannel channel, long offset, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    long position = offset;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new StorageException(
            "object '"
                + key
                + "' ended at byte "
                + position
                + " while reading "
                + length
                + " bytes from "
                + offset
                + "; it was truncated by something other than pg_hardstorage",
            "run verify on the repository",
            null);
      }
      position += n;
    }
    return buffer.array();
  }

  /** Fails with {@link ObjectNotFoundException} unless {@code path} is a regular file. */
  private void requireObject(ObjectKey key, Path path) {
    if (stat(key).isEmpty()) {
      throw new ObjectNotFoundException(describe(), key);
    }
  }

  private StorageException readFailure(ObjectKey key, Path path, IOException e) {
    if (isMissing(path, e)) {
      requireRoot();
      return new ObjectNotFoundException(describe(), key);
    }
    return failure("reading object '" + key + "'", path, 0, e);
  }

  // ---- deleting -----------------------------------------------------------------------------

  /**
   * Removes {@code dir} and its ancestors below the root while they are empty. A writer creating an
   * object in one of them holds a temporary file there first, so the removal fails with "not empty"
   * and stops; the writer in turn recreates a directory removed under it.
   */
  private void removeEmptyDirectories(Path dir) {
    for (Path d = dir; !d.equals(root) && d.startsWith(root); d = d.getParent()) {
      if (Files.isSymbolicLink(d)) {
        return; // the operator put part of the repository elsewhere; keep the link
      }
      try {
        Files.delete(d);
      } catch (DirectoryNotEmptyException e) {
        return;
      } catch (NoSuchFileException e) {
        // a concurrent delete removed it first; its parent may still be empty
      } catch (IOException e) {
        // the object is deleted; an empty directory is invisible and costs nothing
        LOG.warn("could not remove empty directory {}: {}", d, e.toString());
        return;
      }
    }
  }

  // ---- paths and errors ---------------------------------------------------------------------

  private Path pathOf(ObjectKey key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    return root.resolve(key.value());
  }

  /** Whether {@code e} means "no object at {@code path}" rather than a failure to look. */
  private boolean isMissing(Path path, IOException e) {
    if (e instanceof NoSuchFileException) {
      return true;
    }
    if (e instanceof AccessDeniedException || e instanceof AtomicMoveNotSupportedException) {
      return false;
    }
    // EISDIR and ENOTDIR arrive as plain FileSystemExceptions with a localised reason
    return Files.isDirectory(path) || fileAmongAncestors(path.getParent()).isPresent();
  }

  /**
   * The nearest of {@code dir} and its ancestors below the root that exists but is no directory.
   */
  private Optional<Path> fileAmongAncestors(Path dir) {
    for (Path d = dir; d != null && !d.equals(root) && d.startsWith(root); d = d.getParent()) {
      if (Files.exists(d) && !Files.isDirectory(d)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  private void requireRoot() {
    Optional<StorageException> problem = rootProblem();
    if (problem.isPresent()) {
      throw problem.get();
    }
  }

  /** Why the root is unusable (missing, not a directory, unreadable), if it is. */
  private Optional<StorageException> rootProblem() {
    try {
      BasicFileAttributes attributes = Files.readAttributes(root, BasicFileAttributes.class);
      if (attributes.isDirectory()) {
        return Optional.empty();
      }
      return Optional.of(
          new StorageUnavailableException(
              "the repository root " + root + " is not a directory",
              "point the repository URL at a directory",
              null));
    } catch (NoSuchFileException e) {
      return Optional.of(
          new StorageUnavailableException(
              "the repository root " + root + " does not exist",
              "mount the file system that should hold it, or create it (mkdir -p "
                  + root
                  + "); pg_hardstorage never creates the root, so that an unmounted volume is not"
                  + " mistaken for an empty repository",
              e));
    } catch (IOException e) {
      return Optional.of(
          FsErrors.classify("checking the repository root of " + describe(), root, root, 0, e));
    }
  }

  /**
   * The error for {@code e}. A missing or replaced root explains most failures below it, so it is
   * checked first and reported instead.
   */
  private StorageException failure(String doing, Path path, long bytesNeeded, Exception e) {
    Optional<StorageException> rootProblem = rootProblem();
    if (rootProblem.isPresent()) {
      rootProblem.get().addSuppressed(e);
      return rootProblem.get();
    }
    IOException io = e instanceof IOException ioe ? ioe : new IOException(e.toString(), e);
    return FsErrors.classify(doing + " in " + describe(), path, root, bytesNeeded, io);
  }

  private StorageException directoryInTheWay(ObjectKey key, Path target, Exception e) {
    return new StorageException(
        "object '"
            + key
            + "' cannot be written: "
            + target
            + " is a directory holding objects under '"
            + key
            + "/'",
        "a filesystem store cannot hold both '" + key + "' and keys below it; use another key",
        e);
  }

  private StorageException objectInTheWay(ObjectKey key, Path file, Exception e) {
    String blocking =
        root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    return new StorageException(
        "object '"
            + key
            + "' cannot be written: "
            + file
            + " is the object '"
            + blocking
            + "', not a directory",
        "a filesystem store cannot hold both '" + blocking + "' and keys below it; use another key",
        e);
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException(describe() + " is closed");
    }
  }
}
