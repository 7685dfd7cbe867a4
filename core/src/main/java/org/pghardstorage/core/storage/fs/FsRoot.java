package org.pghardstorage.core.storage.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.StorageException;
import org.pghardstorage.core.storage.StorageUnavailableException;

/**
 * The root directory of a {@link FileSystemObjectStore}: where a key lives on disk, and what a
 * failure below the root really means (a missing root, a missing object, a directory or an object
 * in the way, or an I/O error for {@link FsErrors}).
 */
final class FsRoot {
  private final Path root;
  private final String description;
  private volatile FsModes modes;

  FsRoot(Path root) {
    Objects.requireNonNull(root, "root");
    if (!root.isAbsolute()) {
      throw new IllegalArgumentException(
          "the repository root '"
              + root
              + "' is a relative path; use an absolute one such as "
              + root.toAbsolutePath());
    }
    this.root = root.normalize();
    this.description = "file://" + this.root;
  }

  Path path() {
    return root;
  }

  String describe() {
    return description;
  }

  /**
   * The permissions of new directories and files, read from the root's own on first use (see {@link
   * FsModes}): the root's mode is how a repository's choice of owner-only or group-readable
   * persists for every later writer.
   */
  FsModes modes() {
    FsModes m = modes;
    if (m == null) {
      try {
        m = FsModes.of(root);
      } catch (IOException e) {
        throw failure("reading the permissions of the repository root", root, 0, e);
      }
      modes = m;
    }
    return m;
  }

  Path pathOf(ObjectKey key) {
    return root.resolve(key.value());
  }

  /** The key a file below the root would have, with {@code /} whatever the platform. */
  String keyOf(Path file) {
    String relative = root.relativize(file).toString();
    String separator = file.getFileSystem().getSeparator();
    return separator.equals("/") ? relative : relative.replace(separator, "/");
  }

  void require() {
    Optional<StorageException> problem = problem();
    if (problem.isPresent()) {
      throw problem.get();
    }
  }

  /** Why the root is unusable (missing, not a directory, unreadable), if it is. */
  Optional<StorageException> problem() {
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
          FsErrors.classify("checking the repository root of " + description, root, root, 0, e));
    }
  }

  /**
   * The error for {@code e}. A missing or replaced root explains most failures below it, so it is
   * checked first and reported instead.
   *
   * @param doing what failed, for example {@code "writing object 'k'"}
   * @param bytesNeeded bytes a write needed, or 0
   */
  StorageException failure(String doing, Path path, long bytesNeeded, Exception e) {
    Optional<StorageException> rootProblem = problem();
    if (rootProblem.isPresent()) {
      rootProblem.get().addSuppressed(e);
      return rootProblem.get();
    }
    IOException io = e instanceof IOException ioe ? ioe : new IOException(e.toString(), e);
    return FsErrors.classify(doing + " in " + description, path, root, bytesNeeded, io);
  }

  /** Whether {@code e} means "no object at {@code path}" rather than a failure to look. */
  boolean isMissing(Path path, IOException e) {
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
  Optional<Path> fileAmongAncestors(Path dir) {
    for (Path d = dir; d != null && !d.equals(root) && d.startsWith(root); d = d.getParent()) {
      if (Files.exists(d) && !Files.isDirectory(d)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** Writing {@code key} failed because its path is a directory holding other objects. */
  StorageException directoryInTheWay(ObjectKey key, Path target, Exception e) {
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

  /** Writing {@code key} failed because {@code file}, one of its parents, is an object. */
  StorageException objectInTheWay(ObjectKey key, Path file, Exception e) {
    String blocking = keyOf(file);
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
}
