package org.pghardstorage.core.storage.fs;

import static java.nio.file.StandardOpenOption.READ;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.RangeOutsideObjectException;
import org.pghardstorage.core.storage.StorageException;
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
  /** Largest array the JVM reliably allocates. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private static final Logger LOG = LoggerFactory.getLogger(FileSystemObjectStore.class);

  private final FsRoot root;
  private final TempFileWriter writer;
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
    this.root = new FsRoot(root);
    this.writer = new TempFileWriter(this.root, io);
  }

  /** The root directory, absolute and normalised. */
  public Path root() {
    return root.path();
  }

  @Override
  public boolean putIfAbsent(ObjectKey key, byte[] data) {
    Path target = pathOf(key);
    Path temp = writer.write(key, target, data);
    boolean created;
    try {
      Files.createLink(target, temp);
      created = true;
    } catch (FileAlreadyExistsException e) {
      if (Files.isDirectory(target)) {
        throw TempFileWriter.deleteAfter(temp, root.directoryInTheWay(key, target, e));
      }
      created = false;
    } catch (AccessDeniedException e) {
      throw TempFileWriter.deleteAfter(temp, noHardLinks(key, target, e));
    } catch (IOException | UnsupportedOperationException e) {
      throw TempFileWriter.deleteAfter(
          temp, root.failure("publishing object '" + key + "'", target, 0, e));
    }
    writer.deletePublished(temp);
    // also after losing: the winner may not have synced the directory yet, and we promise
    // durability of the object under key on either result
    writer.syncParentOf(key, target);
    return created;
  }

  @Override
  public void put(ObjectKey key, byte[] data) {
    Path target = pathOf(key);
    Path temp = writer.write(key, target, data);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      StorageException failure =
          Files.isDirectory(target)
              ? root.directoryInTheWay(key, target, e)
              : root.failure("replacing object '" + key + "'", target, 0, e);
      throw TempFileWriter.deleteAfter(temp, failure);
    }
    writer.syncParentOf(key, target);
  }

  @Override
  public byte[] get(ObjectKey key) {
    Path path = pathOf(key);
    requireObject(key);
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
    requireObject(key);
    try (FileChannel channel = FileChannel.open(path, READ)) {
      long size = channel.size();
      // compare without adding: offset + length can overflow a long
      if (offset > size - length) {
        throw new RangeOutsideObjectException(key, offset, length, size, path.toString());
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
      if (root.isMissing(path, e)) {
        root.require();
        return Optional.empty();
      }
      throw root.failure("reading the attributes of object '" + key + "'", path, 0, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    checkOpen();
    root.require();
    try {
      return new FsLister(root).list(prefix);
    } catch (IOException e) {
      throw root.failure("listing prefix '" + prefix + "'", root.path(), 0, e);
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
      if (root.isMissing(path, e)) {
        root.require();
        return;
      }
      throw root.failure("deleting object '" + key + "'", path, 0, e);
    }
    writer.syncParentOf(key, path);
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
    root.require();
    try {
      return FsLister.deleteTempFiles(root.path(), TempFileWriter.TEMP_PREFIX, minAge);
    } catch (IOException e) {
      throw root.failure("deleting abandoned temporary files", root.path(), 0, e);
    }
  }

  @Override
  public Optional<Path> localDirectory() {
    return Optional.of(root.path());
  }

  @Override
  public String describe() {
    return root.describe();
  }

  @Override
  public void close() {
    closed.set(true);
  }

  @Override
  public String toString() {
    return describe();
  }

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

  /** Fails with {@link ObjectNotFoundException} unless the key's path is a regular file. */
  private void requireObject(ObjectKey key) {
    if (stat(key).isEmpty()) {
      throw new ObjectNotFoundException(describe(), key);
    }
  }

  private StorageException readFailure(ObjectKey key, Path path, IOException e) {
    if (root.isMissing(path, e)) {
      root.require();
      return new ObjectNotFoundException(describe(), key);
    }
    return root.failure("reading object '" + key + "'", path, 0, e);
  }

  /** link(2) failed with EPERM although we could create the temporary file: no hard links. */
  private StorageException noHardLinks(ObjectKey key, Path target, AccessDeniedException e) {
    return new StorageException(
        "creating object '"
            + key
            + "' in "
            + describe()
            + " failed: "
            + target.getParent()
            + " refused a hard link ("
            + e.getMessage()
            + "); objects are published with hard links so that exactly one writer wins",
        "keep the repository on a file system with hard links (ext4, xfs, btrfs, zfs, NFS)",
        e);
  }

  /**
   * Removes {@code dir} and its ancestors below the root while they are empty. A writer creating an
   * object in one of them holds a temporary file there first, so the removal fails with "not empty"
   * and stops; the writer in turn recreates a directory removed under it.
   */
  private void removeEmptyDirectories(Path dir) {
    Path top = root.path();
    for (Path d = dir; !d.equals(top) && d.startsWith(top); d = d.getParent()) {
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

  private Path pathOf(ObjectKey key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    return root.pathOf(key);
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException(describe() + " is closed");
    }
  }
}
